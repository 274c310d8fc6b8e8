package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tiaojie/tiaojie/internal/scorecard"
)

// evaluationCmd: `tiaojie evaluation rebuild` recomputes every evaluation
// rollup from the event log and says whether the incrementally kept ones
// were the same (exit status 1 when they differed; the rebuilt ones stand).
func evaluationCmd(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	db, err := storeCommand(ctx, "evaluation", "rebuild", args, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	svc := &scorecard.Service{Store: db}
	before, after, n, err := svc.Rebuild(ctx)
	if err != nil {
		return fmt.Errorf("rebuild evaluation: %w", err)
	}
	took := time.Since(start).Round(time.Millisecond)
	if before != after {
		fmt.Fprintf(out, "绩效汇总已按事件日志重算：%d 件案件，用时 %s。重算结果与原汇总不一致，已以重算结果为准（原 %s…，现 %s…）\n",
			n, took, before[:12], after[:12])
		return errors.New("incremental rollups differed from the rebuild")
	}
	fmt.Fprintf(out, "绩效汇总已按事件日志重算：%d 件案件，用时 %s，与原汇总一致（%s…，数据库：%s）\n", n, took, after[:12], db.Dialect())
	return nil
}
