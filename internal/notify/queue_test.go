package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/notify/gatewaytest"
	"github.com/tiaojie/tiaojie/internal/notify/outboxtest"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

const (
	phone  = "13812345678"
	mask   = "138****5678"
	apiKey = "k-queue-test"
	sign   = "浦东消调委"
	token  = "AbCdEfGh12345678_-xyzQRST"
)

func sealer(t *testing.T) *pii.Sealer {
	t.Helper()
	s, err := pii.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// logBuf is a log that tests read.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func consentMsg() notify.Message {
	return notify.Message{To: phone, Kind: notify.KindConsentRequest, CaseID: 0,
		Body: notify.ConsentRequestText("（2026）浦消调字第0007号", "https://tj.example.cn/consent/"+token)}
}

// noClearText fails when any outbox column or any job's arguments hold the
// phone number (or the party's link) in clear.
func noClearText(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{
		`SELECT to_mask || to_hash || body || phone_sealed || body_sealed || last_error || request_id || provider_msg_id FROM sms_outbox`,
		`SELECT CAST(args AS TEXT) FROM river_job`,
	} {
		rows, err := db.Writer().QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(s, phone) || strings.Contains(s, token) {
				t.Errorf("stored in clear: %q", s)
			}
		}
		rows.Close()
	}
}

func gatewayFor(gw *gatewaytest.Server, log *slog.Logger) *notify.GatewaySender {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &notify.GatewaySender{BaseURL: gw.URL, APIKey: apiKey, Signature: sign, Client: gw.Client(), Log: log}
}

// A message is queued (nothing is sent inside Send), then the worker
// delivers it and the row says so; phone and link are stored only sealed.
func TestQueuedThenDelivered(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			s := sealer(t)
			lb := &logBuf{}
			log := slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug}))
			gw := gatewaytest.New(apiKey)
			defer gw.Close()
			sender, q := outboxtest.Start(t, db, s, outboxtest.Options{Deliverer: gatewayFor(gw, log), Signature: sign, Log: log, NoStart: true})

			rc, err := sender.Send(ctx, consentMsg())
			if err != nil {
				t.Fatal(err)
			}
			if rc.Status != notify.StatusQueued || rc.Provider != notify.ProviderQueue || rc.At.IsZero() {
				t.Fatalf("receipt %+v", rc)
			}
			id := outboxtest.ID(t, rc)
			row, err := db.GetOutbox(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if row.Status != notify.StatusQueued || row.QueuedAt == nil || row.Attempts != 0 || row.ToMask != mask || row.ToHash != s.Hash(phone) || row.SentAt != nil {
				t.Fatalf("queued row %+v", row)
			}
			if p, _ := s.Open(row.PhoneSealed); p != phone {
				t.Fatalf("sealed phone opens to %q", p)
			}
			if b, _ := s.Open(row.BodySealed); !strings.Contains(b, token) || strings.HasPrefix(b, "【") {
				t.Fatalf("sealed text %q: want the full text without the signature", b)
			}
			// With a gateway the page's copy keeps no usable link.
			if !strings.HasPrefix(row.Body, "【"+sign+"】") || strings.Contains(row.Body, token) || !strings.Contains(row.Body, "/consent/…") {
				t.Fatalf("shown text %q", row.Body)
			}
			// The job names the row only.
			if _, err := q.Pump(ctx); err != nil {
				t.Fatal(err)
			}
			js, err := q.List(ctx, "sms")
			if err != nil || len(js) != 1 || js[0].Queue != jobs.QueueSMS {
				t.Fatalf("jobs %+v %v", js, err)
			}
			var args map[string]any
			if err := json.Unmarshal(js[0].EncodedArgs, &args); err != nil || len(args) != 1 || args["outbox_id"] != float64(id) {
				t.Fatalf("job args %s: want the outbox id only", js[0].EncodedArgs)
			}
			if len(gw.Requests()) != 0 {
				t.Fatal("Send reached the gateway")
			}
			noClearText(t, db)

			outboxtest.Run(t, q)
			row = outboxtest.Wait(t, db, id, outboxtest.Settled...)
			d := gw.Delivered()
			if row.Status != notify.StatusSent || len(d) != 1 || row.Attempts != 1 || row.SentAt == nil || row.AttemptedAt == nil ||
				row.Provider != notify.ProviderGateway || row.ProviderMsgID != d[0].MsgID || row.Error != "" {
				t.Fatalf("sent row %+v, delivered %+v", row, d)
			}
			if d[0].RequestID != row.RequestID || d[0].Phone != phone || d[0].Sign != sign || !strings.Contains(d[0].Content, token) ||
				strings.HasPrefix(d[0].Content, "【") || d[0].BizType != notify.KindConsentRequest {
				t.Fatalf("delivered %+v", d[0])
			}
			outboxtest.Wait(t, db, id, notify.StatusSent)
			waitJob(t, q, rivertype.JobStateCompleted)
			noClearText(t, db)
			if out := lb.String(); strings.Contains(out, phone) || strings.Contains(out, token) {
				t.Errorf("log shows the phone or the link: %s", out)
			}
		})
	}
}

