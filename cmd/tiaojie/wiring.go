package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/config"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/dedup"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/postgres"
	"github.com/tiaojie/tiaojie/internal/store/sqlite"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

func configUsage() string { return config.Usage() }

// storeCommand opens the configured database for `tiaojie NAME VERB
// [flags]` (audit verify, evaluation rebuild, deadlines rebuild), after
// checking the verb; the caller closes it.
func storeCommand(ctx context.Context, name, verb string, args []string, getenv func(string) string) (*sqlstore.DB, error) {
	if len(args) == 0 || args[0] != verb {
		return nil, fmt.Errorf("usage: tiaojie %s %s [flags]", name, verb)
	}
	cfg, err := config.Load(name, args[1:], getenv)
	if err != nil {
		return nil, err
	}
	return openStore(ctx, cfg, false)
}

// openStore opens the configured engine; migrate applies pending migrations.
func openStore(ctx context.Context, cfg config.Config, migrate bool) (*sqlstore.DB, error) {
	if cfg.DatabaseURL != "" {
		if migrate {
			return postgres.Open(ctx, cfg.DatabaseURL)
		}
		return postgres.OpenNoMigrate(ctx, cfg.DatabaseURL)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir %s: %w", cfg.DataDir, err)
	}
	if migrate {
		return sqlite.Open(ctx, cfg.SQLitePath())
	}
	return sqlite.OpenNoMigrate(ctx, cfg.SQLitePath())
}

// openReady opens and migrates the configured database, makes sure the
// deadline policies exist and loads the personal-data key ring: what every
// command that works on cases needs. A key it generates is announced on out.
func openReady(ctx context.Context, cfg config.Config, out io.Writer) (*sqlstore.DB, *pii.Sealer, error) {
	s, err := sealerTo(cfg, out)
	if err != nil {
		return nil, nil, err
	}
	db, err := openStore(ctx, cfg, true)
	if err != nil {
		return nil, nil, err
	}
	if err := deadline.EnsureDefaultPolicies(ctx, db); err != nil {
		db.Close()
		return nil, nil, err
	}
	if err := keyOpensData(ctx, db, s); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, s, nil
}

// keyOpensData refuses a key ring that cannot open the phone numbers
// already sealed in the database: an instance started with another
// --secret-key (or a database restored without its key) would seal new data
// no other instance can read. It also refuses a lookup key whose hashes
// would match none of the stored ones (search by phone would find nothing).
func keyOpensData(ctx context.Context, db store.Store, s *pii.Sealer) error {
	page, err := db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, ByID: true, Limit: 20})
	if err != nil {
		return fmt.Errorf("check the personal-data key: %w", err)
	}
	for _, c := range page.Cases {
		full, err := db.GetCase(ctx, c.ID)
		if err != nil {
			return fmt.Errorf("check the personal-data key: %w", err)
		}
		for _, p := range full.Parties {
			if p.PhoneSealed == "" {
				continue
			}
			phone, err := s.Open(p.PhoneSealed)
			if err != nil {
				return fmt.Errorf("the personal-data key (--secret-key / TIAOJIE_SECRET_KEY with --previous-keys / TIAOJIE_PREVIOUS_KEYS, or the data dir's secret.key) does not open the phone numbers already in this database (case %s, sealed with key %s): every instance must be given the key the data was written with", full.Number, pii.SealedKeyID(p.PhoneSealed))
			}
			if p.PhoneHash != "" && s.Hash(phone) != p.PhoneHash {
				return fmt.Errorf("the lookup key does not match the phone hashes already in this database (case %s): after a key rotation set --lookup-key / TIAOJIE_LOOKUP_KEY to the original key, or searching by phone finds nothing", full.Number)
			}
			return nil
		}
	}
	return nil
}

// errNoSecretKey: a shared database, or a deployment behind HTTPS, must not
// run on a key an instance made up for itself.
var errNoSecretKey = errors.New("缺少个人信息密钥：使用 PostgreSQL（--database-url）或 --secure-cookies 时必须用 --secret-key / TIAOJIE_SECRET_KEY 明确给出密钥（64位十六进制，各实例相同，例如 openssl rand -hex 32 生成），不会自动生成")

// sealer loads the personal-data key ring from config, or the data dir's key file.
func sealer(cfg config.Config) (*pii.Sealer, error) { return sealerTo(cfg, io.Discard) }

// sealerTo is sealer that says on out when it generated the key file.
func sealerTo(cfg config.Config, out io.Writer) (*pii.Sealer, error) {
	var key []byte
	var err error
	switch {
	case cfg.SecretKey != "":
		key, err = pii.ParseKey(cfg.SecretKey)
	case cfg.DatabaseURL != "" || cfg.SecureCookies:
		return nil, errNoSecretKey
	default:
		_, statErr := os.Stat(cfg.KeyPath())
		key, err = pii.LoadOrCreateKeyFile(cfg.KeyPath())
		if err == nil && errors.Is(statErr, os.ErrNotExist) {
			fmt.Fprintf(out, "未给出 --secret-key：已生成个人信息密钥 %s（仅限单机 SQLite；请备份此文件，丢失后已加密的电话、证件号无法打开）\n", cfg.KeyPath())
		}
	}
	if err != nil {
		return nil, fmt.Errorf("personal-data key: %w", err)
	}
	var previous [][]byte
	for _, p := range cfg.PreviousKeys {
		k, err := pii.ParseKey(p)
		if err != nil {
			return nil, fmt.Errorf("--previous-keys: %w", err)
		}
		previous = append(previous, k)
	}
	var lookup []byte
	if cfg.LookupKey != "" {
		if lookup, err = pii.ParseKey(cfg.LookupKey); err != nil {
			return nil, fmt.Errorf("--lookup-key: %w", err)
		}
	}
	return pii.NewRing(key, previous, lookup)
}

