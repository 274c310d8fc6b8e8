package court_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/court"
	"github.com/tiaojie/tiaojie/internal/court/courttest"
)

func TestSubmitToCourtPeer(t *testing.T) {
	peer := courttest.New("k1")
	defer peer.Close()
	agreement := []byte("%PDF agreement")
	pkg, err := court.Package("（2026）浦消调字第00001号", []court.File{{"application.pdf", []byte("%PDF app")}, {"agreement.pdf", agreement}, {"parties.json", []byte(`[]`)}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, files, err := court.Check(pkg); err != nil || string(files["agreement.pdf"]) != string(agreement) {
		t.Fatalf("check: %v", err)
	}
	sha := "0c6c0bd7f2bd38ba2c5d0f62cbb5f0ea0ac5eda1c7c3f5bd5bb6b1f4d1f8c8f1"
	c := &court.Client{BaseURL: peer.URL, APIKey: "k1"}
	if _, err := c.Submit(context.Background(), "x", "pd-court", sha, pkg); err == nil || !strings.Contains(err.Error(), "哈希") {
		t.Fatalf("wrong agreement hash accepted: %v", err)
	}
	good := court.Sum(agreement)
	receipt, err := c.Submit(context.Background(), "x", "pd-court", good, pkg)
	if err != nil || receipt == "" || len(peer.Received()) != 1 {
		t.Fatalf("submit: %q %v", receipt, err)
	}
	bad := &court.Client{BaseURL: peer.URL, APIKey: "nope"}
	if _, err := bad.Submit(context.Background(), "x", "pd-court", good, pkg); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("wrong key: %v", err)
	}
	broken := append([]byte{}, pkg...)
	broken[len(broken)/2] ^= 0xff
	if _, _, err := court.Check(broken); err == nil {
		t.Fatal("a damaged package passed the check")
	}
}

// The court's progress is read back by receipt, as the court reports it.
func TestStatusFromCourtPeer(t *testing.T) {
	peer := courttest.New("k1")
	defer peer.Close()
	agreement := []byte("%PDF agreement")
	pkg, _ := court.Package("n", []court.File{{"application.pdf", []byte("%PDF app")}, {"agreement.pdf", agreement}, {"parties.json", []byte(`[]`)}}, time.Now())
	c := &court.Client{BaseURL: peer.URL, APIKey: "k1"}
	ctx := context.Background()
	receipt, err := c.Submit(ctx, "n", "pd-court", court.Sum(agreement), pkg)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := c.Status(ctx, receipt); err != nil || p.Status != "submitted" || p.DecidedAt != nil {
		t.Fatalf("fresh: %+v %v", p, err)
	}
	peer.Decide(receipt, "confirmed", "（2026）沪0115民特1号", "")
	p, err := c.Status(ctx, receipt)
	if err != nil || p.Status != "confirmed" || p.RulingNumber != "（2026）沪0115民特1号" || p.DecidedAt == nil {
		t.Fatalf("confirmed: %+v %v", p, err)
	}
	if _, err := c.Status(ctx, "SQ999999"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("unknown receipt: %v", err)
	}
	if _, err := (&court.Client{BaseURL: peer.URL, APIKey: "x"}).Status(ctx, receipt); err == nil {
		t.Fatal("status with a wrong key")
	}
}