// waitJob waits until the only sms job is in state.
func waitJob(t *testing.T, q *jobs.Queue, state rivertype.JobState) *rivertype.JobRow {
	t.Helper()
	var j *rivertype.JobRow
	for deadline := time.Now().Add(outboxtest.Timeout); ; time.Sleep(20 * time.Millisecond) {
		js, err := q.List(context.Background(), "sms")
		if err != nil {
			t.Fatal(err)
		}
		if len(js) == 1 && js[0].State == state {
			return js[0]
		}
		if len(js) == 1 {
			j = js[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("sms job is %+v, want %s", j, state)
		}
	}
}

// The outbox-only deliverer (demo) marks a message sent at once. The row
// staff can read keeps neither the code nor the link; the sealed text, which
// the worker opens at send time, keeps both.
func TestOutboxOnlyDelivery(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			lb := &logBuf{}
			log := slog.New(slog.NewTextHandler(lb, nil))
			sender, _ := outboxtest.Start(t, db, sealer(t), outboxtest.Options{Log: log})
			rc, err := sender.Send(ctx, notify.Message{To: phone, Kind: notify.KindVerifyCode, Body: notify.VerifyCodeText("493817", 5)})
			if err != nil {
				t.Fatal(err)
			}
			rc2, err := sender.Send(ctx, consentMsg())
			if err != nil {
				t.Fatal(err)
			}
			a := outboxtest.Wait(t, db, outboxtest.ID(t, rc), notify.StatusSent)
			b := outboxtest.Wait(t, db, outboxtest.ID(t, rc2), notify.StatusSent)
			if a.Provider != notify.ProviderOutbox || a.ProviderMsgID != rc.ID || a.SentAt == nil || strings.Contains(a.Body, "493817") || !strings.Contains(a.Body, "验证码为"+notify.CodeMask) {
				t.Fatalf("code row %+v", a)
			}
			if strings.Contains(b.Body, token) || !strings.Contains(b.Body, "/consent/…") {
				t.Fatalf("the row shows the link: %q", b.Body)
			}
			texts, err := outboxtest.Texts(ctx, db, sealer(t), "人民调解", 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range texts {
				if x.ID == a.ID && !strings.Contains(x.Body, "493817") || x.ID == b.ID && !strings.Contains(x.Body, token) {
					t.Fatalf("sealed text lost what the party needs: %q", x.Body)
				}
			}
			if out := lb.String(); strings.Contains(out, "493817") || strings.Contains(out, phone) || strings.Contains(out, token) || !strings.Contains(out, "sms to outbox") {
				t.Errorf("log: %s", out)
			}
		})
	}
}

