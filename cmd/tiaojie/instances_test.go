package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/config"
	"github.com/tiaojie/tiaojie/internal/notify/gatewaytest"
	"github.com/tiaojie/tiaojie/internal/smartmediation/peer"
	"github.com/tiaojie/tiaojie/internal/store/postgres"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// apiClient speaks the JSON API with a bearer token.
type apiClient struct {
	base, token string
	http        *http.Client
}

func apiLogin(t *testing.T, base, user string) *apiClient {
	t.Helper()
	c := &apiClient{base: base, http: &http.Client{Timeout: 30 * time.Second}}
	var tok struct{ Token string }
	if code, err := c.call("POST", "api/v1/auth/token", map[string]string{"username": user, "password": config.DefaultDemoPassword}, &tok); err != nil || code != 200 {
		t.Fatalf("token for %s: %d %v", user, code, err)
	}
	c.token = tok.Token
	return c
}

// call sends one request; an error means no answer came (the instance died).
func (c *apiClient) call(method, path string, body, out any) (int, error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		json.Unmarshal(data, out)
	}
	return res.StatusCode, nil
}

// What the issue calls done: two instances on one PostgreSQL; one is
// killed (kill -9) during a 12315 import and a burst of SMS and platform
// syncs. Afterwards every acknowledged case is there, every message was
// delivered once, the import finished, and the platform holds each
// accepted case once.
func TestTwoInstancesSurviveAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	if os.Getenv(storetest.EnvPostgres) == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must run the two-instance test on PostgreSQL")
		}
		t.Skip("two instances need PostgreSQL")
	}
	bin := buildBinary(t)
	ctx := context.Background()
	smart := peer.New(peer.Options{APIKey: "pk", StrictReferences: true})
	smart.SetLatency(5 * time.Millisecond)
	smartTS := httptest.NewServer(smart)
	defer smartTS.Close()
	sms := gatewaytest.New("sk")
	sms.SetDelay(5 * time.Millisecond)
	smsTS := httptest.NewServer(sms)
	defer smsTS.Close()

	schema := storetest.SchemaURL(t)
	dir := filepath.Join(t.TempDir(), "data") // the key both instances share is given in env
	env := []string{"TIAOJIE_DATA_DIR=" + dir, "TIAOJIE_LOG_LEVEL=error", "TIAOJIE_DATABASE_URL=" + schema, "TIAOJIE_SECRET_KEY=" + testKey}
	args := []string{"--smart-mediation-url", smartTS.URL, "--smart-mediation-key", "pk",
		"--sms-gateway-url", smsTS.URL, "--sms-api-key", "sk", "--job-rescue-after", "3s"}
	a := startInstance(t, bin, env, append([]string{"--demo", "--cases", "40"}, args...)...)
	b := startInstance(t, bin, env, args...)
	db, err := postgres.OpenNoMigrate(ctx, schema)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// A regulator uploads a 12315 export on A; it is imported by the job
	// queue in slices.
	const rows = 6000 // the batch path imports hundreds a second: enough to be under way at the kill
	var csv bytes.Buffer
	csv.WriteString("工单编号,投诉日期,消费者姓名,联系电话,被投诉单位,经营地址,问题描述,诉求,涉及金额,服务类别\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&csv, "12315990%011d,2026/12/01,刘洋,138%08d,上海某某健身有限公司%d,浦东新区陆家嘴街道世纪大道1号,健身房闭店，预付卡余额无法退还。,退款,1200,健身\n", i, i, i%7)
	}
	reg := login(t, a.base, "regulator01")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "12315导出.csv")
	fw.Write(csv.Bytes())
	mw.WriteField("office", "0")
	mw.Close()
	res, err := reg.Post(a.base+"import", mw.FormDataContentType(), &body)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %v %v", err, res)
	}
	res.Body.Close()
	var batchID int64
	fmt.Sscanf(res.Header.Get("Location"), "/import/%d", &batchID)
	if batchID == 0 {
		t.Fatalf("upload went to %q", res.Header.Get("Location"))
	}

	// Work arrives at both instances: complaints registered, accepted (a
	// platform sync each) and asked for consent (two SMS each).
	clients := []*apiClient{apiLogin(t, a.base, "committee01"), apiLogin(t, b.base, "committee01")}
	var mu sync.Mutex
	var acknowledged, accepted []int64
	var killed atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 15; i++ {
				c := clients[(w+i)%2]
				if c == clients[0] && killed.Load() {
					c = clients[1]
				}
				var out struct{ ID int64 }
				in := map[string]any{"complainant_name": "李雷", "phone": fmt.Sprintf("139%08d", w*1000+i),
					"merchant_name": "上海某某健身有限公司", "merchant_address": "浦东新区陆家嘴街道世纪大道1号",
					"category": "服务-健身", "description": "健身房突然闭店，预付卡余额无法退还，联系不上经营者。",
					"claim": "退还预付卡余额", "claim_amount_fen": 300000 + i}
				code, err := c.call("POST", "api/v1/complaints", in, &out)
				if err != nil || code != 201 {
					continue // not acknowledged (the instance died under it)
				}
				mu.Lock()
				acknowledged = append(acknowledged, out.ID)
				mu.Unlock()
				if code, err := c.call("POST", fmt.Sprintf("api/v1/cases/%d/accept", out.ID), map[string]any{}, nil); err != nil || code != 200 {
					continue
				}
				mu.Lock()
				accepted = append(accepted, out.ID)
				mu.Unlock()
				c.call("POST", fmt.Sprintf("api/v1/cases/%d/consent/request", out.ID), map[string]any{"merchant_phone": fmt.Sprintf("137%08d", w*1000+i)}, nil)
			}
		}()
	}
	// Kill A once the burst and the import are under way.
	waitFor(t, "the burst to start", 60*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(accepted) >= 12 })
	waitFor(t, "the import to start", 60*time.Second, func() bool {
		bt, err := db.GetImportBatch(ctx, batchID)
		return err == nil && bt.Done > 0
	})
	a.kill()
	if bt, _ := db.GetImportBatch(ctx, batchID); bt.Ended() {
		t.Fatalf("the import ended before the kill: %+v", bt.Status)
	}
	killed.Store(true)
	wg.Wait()

	waitFor(t, "every job done on the surviving instance", 300*time.Second, func() bool {
		return countRows(t, db, `SELECT COUNT(*) FROM river_job WHERE kind <> 'sweep' AND state NOT IN ('completed', 'cancelled', 'discarded')`) == 0 &&
			countRows(t, db, `SELECT COUNT(*) FROM job_outbox`) == 0
	})

	// The import finished on B, each record imported once.
	bt, err := db.GetImportBatch(ctx, batchID)
	if err != nil || bt.Status != "done" || bt.Done != rows || bt.Imported+bt.Updated+bt.Skipped+bt.Failed != rows || bt.Failed != 0 {
		t.Fatalf("import batch: %+v %v", bt, err)
	}
	if n := countRows(t, db, `SELECT COUNT(DISTINCT external_id) FROM cases WHERE external_id LIKE '12315990%'`); n != rows ||
		countRows(t, db, `SELECT COUNT(*) FROM cases WHERE external_id LIKE '12315990%'`) != rows {
		t.Fatalf("%d imported cases, want %d each once", n, rows)
	}
	// Every acknowledged case is there.
	for _, id := range acknowledged {
		if _, err := db.GetCase(ctx, id); err != nil {
			t.Fatalf("acknowledged case %d lost: %v", id, err)
		}
	}
	// Every queued message was delivered, each once.
	if n := countRows(t, db, `SELECT COUNT(*) FROM sms_outbox WHERE request_id <> '' AND status <> 'sent'`); n != 0 {
		t.Fatalf("%d messages not sent", n)
	}
	queued := countRows(t, db, `SELECT COUNT(*) FROM sms_outbox WHERE request_id <> ''`)
	delivered := map[string]int{}
	for _, d := range sms.Delivered() {
		delivered[d.RequestID]++
	}
	if queued == 0 || len(delivered) != queued {
		t.Fatalf("%d messages queued, %d delivered by the gateway", queued, len(delivered))
	}
	for id, n := range delivered {
		if n != 1 {
			t.Fatalf("message %s delivered %d times", id, n)
		}
	}
	// The platform holds each accepted case once, under the id we kept.
	for _, id := range accepted {
		r, err := db.GetSmartSync(ctx, id)
		if err != nil || r.PlatformID == "" {
			t.Fatalf("accepted case %d not synced: %+v %v", id, r, err)
		}
		held, ok := smart.Case(r.CaseCode)
		if !ok || held.PlatformID != r.PlatformID || smart.Writes(r.CaseCode) < 1 {
			t.Fatalf("case %d on the platform: %+v (held %v, writes %d), ours %s", id, held, ok, smart.Writes(r.CaseCode), r.PlatformID)
		}
	}
	// Acknowledged work (SMS, sync, court, imports) must never die. A
	// periodic sweep that ran out of time on a loaded machine is logged, not
	// failed: the next interval runs it again and it holds nothing acknowledged.
	if n := countRows(t, db, `SELECT COUNT(*) FROM river_job WHERE state = 'discarded' AND kind = 'sweep'`); n != 0 {
		t.Logf("%d periodic sweep runs gave up (they run again next interval)", n)
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM river_job WHERE state = 'discarded' AND kind <> 'sweep'`); n != 0 {
		// Say which jobs and why, so a failure under load can be read.
		rows, err := db.Writer().QueryContext(context.Background(), `SELECT kind, attempt, errors FROM river_job WHERE state = 'discarded' AND kind <> 'sweep'`)
		if err == nil {
			for rows.Next() {
				var kind, errs string
				var attempt int
				if rows.Scan(&kind, &attempt, &errs) == nil {
					t.Logf("dead job %s after %d attempts: %.600s", kind, attempt, errs)
				}
			}
			rows.Close()
		}
		t.Fatalf("%d dead jobs", n)
	}
	// One record per case: no case reached the platform under two codes.
	if n := countRows(t, db, `SELECT COUNT(*) FROM smart_sync WHERE state <> 'synced'`); n != 0 || smart.Count().Cases != countRows(t, db, `SELECT COUNT(*) FROM smart_sync`) {
		t.Fatalf("%d sync rows not synced; platform holds %d cases", n, smart.Count().Cases)
	}
	t.Logf("acknowledged %d cases, accepted %d, %d SMS delivered once each, platform holds %d cases", len(acknowledged), len(accepted), queued, smart.Count().Cases)
}
