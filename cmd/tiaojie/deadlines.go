package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tiaojie/tiaojie/internal/desk"
)

// deadlinesCmd: `tiaojie deadlines rebuild` recomputes the clock lists'
// stored due dates (internal/desk/dueindex.go) from the event log and says
// whether the stored ones were the same (exit status 1 when some differed;
// the recomputed ones stand).
func deadlinesCmd(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	db, err := storeCommand(ctx, "deadlines", "rebuild", args, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	rep, err := (&desk.Service{Store: db}).RebuildDue(ctx)
	if err != nil {
		return fmt.Errorf("rebuild due dates: %w", err)
	}
	took := time.Since(start).Round(time.Millisecond)
	if rep.Differed > 0 {
		fmt.Fprintf(out, "期限索引已按事件日志重算：%d 件在办案件，用时 %s。其中 %d 件与原索引不一致，已以重算结果为准（数据库：%s）\n",
			rep.Computed, took, rep.Differed, db.Dialect())
		return errors.New("stored due dates differed from the rebuild")
	}
	fmt.Fprintf(out, "期限索引已按事件日志重算：%d 件在办案件，用时 %s，与原索引一致（数据库：%s）\n", rep.Computed, took, db.Dialect())
	return nil
}