// A message that cannot be sent is recorded failed, with no job; one
// queued in a transaction that rolls back never exists.
func TestRefusedAndRolledBack(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			sender, q := outboxtest.Start(t, db, sealer(t), outboxtest.Options{NoStart: true})
			_, err := sender.Send(ctx, notify.Message{To: "1381234", Body: "您好"})
			if !errors.Is(err, notify.ErrInvalidPhone) || !notify.Refused(err) {
				t.Fatalf("bad phone: %v", err)
			}
			es, _ := db.ListOutbox(ctx, 10)
			if len(es) != 1 || es[0].Status != notify.StatusFailed || es[0].Error != notify.ErrInvalidPhone.Error() || es[0].RequestID != "" {
				t.Fatalf("refused row %+v", es)
			}
			boom := errors.New("boom")
			err = db.InTx(ctx, func(tx store.Store) error {
				if _, err := sender.SendTx(ctx, tx, consentMsg()); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatal(err)
			}
			// A refused message inside a transaction that commits is kept as failed.
			err = db.InTx(ctx, func(tx store.Store) error {
				_, err := notify.SendTx(ctx, sender, tx, notify.Message{To: phone, Body: "  "})
				if !errors.Is(err, notify.ErrEmptyBody) {
					return fmt.Errorf("empty body: %v", err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			es, _ = db.ListOutbox(ctx, 10)
			if len(es) != 2 || es[0].Status != notify.StatusFailed {
				t.Fatalf("outbox %+v", es)
			}
			if js, _ := q.List(ctx, "sms"); len(js) != 0 {
				t.Fatalf("jobs for refused or rolled-back messages: %d", len(js))
			}
		})
	}
}

// A gateway that is down: the row goes retrying with the gateway's error,
// and is sent once the gateway is back, delivered once, every attempt with
// the row's request_id.
func TestGatewayDownThenBack(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			gw := gatewaytest.New(apiKey)
			defer gw.Close()
			gw.FailUnavailable(1000, 0)
			sender, _ := outboxtest.Start(t, db, sealer(t), outboxtest.Options{Deliverer: gatewayFor(gw, nil), Signature: sign, Backoff: 50 * time.Millisecond})
			rc, err := sender.Send(ctx, consentMsg())
			if err != nil {
				t.Fatal(err)
			}
			id := outboxtest.ID(t, rc)
			row := outboxtest.Wait(t, db, id, notify.StatusRetrying)
			if row.Attempts < 1 || !strings.Contains(row.Error, "短信网关暂时不可用（HTTP 503）") || row.SentAt != nil {
				t.Fatalf("retrying row %+v", row)
			}
			// Still down a while: more attempts, still retrying, nothing delivered.
			for deadline := time.Now().Add(outboxtest.Timeout); len(gw.Requests()) < 3; time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("no retries")
				}
			}
			if len(gw.Delivered()) != 0 {
				t.Fatal("delivered while down")
			}
			gw.ClearFailures()
			row = outboxtest.Wait(t, db, id, outboxtest.Settled...)
			if row.Status != notify.StatusSent || row.Error != "" || row.Attempts < 3 {
				t.Fatalf("row after recovery %+v", row)
			}
			if d := gw.Delivered(); len(d) != 1 || d[0].RequestID != row.RequestID {
				t.Fatalf("delivered %+v", d)
			}
			for _, r := range gw.Requests() {
				if r.RequestID != row.RequestID {
					t.Fatalf("an attempt used request_id %q, want %q", r.RequestID, row.RequestID)
				}
			}
		})
	}
}

// A gateway's refusal (4xx) fails the message at once: no retry, the row
// says why (phone masked), the job is cancelled. The last attempt of a
// message that keeps failing ends the same way.
func TestPermanentFailures(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			gw := gatewaytest.New(apiKey)
			defer gw.Close()
			gw.FailNext(1, gatewaytest.Failure{Status: 400, Code: gatewaytest.CodeBadPhone, Message: "号码13812345678为空号"})
			sender, q := outboxtest.Start(t, db, sealer(t), outboxtest.Options{Deliverer: gatewayFor(gw, nil), Signature: sign, MaxAttempts: 3})
			rc, err := sender.Send(ctx, consentMsg())
			if err != nil {
				t.Fatal(err)
			}
			row := outboxtest.Wait(t, db, outboxtest.ID(t, rc), outboxtest.Settled...)
			if row.Status != notify.StatusFailed || row.Attempts != 1 || row.SentAt != nil || row.Error != "短信发送失败：短信网关拒绝请求（HTTP 400）：号码"+mask+"为空号" {
				t.Fatalf("refused row %+v", row)
			}
			if len(gw.Requests()) != 1 || len(gw.Delivered()) != 0 {
				t.Fatalf("requests %d, delivered %d", len(gw.Requests()), len(gw.Delivered()))
			}
			waitJob(t, q, rivertype.JobStateCancelled)

			// Down for longer than the job's attempts: failed after the last.
			gw.FailUnavailable(1000, 0)
			rc, err = sender.Send(ctx, notify.Message{To: phone, Body: "第二条"})
			if err != nil {
				t.Fatal(err)
			}
			row = outboxtest.Wait(t, db, outboxtest.ID(t, rc), outboxtest.Settled...)
			if row.Status != notify.StatusFailed || row.Attempts != 3 || !strings.Contains(row.Error, "HTTP 503") {
				t.Fatalf("row after the last attempt %+v", row)
			}
			if n := len(gw.Requests()); n != 4 {
				t.Fatalf("%d requests, want 1 + 3", n)
			}
			// The page shows both failures with their reasons.
			es, _ := db.ListOutbox(ctx, 10)
			if len(es) != 2 || es[0].Status != notify.StatusFailed || es[1].Status != notify.StatusFailed || es[0].Error == "" || es[1].Error == "" {
				t.Fatalf("outbox %+v", es)
			}
		})
	}
}

