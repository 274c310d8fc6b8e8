package conversation

import (
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Every reader kind against every channel: who reads and writes where.
func TestChannelAccess(t *testing.T) {
	want := map[string]map[string]bool{
		KindMediator: {store.ChannelJoint: true, store.ChannelConsumer: true, store.ChannelMerchant: true},
		KindConsumer: {store.ChannelJoint: true, store.ChannelConsumer: true},
		KindMerchant: {store.ChannelJoint: true, store.ChannelMerchant: true},
		KindExpert:   {store.ChannelJoint: true},
		"regulator":  {},
		"":           {},
	}
	for kind, chans := range want {
		for _, ch := range []string{store.ChannelJoint, store.ChannelConsumer, store.ChannelMerchant, "other", ""} {
			if got := CanUse(kind, ch); got != chans[ch] {
				t.Errorf("CanUse(%q, %q) = %v", kind, ch, got)
			}
		}
	}
}

func TestProposalsAddressed(t *testing.T) {
	cases := []struct {
		party, channel string
		want           bool
	}{
		{"consumer", "joint", true}, {"merchant", "joint", true}, {"consumer", "consumer", true}, {"merchant", "merchant", true},
		{"consumer", "merchant", false}, {"merchant", "consumer", false}, {"mediator", "joint", false}, {"expert", "joint", false},
	}
	for _, c := range cases {
		if got := Addressed(c.party, c.channel); got != c.want {
			t.Errorf("Addressed(%s, %s) = %v", c.party, c.channel, got)
		}
	}
	if Needed("joint") != 2 || Needed("consumer") != 1 || Needed("merchant") != 1 {
		t.Error("accepts needed")
	}
}

func TestOpenStatuses(t *testing.T) {
	open := map[domain.Status]bool{domain.StatusAssigned: true, domain.StatusMediating: true, domain.StatusSuspended: true}
	for _, s := range domain.Statuses {
		if Open(s) != open[s] {
			t.Errorf("Open(%s) = %v", s, Open(s))
		}
	}
}

func TestCleanBody(t *testing.T) {
	if b, err := CleanBody("  你好\r\n请回复  "); err != nil || b != "你好\n请回复" {
		t.Fatalf("%q %v", b, err)
	}
	for _, bad := range []string{"", "   \n ", strings.Repeat("字", MaxBody+1), "\xff\xfe", "a\x00b", "响铃\a"} {
		if _, err := CleanBody(bad); err == nil {
			t.Errorf("accepted %q", bad[:min(len(bad), 10)])
		}
	}
	if _, err := CleanBody(strings.Repeat("字", MaxBody)); err != nil {
		t.Error("refused a message at the limit")
	}
}

func TestHub(t *testing.T) {
	var h Hub
	a, stopA := h.Subscribe(1)
	b, stopB := h.Subscribe(2)
	h.Publish(t.Context(), 1)
	h.Publish(t.Context(), 1) // a second wake-up while one is pending is merged, never blocks
	select {
	case <-a:
	default:
		t.Fatal("subscriber of case 1 not woken")
	}
	select {
	case <-b:
		t.Fatal("subscriber of case 2 woken by case 1")
	default:
	}
	if h.Streams() != 2 {
		t.Fatalf("streams %d", h.Streams())
	}
	stopA()
	stopB()
	if h.Streams() != 0 {
		t.Fatal("unsubscribe left streams")
	}
	done := h.Done()
	h.Close()
	h.Close()
	select {
	case <-done:
	default:
		t.Fatal("Close did not end streams")
	}
}
