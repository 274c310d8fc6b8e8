// Package config declares every setting in one table; each can be given as
// a flag or as a TIAOJIE_* environment variable (flags win), and all are
// validated at start with a clear message.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the validated settings.
type Config struct {
	Addr            string
	DataDir         string
	DatabaseURL     string // postgres://… switches to PostgreSQL; empty = SQLite in DataDir
	SecretKey       string // 64 hex chars; empty = generated into DataDir/secret.key
	Demo            bool
	DemoCases       int
	DemoPassword    string
	LogLevel        string
	SessionIdle     time.Duration
	SessionLifetime time.Duration
	ShutdownGrace   time.Duration
	// JobRescueAfter: a job still running this long after it started is
	// taken to belong to a dead instance and run again.
	JobRescueAfter time.Duration
	// WarningInterval: how often the 预警 sweep runs (also at start-up).
	WarningInterval time.Duration
	SecureCookies   bool
	MaxBodyBytes    int64
	PublicURL       string // address parties reach in SMS links
	SMSSignature    string
	SMSGatewayURL   string // empty: messages stay in the outbox (demo)
	SMSAPIKey       string
	CourtURL        string // empty: applications for judicial confirmation wait in the court liaison's list
	CourtAPIKey     string
	// SmartMediationURL is the smart-mediation platform (internal/smartmediation/FORMAT.md);
	// empty: no sync (in demo mode an in-process peer stands in).
	SmartMediationURL string
	SmartMediationKey string
	// SmartMediationSince is the day (YYYY-MM-DD) the link went live: a
	// case closed before it need not be synced to earn its subsidy.
	SmartMediationSince string
	// TrustedProxies: reverse proxies whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
	// Duplicate and surge detection thresholds.
	DuplicateWindow    time.Duration
	DuplicateThreshold float64
	SurgeWindow        time.Duration
	SurgeMinCount      int
	SurgeSimilarity    float64

	// PreviousKeys open personal data but do not seal it (key rotation).
	PreviousKeys []string
	// LookupKey keys the hash that finds equal phones and ID numbers;
	// empty: SecretKey. It is not rotated (docs/security.md).
	LookupKey string
	// MetricsListen is a separate address for /metrics (empty: none);
	// MetricsToken lets a bearer of it read /metrics on the main address.
	MetricsListen string
	MetricsToken  string
}

// DefaultDemoPassword is documented in README; set TIAOJIE_DEMO_PASSWORD to change it.
const DefaultDemoPassword = "Tiaojie@2026"

type option struct {
	name, env, def, help string
	set                  func(c *Config, v string) error
}

