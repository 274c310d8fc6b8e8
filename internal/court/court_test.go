package court_test

import (
	"context"
	"errors"
	"net/http"
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
	if _, err := c.Submit(context.Background(), "k-x", "x", "pd-court", sha, pkg); err == nil || !strings.Contains(err.Error(), "哈希") {
		t.Fatalf("wrong agreement hash accepted: %v", err)
	}
	good := court.Sum(agreement)
	receipt, err := c.Submit(context.Background(), "k-x", "x", "pd-court", good, pkg)
	if err != nil || receipt == "" || len(peer.Received()) != 1 {
		t.Fatalf("submit: %q %v", receipt, err)
	}
	bad := &court.Client{BaseURL: peer.URL, APIKey: "nope"}
	if _, err := bad.Submit(context.Background(), "k-x", "x", "pd-court", good, pkg); err == nil || !strings.Contains(err.Error(), "401") {
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
	receipt, err := c.Submit(ctx, "k-n", "n", "pd-court", court.Sum(agreement), pkg)
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

func testPackage(t *testing.T, no string, agreement []byte) []byte {
	t.Helper()
	pkg, err := court.Package(no, []court.File{{"application.pdf", []byte("%PDF app " + no)}, {"agreement.pdf", agreement}, {"parties.json", []byte(`[]`)}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// The idempotency key travels on every submission: a repeat of a key gets
// the first receipt and is recorded once; the key cannot be reused for
// another package, nor an application number filed under a second key.
func TestSubmitIdempotencyKey(t *testing.T) {
	peer := courttest.New("k1")
	defer peer.Close()
	ctx := context.Background()
	agreement := []byte("%PDF agreement")
	sha := court.Sum(agreement)
	pkg := testPackage(t, "（2026）浦消调字第00007号", agreement)
	c := &court.Client{BaseURL: peer.URL, APIKey: "k1"}

	if _, err := c.Submit(ctx, "", "（2026）浦消调字第00007号", "pd-court", sha, pkg); err == nil || peer.Posts() != 0 {
		t.Fatalf("sent without a key: %v, %d posts", err, peer.Posts())
	}
	first, err := c.Submit(ctx, "key-1", "（2026）浦消调字第00007号", "pd-court", sha, pkg)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Submit(ctx, "key-1", "（2026）浦消调字第00007号", "pd-court", sha, pkg)
	if err != nil || again != first {
		t.Fatalf("repeat of the key: %q %v, first %q", again, err, first)
	}
	if got := peer.Received(); len(got) != 1 || got[0].Key != "key-1" || peer.Posts() != 2 {
		t.Fatalf("court recorded %d submissions of %d posts", len(got), peer.Posts())
	}
	var refused *court.Refused
	other := testPackage(t, "（2026）浦消调字第00008号", agreement)
	if _, err := c.Submit(ctx, "key-1", "（2026）浦消调字第00008号", "pd-court", sha, other); !errors.As(err, &refused) || refused.Status != 409 {
		t.Fatalf("key reused for another application: %v", err)
	}
	if _, err := c.Submit(ctx, "key-2", "（2026）浦消调字第00007号", "pd-court", sha, pkg); !errors.As(err, &refused) || refused.Status != 409 || !strings.Contains(refused.Reason(), "409") {
		t.Fatalf("second key for the same application number: %v", err)
	}
	if len(peer.Received()) != 1 {
		t.Fatalf("refused submissions recorded: %d", len(peer.Received()))
	}
	// Without the header the court refuses (a client that forgot it).
	req, _ := http.NewRequest(http.MethodPost, peer.URL+"/v1/confirmations", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer k1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("no Idempotency-Key: %d", res.StatusCode)
	}
}

// A court system that is down or silent is worth trying again; one that
// refuses is not.
func TestSubmitFailureKinds(t *testing.T) {
	peer := courttest.New("k1")
	defer peer.Close()
	ctx := context.Background()
	agreement := []byte("%PDF agreement")
	pkg := testPackage(t, "n1", agreement)
	c := &court.Client{BaseURL: peer.URL, APIKey: "k1"}

	peer.Down(http.StatusServiceUnavailable)
	var unavailable *court.Unavailable
	var refused *court.Refused
	_, err := c.Submit(ctx, "k", "n1", "pd-court", court.Sum(agreement), pkg)
	if !errors.As(err, &unavailable) || errors.As(err, &refused) || !strings.Contains(unavailable.Reason, "503") || !strings.Contains(unavailable.Reason, "系统维护中") {
		t.Fatalf("court down: %v", err)
	}
	peer.Down(http.StatusTooManyRequests)
	if _, err := c.Submit(ctx, "k", "n1", "pd-court", court.Sum(agreement), pkg); !errors.As(err, &unavailable) {
		t.Fatalf("429 is worth retrying: %v", err)
	}
	peer.Down(0)
	if len(peer.Received()) != 0 {
		t.Fatal("a court that was down recorded a submission")
	}

	// Held: the sender's deadline ends the wait; nothing is recorded.
	peer.Hold()
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	_, err = c.Submit(short, "k", "n1", "pd-court", court.Sum(agreement), pkg)
	cancel()
	if !errors.As(err, &unavailable) || errors.As(err, &refused) {
		t.Fatalf("silent court: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Submit(ctx, "k", "n1", "pd-court", court.Sum(agreement), pkg)
		done <- err
	}()
	for deadline := time.Now().Add(5 * time.Second); peer.Waiting() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("submission never reached the court")
		}
	}
	if len(peer.Received()) != 0 {
		t.Fatal("a held submission was recorded before its release")
	}
	peer.Release()
	if err := <-done; err != nil || len(peer.Received()) != 1 {
		t.Fatalf("released: %v, %d recorded", err, len(peer.Received()))
	}

	// Unreachable: a network error, worth retrying.
	down := &court.Client{BaseURL: "http://127.0.0.1:1", APIKey: "k1"}
	if _, err := down.Submit(ctx, "k", "n1", "pd-court", court.Sum(agreement), pkg); !errors.As(err, &unavailable) || unavailable.Reason != "法院系统连接失败" {
		t.Fatalf("unreachable: %v", err)
	}
}
