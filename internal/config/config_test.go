package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsEnvFlags(t *testing.T) {
	c, err := Load("serve", nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.DemoPassword != DefaultDemoPassword || c.Demo || c.DemoCases != 3000 {
		t.Fatalf("defaults: %+v", c)
	}
	c, err = Load("serve", []string{"--demo", "--addr", "127.0.0.1:9000"}, env(map[string]string{"TIAOJIE_ADDR": "0.0.0.0:1", "TIAOJIE_DATA_DIR": "/tmp/x", "TIAOJIE_DEMO_CASES": "65000"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.DataDir != "/tmp/x" || !c.Demo || c.DemoCases != 65000 {
		t.Fatalf("flags over env: %+v", c)
	}
	if c.SQLitePath() != "/tmp/x/tiaojie.db" {
		t.Fatal(c.SQLitePath())
	}
}

func TestInvalidSettingsAllReported(t *testing.T) {
	_, err := Load("serve", []string{"--addr", "nonsense", "--session-idle", "-5m", "--court-url", "court.example"},
		env(map[string]string{"TIAOJIE_DATABASE_URL": "mysql://x", "TIAOJIE_DEMO_PASSWORD": "short", "TIAOJIE_SMS_GATEWAY_URL": "ftp://sms"}))
	if err == nil {
		t.Fatal("invalid config accepted")
	}
	for _, want := range []string{"--addr", "TIAOJIE_DATABASE_URL", "--session-idle", "TIAOJIE_DEMO_PASSWORD", "--court-url", "TIAOJIE_SMS_GATEWAY_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
	if _, err := Load("serve", nil, env(map[string]string{"TIAOJIE_DEMO": "maybe"})); err == nil {
		t.Fatal("bad bool env accepted")
	}
	if _, err := Load("serve", []string{"extra"}, env(nil)); err == nil {
		t.Fatal("stray argument accepted")
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := Load("serve", []string{"--trusted-proxies", " 10.0.0.5, 10.1.0.0/16 ,,::ffff:192.168.1.1,2001:db8::/32"}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.TrustedProxies {
		got = append(got, p.String())
	}
	if strings.Join(got, " ") != "10.0.0.5/32 10.1.0.0/16 192.168.1.1/32 2001:db8::/32" {
		t.Fatalf("parsed %v", got)
	}
	if c, _ := Load("serve", nil, env(nil)); len(c.TrustedProxies) != 0 {
		t.Fatal("a proxy is trusted by default")
	}
	_, err = Load("serve", nil, env(map[string]string{"TIAOJIE_TRUSTED_PROXIES": "10.0.0.5, nginx.internal"}))
	if err == nil || !strings.Contains(err.Error(), "nginx.internal") {
		t.Fatalf("a host name was accepted as a proxy address: %v", err)
	}
}

func TestKeyAndMetricsSettings(t *testing.T) {
	k1, k2 := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	c, err := Load("serve", []string{"--previous-keys", k1 + " , " + k2, "--lookup-key", k1, "--metrics-listen", "127.0.0.1:9090"}, env(nil))
	if err != nil || len(c.PreviousKeys) != 2 || c.PreviousKeys[1] != k2 || c.LookupKey != k1 || c.MetricsListen != "127.0.0.1:9090" {
		t.Fatalf("%+v %v", c, err)
	}
	_, err = Load("serve", []string{"--previous-keys", k1 + ",abc", "--lookup-key", "xyz", "--metrics-listen", "9090", "--metrics-token", "short"}, env(nil))
	for _, want := range []string{"--previous-keys", "--lookup-key", "--metrics-listen", "--metrics-token"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad %s accepted: %v", want, err)
		}
	}
}