// options is the declared table of settings.
var options = []option{
	{"addr", "TIAOJIE_ADDR", "127.0.0.1:8080", "listen address", func(c *Config, v string) error {
		if _, _, err := net.SplitHostPort(v); err != nil {
			return fmt.Errorf("must be host:port, e.g. 127.0.0.1:8080")
		}
		c.Addr = v
		return nil
	}},
	{"data-dir", "TIAOJIE_DATA_DIR", "./data", "directory for the SQLite file and the key", func(c *Config, v string) error {
		if v == "" {
			return errors.New("must not be empty")
		}
		c.DataDir = v
		return nil
	}},
	{"database-url", "TIAOJIE_DATABASE_URL", "", "postgres://… to use PostgreSQL instead of SQLite", func(c *Config, v string) error {
		if v != "" && !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
			return errors.New("must start with postgres:// (leave empty for the embedded SQLite)")
		}
		c.DatabaseURL = v
		return nil
	}},
	{"secret-key", "TIAOJIE_SECRET_KEY", "", "64 hex chars encrypting personal data; required on PostgreSQL or with --secure-cookies, otherwise generated into data-dir/secret.key", func(c *Config, v string) error {
		if v != "" && len(strings.TrimSpace(v)) != 64 {
			return errors.New("must be 64 hexadecimal characters")
		}
		c.SecretKey = v
		return nil
	}},
	{"previous-keys", "TIAOJIE_PREVIOUS_KEYS", "", "comma-separated keys (64 hex chars each) that open personal data but do not seal it: the old key during a rotation, or the next one before switching to it", func(c *Config, v string) error {
		c.PreviousKeys = nil
		for _, k := range strings.Split(v, ",") {
			if k = strings.TrimSpace(k); k == "" {
				continue
			}
			if !isHexKey(k) {
				return errors.New("each key must be 64 hexadecimal characters")
			}
			c.PreviousKeys = append(c.PreviousKeys, k)
		}
		return nil
	}},
	{"lookup-key", "TIAOJIE_LOOKUP_KEY", "", "64 hex chars keying the phone/ID lookup hash (default: the secret key); after a rotation set it to the original key", func(c *Config, v string) error {
		if v != "" && !isHexKey(v) {
			return errors.New("must be 64 hexadecimal characters")
		}
		c.LookupKey = v
		return nil
	}},
	{"metrics-listen", "TIAOJIE_METRICS_LISTEN", "", "separate host:port serving /metrics, e.g. 127.0.0.1:9090 (empty: none)", func(c *Config, v string) error {
		if v != "" {
			if _, _, err := net.SplitHostPort(v); err != nil {
				return fmt.Errorf("must be host:port, e.g. 127.0.0.1:9090")
			}
		}
		c.MetricsListen = v
		return nil
	}},
	{"metrics-token", "TIAOJIE_METRICS_TOKEN", "", "bearer token that reads /metrics on the main address (empty: /metrics answers 404 there)", func(c *Config, v string) error {
		if v != "" && len(v) < 16 {
			return errors.New("must be at least 16 characters")
		}
		c.MetricsToken = v
		return nil
	}},
	{"demo", "TIAOJIE_DEMO", "false", "seed the demo organisation, users and cases into an empty database", boolSetter(func(c *Config, b bool) { c.Demo = b })},
	{"cases", "TIAOJIE_DEMO_CASES", "3000", "number of synthetic cases the demo creates", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 2_000_000 {
			return errors.New("must be a number between 0 and 2000000")
		}
		c.DemoCases = n
		return nil
	}},
	{"demo-password", "TIAOJIE_DEMO_PASSWORD", DefaultDemoPassword, "password of every demo user", func(c *Config, v string) error {
		if len(v) < 8 {
			return errors.New("must be at least 8 characters")
		}
		c.DemoPassword = v
		return nil
	}},
	{"log-level", "TIAOJIE_LOG_LEVEL", "info", "debug, info, warn or error", func(c *Config, v string) error {
		switch v {
		case "debug", "info", "warn", "error":
			c.LogLevel = v
			return nil
		}
		return errors.New("must be debug, info, warn or error")
	}},
	{"session-idle", "TIAOJIE_SESSION_IDLE", "30m", "sign-out after this long without activity", durSetter(func(c *Config, d time.Duration) { c.SessionIdle = d })},
	{"session-lifetime", "TIAOJIE_SESSION_LIFETIME", "12h", "absolute session lifetime", durSetter(func(c *Config, d time.Duration) { c.SessionLifetime = d })},
	{"job-rescue-after", "TIAOJIE_JOB_RESCUE_AFTER", "5m", "a background job still running this long after it started belongs to a dead instance and runs again (every job finishes or checkpoints well within it)", durSetter(func(c *Config, d time.Duration) { c.JobRescueAfter = d })},
	{"warning-interval", "TIAOJIE_WARNING_INTERVAL", "1m", "how often the early-warning (预警) sweep raises, resolves and escalates warnings (it also runs at start-up)", durSetter(func(c *Config, d time.Duration) { c.WarningInterval = d })},
	{"shutdown-grace", "TIAOJIE_SHUTDOWN_GRACE", "20s", "how long in-flight requests may take on SIGTERM", durSetter(func(c *Config, d time.Duration) { c.ShutdownGrace = d })},
	{"secure-cookies", "TIAOJIE_SECURE_COOKIES", "false", "mark cookies Secure (set when served over HTTPS)", boolSetter(func(c *Config, b bool) { c.SecureCookies = b })},
	{"max-body", "TIAOJIE_MAX_BODY", "1048576", "largest accepted request body in bytes", func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1024 || n > 1<<30 {
			return errors.New("must be a byte count between 1024 and 1073741824")
		}
		c.MaxBodyBytes = n
		return nil
	}},
	{"public-url", "TIAOJIE_PUBLIC_URL", "", "address used in links sent to parties (default: http://ADDR)", func(c *Config, v string) error {
		if v != "" && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
			return errors.New("must start with http:// or https://")
		}
		c.PublicURL = strings.TrimSuffix(v, "/")
		return nil
	}},
	{"sms-signature", "TIAOJIE_SMS_SIGNATURE", "人民调解", "signature of SMS texts, shown as 【…】", func(c *Config, v string) error {
		if v == "" || len([]rune(v)) > 12 {
			return errors.New("must be 1 to 12 characters")
		}
		c.SMSSignature = v
		return nil
	}},
	{"sms-gateway-url", "TIAOJIE_SMS_GATEWAY_URL", "", "SMS gateway (internal/notify/GATEWAY.md); empty keeps messages in the outbox", urlSetter(func(c *Config, v string) { c.SMSGatewayURL = v })},
	{"sms-api-key", "TIAOJIE_SMS_API_KEY", "", "bearer key of the SMS gateway", func(c *Config, v string) error {
		c.SMSAPIKey = v
		return nil
	}},
	{"court-url", "TIAOJIE_COURT_URL", "", "court system for judicial confirmation (internal/court); empty keeps applications on the platform's court page", urlSetter(func(c *Config, v string) { c.CourtURL = v })},
	{"court-api-key", "TIAOJIE_COURT_API_KEY", "", "bearer key of the court system", func(c *Config, v string) error {
		c.CourtAPIKey = v
		return nil
	}},
	{"smart-mediation-url", "TIAOJIE_SMART_MEDIATION_URL", "", "上海智慧调解平台 (internal/smartmediation/FORMAT.md); empty: no sync (demo mode runs an in-process peer)", urlSetter(func(c *Config, v string) { c.SmartMediationURL = v })},
	{"smart-mediation-key", "TIAOJIE_SMART_MEDIATION_KEY", "", "bearer key for the smart-mediation platform", func(c *Config, v string) error {
		c.SmartMediationKey = v
		return nil
	}},
	{"smart-mediation-since", "TIAOJIE_SMART_MEDIATION_SINCE", "", "day (YYYY-MM-DD) the smart-mediation link went live; cases closed before it earn their subsidy without a sync (empty: every case must be synced)", func(c *Config, v string) error {
		if v != "" {
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				return fmt.Errorf("须为 YYYY-MM-DD：%q", v)
			}
		}
		c.SmartMediationSince = v
		return nil
	}},
	{"trusted-proxies", "TIAOJIE_TRUSTED_PROXIES", "", "comma-separated addresses or CIDR ranges of the load balancers in front; their X-Forwarded-For names the client", func(c *Config, v string) error {
		c.TrustedProxies = nil
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			var p netip.Prefix
			var err error
			if strings.Contains(f, "/") {
				p, err = netip.ParsePrefix(f)
			} else {
				var a netip.Addr
				a, err = netip.ParseAddr(f)
				p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
			}
			if err != nil {
				return fmt.Errorf("%q is not an address or CIDR range such as 10.0.0.5 or 10.0.0.0/24", f)
			}
			c.TrustedProxies = append(c.TrustedProxies, p.Masked())
		}
		return nil
	}},
	{"duplicate-window", "TIAOJIE_DUPLICATE_WINDOW", "720h", "complaints this close in time may be duplicates", durSetter(func(c *Config, d time.Duration) { c.DuplicateWindow = d })},
	{"duplicate-threshold", "TIAOJIE_DUPLICATE_THRESHOLD", "0.5", "text similarity (0-1) above which a complaint of the same phone and merchant is flagged", fracSetter(func(c *Config, f float64) { c.DuplicateThreshold = f })},
	{"surge-window", "TIAOJIE_SURGE_WINDOW", "168h", "span of a surge of complaints against one merchant", durSetter(func(c *Config, d time.Duration) { c.SurgeWindow = d })},
	{"surge-min", "TIAOJIE_SURGE_MIN", "5", "distinct complainants that make a surge", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2 || n > 1000 {
			return errors.New("must be a number between 2 and 1000")
		}
		c.SurgeMinCount = n
		return nil
	}},
	{"surge-similarity", "TIAOJIE_SURGE_SIMILARITY", "0.25", "average text similarity (0-1) of a surge's complaints", fracSetter(func(c *Config, f float64) { c.SurgeSimilarity = f })},
}