// Verification codes get few attempts: a late code is useless.
func TestCodeAttempts(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			sender, q := outboxtest.Start(t, db, sealer(t), outboxtest.Options{NoStart: true, MaxAttempts: 12})
			if _, err := sender.Send(ctx, notify.Message{To: phone, Kind: "progress_code", Body: "您正在查询案件的办理进度，" + notify.VerifyCodeText("123456", 5)}); err != nil {
				t.Fatal(err)
			}
			if _, err := sender.Send(ctx, consentMsg()); err != nil {
				t.Fatal(err)
			}
			js, err := q.List(ctx, "sms")
			if err != nil || len(js) != 2 {
				t.Fatalf("jobs %v %v", js, err)
			}
			got := map[int]int{}
			for _, j := range js {
				got[j.MaxAttempts]++
			}
			if got[4] != 1 || got[12] != 1 {
				t.Fatalf("max attempts %v, want one 4 (the code) and one 12", got)
			}
		})
	}
}

// failSent fails the first attempt to record a message sent, as if the
// process died after the gateway accepted it and before the commit.
type failSent struct {
	store.Store
	left *atomic.Int32 // failures still to make
}

func (f *failSent) InTx(ctx context.Context, fn func(tx store.Store) error) error {
	return f.Store.InTx(ctx, func(tx store.Store) error { return fn(&failSent{Store: tx, left: f.left}) })
}

func (f *failSent) UpdateOutbox(ctx context.Context, id int64, u store.OutboxUpdate) error {
	if u.Status == notify.StatusSent && f.left.Add(-1) >= 0 {
		return errors.New("connection lost")
	}
	return f.Store.UpdateOutbox(ctx, id, u)
}

// holdAfterAccept lets the gateway accept the message, then holds the job
// until its context is cancelled: the worker dies before recording it.
type holdAfterAccept struct {
	gw       notify.Deliverer
	accepted chan struct{}
}

func (h *holdAfterAccept) Deliver(ctx context.Context, d notify.Delivery) (notify.Receipt, error) {
	if _, err := h.gw.Deliver(ctx, d); err != nil {
		return notify.Receipt{}, err
	}
	close(h.accepted)
	<-ctx.Done()
	return notify.Receipt{}, ctx.Err()
}

// Gateway accepted, record lost: the retry resends with the same
// request_id and the gateway delivers once.
func TestAcceptedButNotRecorded(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			s := sealer(t)

			// The transaction that records "sent" fails once.
			gw := gatewaytest.New(apiKey)
			defer gw.Close()
			flaky := &failSent{Store: db, left: &atomic.Int32{}}
			flaky.left.Store(1)
			sender, _ := outboxtest.Start(t, flaky, s, outboxtest.Options{Deliverer: gatewayFor(gw, nil), Signature: sign})
			rc, err := sender.Send(ctx, consentMsg())
			if err != nil {
				t.Fatal(err)
			}
			row := outboxtest.Wait(t, db, outboxtest.ID(t, rc), outboxtest.Settled...)
			d := gw.Delivered()
			if row.Status != notify.StatusSent || row.Attempts != 2 || len(d) != 1 || row.ProviderMsgID != d[0].MsgID {
				t.Fatalf("row %+v, delivered %+v", row, d)
			}
			if rs := gw.Requests(); len(rs) != 2 || rs[0].RequestID != rs[1].RequestID || rs[0].RequestID != row.RequestID {
				t.Fatalf("requests %+v", rs)
			}
		})
	}
}

