package conversation

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
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

func encode(t *testing.T, w, h int, format string) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSniff(t *testing.T) {
	pdf := []byte("%PDF-1.7\n" + strings.Repeat("x", 5000) + "\n%%EOF\n")
	good := map[string][]byte{TypePNG: encode(t, 40, 30, "png"), TypeJPEG: encode(t, 40, 30, "jpeg"), TypePDF: pdf}
	for want, data := range good {
		if got, err := Sniff(data); err != nil || got != want {
			t.Errorf("Sniff(%s) = %q %v", want, got, err)
		}
	}
	pngHead := encode(t, 40, 30, "png")[:30]
	huge := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\xff\xff\x00\x00\xff\xff\x08\x06\x00\x00\x00\x00\x00\x00\x00")
	bad := map[string][]byte{
		"empty":           nil,
		"exe":             []byte("MZ\x90\x00\x03\x00\x00\x00"),
		"html":            []byte("<html><script>alert(1)</script>"),
		"svg":             []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`),
		"truncated png":   pngHead[:12],
		"pdf without end": []byte("%PDF-1.4\n1 0 obj"),
		"too large":       append([]byte("%PDF-"), make([]byte, MaxEvidence)...),
		"decompression":   huge,
	}
	for name, data := range bad {
		_, err := Sniff(data)
		var fe *domain.FieldError
		if !errors.As(err, &fe) || fe.Message == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestFileName(t *testing.T) {
	cases := []struct{ name, typ, want string }{
		{"发票.png", TypePNG, "发票.png"},
		{"发票.exe", TypePNG, "发票.png"},
		{`C:\Users\张\合同.PDF`, TypePDF, "合同.pdf"},
		{"../../etc/passwd", TypeJPEG, "passwd.jpg"},
		{"a\x00b\"c.jpg", TypeJPEG, "abc.jpg"},
		{"", TypePDF, "证据.pdf"},
		{"发票\u202egnp.exe", TypePNG, "发票gnp.png"},
		{strings.Repeat("长", 100) + ".png", TypePNG, strings.Repeat("长", 80) + ".png"},
	}
	for _, c := range cases {
		if got := FileName(c.name, c.typ); got != c.want {
			t.Errorf("FileName(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestHub(t *testing.T) {
	var h Hub
	a, stopA := h.Subscribe(1)
	b, stopB := h.Subscribe(2)
	h.Publish(1)
	h.Publish(1) // a second wake-up while one is pending is merged, never blocks
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