func migrate(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	cfg, err := config.Load("migrate", args, getenv)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := deadline.EnsureDefaultPolicies(ctx, db); err != nil {
		return err
	}
	cur, _, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "database (%s) at migration version %d\n", db.Dialect(), cur)
	return nil
}

// seedDemo builds the demo organisation into an empty database.
func seedDemo(ctx context.Context, db *sqlstore.DB, cfg config.Config, out io.Writer) (demo.Result, error) {
	s, err := sealerTo(cfg, out)
	if err != nil {
		return demo.Result{}, err
	}
	start := time.Now()
	res, err := demo.Build(ctx, db, s, demo.Options{Cases: cfg.DemoCases, Password: cfg.DemoPassword, Now: time.Now(),
		Progress: progressPrinter(out, "演示案件"), Step: func(name string, took time.Duration) {
			fmt.Fprintf(out, "\n  %s：用时 %.1f 秒", name, took.Seconds())
		}})
	if err != nil {
		return res, fmt.Errorf("build demo: %w", err)
	}
	fmt.Fprintf(out, "\n演示数据已生成：%d 件案件，用时 %.1f 秒\n", res.Cases, time.Since(start).Seconds())
	// The clock lists' stored due dates, so that they answer by index from
	// the first request (the periodic job would do it within a minute).
	start = time.Now()
	rep, err := (&desk.Service{Store: db}).RefreshDue(ctx)
	if err != nil {
		return res, fmt.Errorf("compute due dates: %w", err)
	}
	fmt.Fprintf(out, "期限索引已建立：%d 件在办案件，用时 %.1f 秒\n", rep.Computed, time.Since(start).Seconds())
	return res, nil
}

func printAccounts(out io.Writer, res demo.Result, password string) {
	fmt.Fprintln(out, "演示账号（密码均为 "+password+"）：")
	for _, a := range res.Accounts {
		fmt.Fprintf(out, "  %-16s %-10s %s\n", a.Username, a.RoleLabel, a.Org)
	}
	if len(res.PartyLinks) > 0 {
		fmt.Fprintln(out, "当事人在线调解页面（在平台地址后加此路径，用手机打开；mediator01 主持这些案件）：")
		for _, l := range res.PartyLinks {
			fmt.Fprintf(out, "  %s %s  %s\n", l.CaseNumber, map[string]string{"consumer": "消费者", "merchant": "经营者"}[l.Party], l.Path)
		}
	}
	// What the parties of the showcase cases would have received by SMS.
	for _, sc := range res.Showcases {
		if len(sc.SignLinks)+len(sc.RateLinks) == 0 {
			continue
		}
		fmt.Fprintf(out, "%s：调解协议签署页面（待签）与回访评价页面（在平台地址后加此路径）：\n", sc.District)
		for _, l := range sc.SignLinks {
			fmt.Fprintf(out, "  %s %s签署  %s\n", l.CaseNumber, map[string]string{"consumer": "消费者", "merchant": "经营者"}[l.Party], l.Path)
		}
		for _, l := range sc.RateLinks {
			fmt.Fprintf(out, "  %s 消费者评价  %s\n", l.CaseNumber, l.Path)
		}
		fmt.Fprintf(out, "  已盖章归档的书面协议：%s；司法确认（已提交、已受理、已确认、已驳回）：%s\n", sc.Archived, strings.Join(sc.Judicial, "、"))
	}
}

func demoCmd(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	cfg, err := config.Load("demo", args, getenv)
	if err != nil {
		return err
	}
	s, err := sealerTo(cfg, out) // before connecting: refuse a shared database without a key
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close()
	empty, err := demo.IsEmpty(ctx, db)
	if err != nil {
		return err
	}
	if !empty {
		if err := keyOpensData(ctx, db, s); err != nil {
			return err
		}
		n, err := demo.AddCases(ctx, db, s, cfg.DemoCases, time.Now().UnixNano(), time.Now(), progressPrinter(out, "追加案件"))
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "\n数据库已有组织机构，已追加 %d 件演示案件\n", n)
		return nil
	}
	res, err := seedDemo(ctx, db, cfg, out)
	if err != nil {
		return err
	}
	printAccounts(out, res, cfg.DemoPassword)
	return nil
}

// progressPrinter draws a one-line progress bar on a terminal.
func progressPrinter(out io.Writer, label string) func(done, total int) {
	return func(done, total int) {
		if total == 0 {
			return
		}
		const width = 30
		n := done * width / total
		fmt.Fprintf(out, "\r%s [%-30s] %d/%d", label, string(repeat('#', n)), done, total)
	}
}

func repeat(r rune, n int) []rune {
	out := make([]rune, n)
	for i := range out {
		out[i] = r
	}
	return out
}

// dedupSettings are the configured duplicate and surge thresholds.
func dedupSettings(cfg config.Config) dedup.Settings {
	return dedup.Settings{DuplicateWindow: cfg.DuplicateWindow, DuplicateThreshold: cfg.DuplicateThreshold,
		SurgeWindow: cfg.SurgeWindow, SurgeMinCount: cfg.SurgeMinCount, SurgeSimilarity: cfg.SurgeSimilarity}
}
