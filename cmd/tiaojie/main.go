// Command tiaojie is the whole platform: one binary with subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `tiaojie — 消费纠纷联动调解平台

用法:
  tiaojie serve [--demo] [flags]   run the web server (--demo seeds an empty database)
  tiaojie migrate [flags]          apply database migrations
  tiaojie demo [--cases N] [flags] build the demo organisation, users and synthetic cases
  tiaojie import 12315 FILE [--office CODE]
                                   import a 12315 export (.xlsx/.csv) into the configured database
  tiaojie audit verify [flags]     check the audit trail's hash chain; names the first broken entry
  tiaojie keys status [flags]      count the sealed personal data by the key that sealed it
  tiaojie keys rotate --new-key HEX [flags]
                                   re-seal all sealed personal data with a new key (servers keep running)
  tiaojie backup --out FILE [flags]   online backup (SQLite; PostgreSQL: pg_dump)
  tiaojie restore --from FILE [--force] [flags]
                                   restore a backup, then verify the audit chain
  tiaojie evaluation rebuild [flags]  recompute the evaluation rollups from the event log; says whether they matched
  tiaojie deadlines rebuild [flags]   recompute the clock lists' stored due dates from the event log; says whether they matched
  tiaojie bench intake [flags]     measure complaint creation against the raw engine ceiling
  tiaojie bench evaluation [flags] measure evaluation scores, headline and ranking at volume (-n 1000000)
  tiaojie version                  print the version

Every flag can also be set as an environment variable:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "tiaojie:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(out, usage+configUsage())
		return errors.New("missing subcommand")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, out, getenv)
	case "migrate":
		return migrate(ctx, rest, out, getenv)
	case "demo":
		return demoCmd(ctx, rest, out, getenv)
	case "bench":
		return bench(ctx, rest, out, getenv)
	case "import":
		return importCmd(ctx, rest, out, getenv)
	case "audit":
		return auditCmd(ctx, rest, out, getenv)
	case "evaluation":
		return evaluationCmd(ctx, rest, out, getenv)
	case "deadlines":
		return deadlinesCmd(ctx, rest, out, getenv)
	case "keys":
		return keysCmd(ctx, rest, out, getenv)
	case "backup":
		return backupCmd(ctx, rest, out, getenv)
	case "restore":
		return restoreCmd(ctx, rest, out, getenv)
	case "version", "--version", "-v":
		fmt.Fprintln(out, "tiaojie", version)
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(out, usage+configUsage())
		return nil
	}
	return fmt.Errorf("unknown subcommand %q (try: tiaojie help)", cmd)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
