package agreement

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/court"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Every state an application can be in reads as what it is: queued is not
// "sent", a retry says why, a receipt is shown, the local list is named.
func TestDelivery(t *testing.T) {
	cases := []struct {
		ja    store.JudicialApplication
		state string
		label string
	}{
		{store.JudicialApplication{Status: "sending"}, "queued", "已排队提交法院"},
		{store.JudicialApplication{Status: "sending", Attempts: 3, LastError: "法院系统连接失败"}, "retrying", "重试中（法院系统连接失败）"},
		{store.JudicialApplication{Status: "failed", Attempts: 12, LastError: "法院系统无应答（超时）"}, "failed", "未能送达法院系统（法院系统无应答（超时）），可重新提交"},
		{store.JudicialApplication{Status: "submitted", Receipt: "SQ000001"}, "submitted", "已提交，回执号SQ000001"},
		{store.JudicialApplication{Status: "accepted", Receipt: "SQ000001"}, "submitted", "已提交，回执号SQ000001"},
		{store.JudicialApplication{Status: "confirmed", Receipt: "SQ000001", Attempts: 2}, "submitted", "已提交，回执号SQ000001"},
		{store.JudicialApplication{Status: "rejected", Receipt: "SQ000001"}, "submitted", "已提交，回执号SQ000001"},
		{store.JudicialApplication{Status: "submitted", Receipt: LocalReceipt}, "submitted", "已提交，由法院联络人在本平台办理"},
	}
	for _, c := range cases {
		state, label := Delivery(c.ja)
		if state != c.state || label != c.label {
			t.Errorf("%s/%q/%q: %s %q, want %s %q", c.ja.Status, c.ja.Receipt, c.ja.LastError, state, label, c.state, c.label)
		}
	}
}

// The refusal shown is the last one, and only while no application was
// filed after it.
func TestLastRefusal(t *testing.T) {
	refused := func(reason string) store.Event {
		return store.Event{Type: "judicial_send_refused", Note: "法院退回（" + reason + "）…", Data: `{"reason":"` + reason + `"}`}
	}
	applied := store.Event{Type: "judicial_applied"}
	other := store.Event{Type: "performed"}
	cases := []struct {
		name string
		evs  []store.Event
		want string
	}{
		{"never applied", []store.Event{other}, ""},
		{"applied, pending", []store.Event{applied, other}, ""},
		{"refused", []store.Event{applied, refused("认证失败，HTTP 401"), other}, "认证失败，HTTP 401"},
		{"refused, filed again", []store.Event{applied, refused("a"), applied}, ""},
		{"refused twice", []store.Event{applied, refused("a"), applied, refused("b")}, "b"},
		{"older note without data", []store.Event{applied, {Type: "judicial_send_refused", Note: "法院系统拒收（HTTP 422）：缺少材料"}}, "法院系统拒收（HTTP 422）：缺少材料"},
	}
	for _, c := range cases {
		if got := LastRefusal(c.evs); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// A failure reads in a few words: the court connector's own, or marked as
// ours; never unbounded.
func TestFailureReason(t *testing.T) {
	if got := failureReason(&court.Unavailable{Reason: "法院系统连接失败", Err: errors.New("dial tcp 10.0.0.1:443: i/o timeout")}); got != "法院系统连接失败" {
		t.Errorf("unavailable: %q", got)
	}
	if got := failureReason(errors.New("load package: disk")); got != "系统内部错误：load package: disk" {
		t.Errorf("internal: %q", got)
	}
	long := failureReason(errors.New(strings.Repeat("错", 500)))
	if n := len([]rune(long)); n != maxReasonRunes+1 || !strings.HasSuffix(long, "…") {
		t.Errorf("long reason kept %d runes", n)
	}
}

// Keys are version 4 UUIDs, fresh each time.
func TestNewKey(t *testing.T) {
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		k := newKey()
		if !uuid.MatchString(k) || seen[k] {
			t.Fatalf("key %q", k)
		}
		seen[k] = true
	}
}
