package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/config"
	"github.com/tiaojie/tiaojie/internal/store/sqlite"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// cutFlag takes --name VALUE / --name=VALUE (or a bare --name when boolean)
// out of args, leaving the settings for config.Load.
func cutFlag(args []string, name string, boolean bool) (val string, found bool, rest []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		n, v, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || n != name {
			rest = append(rest, a)
			continue
		}
		found = true
		switch {
		case hasVal:
			val = v
		case boolean:
			val = "true"
		case i+1 < len(args):
			i++
			val = args[i]
		default:
			return "", false, nil, fmt.Errorf("--%s needs a value", name)
		}
	}
	return val, found, rest, nil
}

// backupCmd: `tiaojie backup --out FILE`. SQLite: an online, consistent copy
// (VACUUM INTO) taken while servers keep writing, then checked (its audit
// chain verified, its cases counted). PostgreSQL: pg_dump in its custom
// format when it is installed; otherwise what to run.
func backupCmd(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	file, _, rest, err := cutFlag(args, "out", false)
	if err != nil {
		return err
	}
	if file == "" {
		return errors.New("usage: tiaojie backup --out FILE [flags]")
	}
	cfg, err := config.Load("backup", rest, getenv)
	if err != nil {
		return err
	}
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("备份文件 %s 已存在：请换一个文件名，不会覆盖", file)
	}
	if cfg.DatabaseURL != "" {
		return pgDump(ctx, cfg.DatabaseURL, file, out)
	}
	if _, err := os.Stat(cfg.SQLitePath()); err != nil {
		return fmt.Errorf("no database at %s: %w", cfg.SQLitePath(), err)
	}
	db, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	start := time.Now()
	// VACUUM INTO reads one snapshot (a read transaction): writers carry on.
	_, err = db.Writer().ExecContext(ctx, `VACUUM INTO $1`, file)
	db.Close()
	if err != nil {
		os.Remove(file)
		return fmt.Errorf("online backup into %s: %w", file, err)
	}
	if err := os.Chmod(file, 0o600); err != nil {
		return err
	}
	n, cases, err := checkSQLiteCopy(ctx, file)
	if err != nil {
		return fmt.Errorf("备份已写出但检查未通过：%w", err)
	}
	st, _ := os.Stat(file)
	fmt.Fprintf(out, "备份完成：%s（%.1f MB，用时 %.1f 秒）：%d 件案件，审计日志 %d 条，哈希链完好\n", file, float64(st.Size())/(1<<20), time.Since(start).Seconds(), cases, n)
	fmt.Fprintf(out, "注意：个人信息密钥不在备份内（%s 或 --secret-key），请另行妥善保管；没有它，备份中的电话、证件号无法打开。\n", cfg.KeyPath())
	return nil
}

// checkSQLiteCopy opens a copy, verifies its audit chain and counts its cases.
func checkSQLiteCopy(ctx context.Context, file string) (int64, int, error) {
	db, err := sqlite.OpenNoMigrate(ctx, file)
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	return verifyAndCount(ctx, db)
}

func verifyAndCount(ctx context.Context, db *sqlstore.DB) (int64, int, error) {
	n, err := audit.VerifyChain(ctx, db)
	var br *audit.Break
	if errors.As(err, &br) {
		return n, 0, fmt.Errorf("审计日志哈希链断裂：%s（此前 %d 条完好）", br.Error(), n)
	}
	if err != nil {
		return n, 0, fmt.Errorf("verify audit trail: %w", err)
	}
	counts, err := db.CountCasesByStatus(ctx)
	if err != nil {
		return n, 0, err
	}
	cases := 0
	for _, c := range counts {
		cases += int(c)
	}
	return n, cases, nil
}

