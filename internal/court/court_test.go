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
