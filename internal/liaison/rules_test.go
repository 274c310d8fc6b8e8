package liaison

import (
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
)

func TestNormalizePhone(t *testing.T) {
	for _, c := range []struct {
		in, want, mask string
		sms, bad       bool
	}{
		{"", "", "", false, false},
		{"13900210001", "13900210001", "139****0001", true, false},
		{" 139 0021 0001 ", "13900210001", "139****0001", true, false},
		{"021-58881234", "021-58881234", "021-*****234", false, false},
		{"02158881234", "02158881234", "0215****234", false, false},
		{"12345", "", "", false, true},
		{"abc", "", "", false, true},
	} {
		got, sms, err := normalizePhone(c.in)
		if (err != nil) != c.bad || got != c.want || sms != c.sms {
			t.Errorf("normalizePhone(%q) = %q %v %v", c.in, got, sms, err)
			continue
		}
		if err != nil && !strings.Contains(err.Error(), "格式不正确") {
			t.Errorf("message %q", err)
		}
		if m := maskPhone(got); m != c.mask {
			t.Errorf("maskPhone(%q) = %q, want %q", got, m, c.mask)
		}
	}
	if maskPhone("1234567") != "*******" {
		t.Error("short number not fully masked")
	}
}

func TestTables(t *testing.T) {
	for _, c := range Channels {
		if ChannelLabel(c) == "" {
			t.Errorf("channel %s has no label", c)
		}
	}
	if ChannelLabel("fax") != "" {
		t.Error("unknown channel labelled")
	}
	for _, k := range domain.OrgKinds {
		want := k == domain.OrgRegulatorOffice || k == domain.OrgJusticeOffice || k == domain.OrgCourt || k == domain.OrgConsumerCouncil ||
			k == domain.OrgRegulatorBureau || k == domain.OrgJusticeBureau
		if IsPartnerKind(k) != want {
			t.Errorf("IsPartnerKind(%s) = %v", k, !want)
		}
		if want && KindLabel(string(k)) == "" {
			t.Errorf("no label for %s", k)
		}
	}
	if KindLabel(KindEnterprise) != "企业联络点" {
		t.Error("enterprise label")
	}
	for _, e := range []struct {
		s  string
		ok bool
	}{{"", true}, {"a@b.cn", true}, {"a@b", false}, {"a b@c.cn", false}} {
		if validEmail(e.s) != e.ok {
			t.Errorf("validEmail(%q)", e.s)
		}
	}
	if got := splitRefs("（2026）浦消调字第00001号, 12，13、14\n15"); len(got) != 5 {
		t.Errorf("splitRefs: %q", got)
	}
	if StateLabel("sent") == "" || StateLabel("received") == "" {
		t.Error("state labels")
	}
}