func fracSetter(f func(*Config, float64)) func(*Config, string) error {
	return func(c *Config, v string) error {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x < 0 || x > 1 {
			return errors.New("must be a number between 0 and 1")
		}
		f(c, x)
		return nil
	}
}

func boolSetter(f func(*Config, bool)) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errors.New("must be true or false")
		}
		f(c, b)
		return nil
	}
}

// urlSetter accepts an empty value (the connector is off) or an http(s) URL.
func urlSetter(f func(*Config, string)) func(*Config, string) error {
	return func(c *Config, v string) error {
		if v != "" && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
			return errors.New("must start with http:// or https://")
		}
		f(c, v)
		return nil
	}
}

func durSetter(f func(*Config, time.Duration)) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return errors.New("must be a positive duration such as 30m or 12h")
		}
		f(c, d)
		return nil
	}
}

// Load parses args (after the subcommand) against the table; environment
// variables supply the defaults. Every invalid setting is reported at once.
func Load(name string, args []string, getenv func(string) string) (Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	for _, o := range options {
		def := o.def
		if v := getenv(o.env); v != "" {
			def = v
		}
		if o.def == "false" || o.def == "true" {
			b, err := strconv.ParseBool(def)
			if err != nil {
				return Config{}, fmt.Errorf("%s = %q: must be true or false", o.env, def)
			}
			fs.Bool(o.name, b, o.help+" ("+o.env+")")
			continue
		}
		fs.String(o.name, def, o.help+" ("+o.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var c Config
	var errs []error
	for _, o := range options {
		v := fs.Lookup(o.name).Value.String()
		if err := o.set(&c, v); err != nil {
			errs = append(errs, fmt.Errorf("--%s / %s = %q: %w", o.name, o.env, v, err))
		}
	}
	return c, errors.Join(errs...)
}

func isHexKey(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// SQLitePath is the database file used when no DatabaseURL is set.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "tiaojie.db") }

// KeyPath is where the generated personal-data key lives.
func (c Config) KeyPath() string { return filepath.Join(c.DataDir, "secret.key") }

// Usage lists the settings for --help and docs/operations.md.
func Usage() string {
	var b strings.Builder
	for _, o := range options {
		fmt.Fprintf(&b, "  --%-18s %-26s default %-16q %s\n", o.name, o.env, o.def, o.help)
	}
	return b.String()
}