// restoreCmd: `tiaojie restore --from FILE`. SQLite: the copy is checked
// (audit chain, cases) before it takes the configured database's place; an
// existing database is not replaced without --force, and then it is kept
// beside as tiaojie.db.replaced-<time>. PostgreSQL: pg_restore into the
// configured database, then the same check.
func restoreCmd(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	from, _, rest, err := cutFlag(args, "from", false)
	if err != nil {
		return err
	}
	force, _, rest, err := cutFlag(rest, "force", true)
	if err != nil {
		return err
	}
	if from == "" {
		return errors.New("usage: tiaojie restore --from FILE [--force] [flags]")
	}
	cfg, err := config.Load("restore", rest, getenv)
	if err != nil {
		return err
	}
	if _, err := os.Stat(from); err != nil {
		return fmt.Errorf("backup file: %w", err)
	}
	if cfg.DatabaseURL != "" {
		return pgRestore(ctx, cfg, from, force == "true", out)
	}
	target := cfg.SQLitePath()
	if _, err := os.Stat(target); err == nil && force != "true" {
		return fmt.Errorf("%s 已有数据库：恢复不会覆盖它。请恢复到新的 --data-dir，或先停止所有使用它的实例再加 --force（原文件将改名保留）", target)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return err
	}
	tmp := target + ".restoring"
	os.Remove(tmp)
	if err := copyFile(from, tmp); err != nil {
		return err
	}
	n, cases, err := checkSQLiteCopy(ctx, tmp)
	if err != nil {
		os.Remove(tmp)
		os.Remove(tmp + "-wal")
		os.Remove(tmp + "-shm")
		return fmt.Errorf("备份文件未通过检查，未恢复：%w", err)
	}
	if _, err := os.Stat(target); err == nil {
		aside := target + ".replaced-" + time.Now().Format("20060102-150405")
		for _, sfx := range []string{"", "-wal", "-shm"} {
			if _, err := os.Stat(target + sfx); err == nil {
				if err := os.Rename(target+sfx, aside+sfx); err != nil {
					return err
				}
			}
		}
		fmt.Fprintf(out, "原数据库已改名保留为 %s\n", aside)
	}
	if err := os.Rename(tmp, target); err != nil {
		return err
	}
	fmt.Fprintf(out, "已恢复到 %s：%d 件案件，审计日志 %d 条，哈希链完好。启动前请给出备份时所用的个人信息密钥。\n", target, cases, n)
	return nil
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// libpqURL is the database URL as pg_dump and pg_restore take it: the
// search_path pgx accepts as a parameter becomes their --schema.
func libpqURL(dbURL string) (string, string, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", "", err
	}
	q := u.Query()
	schema := q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String(), schema, nil
}

const pgGuidance = `PostgreSQL 的备份用 pg_dump（与服务器同一大版本），可在实例运行时进行：
  pg_dump --format=custom --no-owner --file tiaojie.dump "$TIAOJIE_DATABASE_URL"
恢复到一个新的空数据库，然后检查审计日志：
  pg_restore --no-owner --exit-on-error --dbname "postgres://…/新库" tiaojie.dump
  TIAOJIE_DATABASE_URL=postgres://…/新库 tiaojie audit verify`

func pgDump(ctx context.Context, dbURL, file string, out io.Writer) error {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		fmt.Fprintln(out, pgGuidance)
		return errors.New("pg_dump is not installed here: run it as shown above")
	}
	conn, schema, err := libpqURL(dbURL)
	if err != nil {
		return err
	}
	args := []string{"--format=custom", "--no-owner", "--file", file}
	if schema != "" {
		// A dump of one schema leaves out the extensions its objects use:
		// the case search's trigram index names pg_trgm's operator class,
		// so without the extension the restore stops there.
		args = append(args, "--schema", schema, "--extension", "pg_trgm")
	}
	start := time.Now()
	cmd := exec.CommandContext(ctx, bin, append(args, conn)...)
	cmd.Stderr = out
	if err := cmd.Run(); err != nil {
		os.Remove(file)
		return fmt.Errorf("pg_dump: %w", err)
	}
	os.Chmod(file, 0o600)
	st, _ := os.Stat(file)
	fmt.Fprintf(out, "备份完成（pg_dump 自定义格式）：%s（%.1f MB，用时 %.1f 秒）。个人信息密钥不在备份内，请另行妥善保管。\n", file, float64(st.Size())/(1<<20), time.Since(start).Seconds())
	return nil
}

func pgRestore(ctx context.Context, cfg config.Config, from string, force bool, out io.Writer) error {
	bin, err := exec.LookPath("pg_restore")
	if err != nil {
		fmt.Fprintln(out, pgGuidance)
		return errors.New("pg_restore is not installed here: run it as shown above")
	}
	// An existing schema is not replaced without --force.
	if db, err := openStore(ctx, cfg, false); err == nil {
		cur, _, merr := db.MigrationStatus(ctx)
		db.Close()
		if merr == nil && cur > 0 && !force {
			return errors.New("目标数据库已有 tiaojie 的数据：恢复不会覆盖它。请恢复到新的空数据库，或先停止所有实例再加 --force（将先删除同名对象）")
		}
	}
	conn, _, err := libpqURL(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	args := []string{"--no-owner", "--exit-on-error", "--dbname", conn}
	if force {
		args = append(args, "--clean", "--if-exists")
	}
	cmd := exec.CommandContext(ctx, bin, append(args, from)...)
	cmd.Stderr = out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_restore: %w", err)
	}
	db, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer db.Close()
	n, cases, err := verifyAndCount(ctx, db)
	if err != nil {
		return fmt.Errorf("已恢复，但检查未通过：%w", err)
	}
	fmt.Fprintf(out, "已恢复（数据库：%s）：%d 件案件，审计日志 %d 条，哈希链完好。启动前请给出备份时所用的个人信息密钥。\n", db.Dialect(), cases, n)
	return nil
}
