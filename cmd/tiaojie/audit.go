package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/tiaojie/tiaojie/internal/audit"
)

// auditCmd: `tiaojie audit verify` walks the whole hash chain and names the
// first entry that does not hold (exit status 1), or says how many held.
func auditCmd(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	db, err := storeCommand(ctx, "audit", "verify", args, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := audit.VerifyChain(ctx, db)
	var br *audit.Break
	if errors.As(err, &br) {
		fmt.Fprintf(out, "审计日志已被篡改：%s（此前 %d 条完好）\n", br.Error(), n)
		return fmt.Errorf("audit chain broken at entry %d", br.Seq)
	}
	if err != nil {
		return fmt.Errorf("verify audit trail: %w", err)
	}
	fmt.Fprintf(out, "审计日志完好：%d 条，哈希链连续，链头一致（数据库：%s）\n", n, db.Dialect())
	return nil
}