// The worker is killed between the gateway's acceptance and the commit;
// another instance picks the job up and the party still gets one SMS.
func TestWorkerKilledAfterAccept(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			s := sealer(t)
			gw := gatewaytest.New(apiKey)
			defer gw.Close()
			hold := &holdAfterAccept{gw: gatewayFor(gw, nil), accepted: make(chan struct{})}
			sender, first := outboxtest.Start(t, db, s, outboxtest.Options{Deliverer: hold, Signature: sign, ID: "first", NoStart: true})
			rc, err := sender.Send(ctx, consentMsg())
			if err != nil {
				t.Fatal(err)
			}
			if err := first.Start(ctx); err != nil {
				t.Fatal(err)
			}
			select {
			case <-hold.accepted:
			case <-time.After(outboxtest.Timeout):
				t.Fatal("the gateway never accepted")
			}
			// Kill: stop without letting the job finish.
			sctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			_ = first.Stop(sctx)
			cancel()
			if row, _ := db.GetOutbox(ctx, outboxtest.ID(t, rc)); row.Status == notify.StatusSent {
				t.Fatal("recorded sent by the killed worker")
			}

			outboxtest.Start(t, db, s, outboxtest.Options{Deliverer: gatewayFor(gw, nil), Signature: sign, ID: "second"})
			row := outboxtest.Wait(t, db, outboxtest.ID(t, rc), outboxtest.Settled...)
			d := gw.Delivered()
			if row.Status != notify.StatusSent || len(d) != 1 || row.ProviderMsgID != d[0].MsgID {
				t.Fatalf("row %+v, delivered %+v", row, d)
			}
			if rs := gw.Requests(); len(rs) != 2 || rs[1].RequestID != row.RequestID || rs[0].RequestID != row.RequestID {
				t.Fatalf("requests %+v", rs)
			}
		})
	}
}

// A burst on two instances sharing one database: every message is sent
// once.
func TestBurstOnTwoInstances(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			s := sealer(t)
			gw := gatewaytest.New(apiKey)
			defer gw.Close()
			gw.FailUnavailable(5, 0)
			a, _ := outboxtest.Start(t, db, s, outboxtest.Options{Deliverer: gatewayFor(gw, nil), Signature: sign, ID: "a"})
			b, _ := outboxtest.Start(t, db, s, outboxtest.Options{Deliverer: gatewayFor(gw, nil), Signature: sign, ID: "b"})
			const n = 30
			for i := range n {
				sender := a
				if i%2 == 1 {
					sender = b
				}
				if _, err := sender.Send(ctx, notify.Message{To: phone, Body: fmt.Sprintf("第%d条通知", i)}); err != nil {
					t.Fatal(err)
				}
			}
			es := outboxtest.WaitAll(t, db)
			sent := 0
			for _, e := range es {
				if e.Status == notify.StatusSent {
					sent++
				}
			}
			d := gw.Delivered()
			if sent != n || len(d) != n {
				t.Fatalf("sent %d, delivered %d, want %d", sent, len(d), n)
			}
			seen := map[string]bool{}
			for _, x := range d {
				if seen[x.Content] {
					t.Fatalf("%q delivered twice", x.Content)
				}
				seen[x.Content] = true
			}
		})
	}
}

// The demo's stand-in phone gets the message whole — the code and the link
// the party needs — under the masked number; the log keeps both hidden.
func TestOutboxDelivererDemoPhone(t *testing.T) {
	var phoneOut, logOut strings.Builder
	d := &notify.OutboxDeliverer{Log: slog.New(slog.NewTextHandler(&logOut, nil)), Signature: "人民调解", Phone: &phoneOut}
	text := notify.VerifyCodeText("493817", 5)
	if _, err := d.Deliver(context.Background(), notify.Delivery{OutboxID: 7, Phone: phone, Mask: "139****5678", Content: text, Kind: notify.KindVerifyCode}); err != nil {
		t.Fatal(err)
	}
	got := phoneOut.String()
	if !strings.Contains(got, "493817") || !strings.Contains(got, "139****5678") || strings.Contains(got, phone) || !strings.Contains(got, "人民调解") {
		t.Fatalf("demo phone shows %q", got)
	}
	if strings.Contains(logOut.String(), "493817") {
		t.Fatalf("the log shows the code: %s", logOut.String())
	}
}
