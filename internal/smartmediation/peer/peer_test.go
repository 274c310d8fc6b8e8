package peer_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	sm "github.com/tiaojie/tiaojie/internal/smartmediation"
	"github.com/tiaojie/tiaojie/internal/smartmediation/peer"
	"github.com/tiaojie/tiaojie/internal/store"
)

const committee = "310115001"

func newPeer() *peer.Server {
	return peer.New(peer.Options{APIKey: "k", Committees: []string{committee},
		Now: func() time.Time { return time.Date(2027, 1, 2, 3, 0, 0, 0, time.UTC) }})
}

func record(t *testing.T, seq int64) sm.CaseRecord {
	t.Helper()
	accepted := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	rec, err := sm.BuildCase(sm.CaseSource{
		Case: store.Case{Number: "（2026）浦消调字第0000" + string(rune('0'+seq)) + "号", Year: 2026, Seq: seq, Status: domain.StatusMediating,
			Channel: domain.ChannelPhone, Category: "服务-餐饮", Description: "就餐时发现异物", AcceptedAt: &accepted, PresidingID: 3,
			Parties: []store.Party{{Kind: "consumer", Name: "甲"}, {Kind: "merchant", Name: "乙餐厅"}}},
		CommitteeCode: committee, MediatorCodes: []string{"M1"}, AsOf: accepted,
	})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// call sends a raw request with the right credentials unless headers say otherwise.
func call(t *testing.T, h http.Handler, method, path, body string, headers map[string]string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer k")
	req.Header.Set("X-Tiaojie-Committee", committee)
	req.Header.Set("Idempotency-Key", "key-"+method+path)
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s answered %d with a body that is not JSON: %q", method, path, w.Code, w.Body)
	}
	return w, out
}

func body(t *testing.T, v any) string {
	t.Helper()
	b, err := sm.CanonicalJSON(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRefusals(t *testing.T) {
	rec := record(t, 1)
	path := "/api/v1/cases/" + rec.CaseCode
	good := body(t, rec)
	tests := []struct {
		name, method, path, body string
		headers                  map[string]string
		status                   int
		code                     string
	}{
		{"no key", "PUT", path, good, map[string]string{"Authorization": ""}, 401, "unauthorized"},
		{"basic auth", "PUT", path, good, map[string]string{"Authorization": "Basic aw=="}, 401, "unauthorized"},
		{"no committee", "PUT", path, good, map[string]string{"X-Tiaojie-Committee": ""}, 403, "forbidden"},
		{"no idempotency key", "PUT", path, good, map[string]string{"Idempotency-Key": ""}, 400, "bad_request"},
		{"not JSON", "PUT", path, "{", nil, 400, "bad_request"},
		{"too large", "PUT", path, `{"summary":"` + strings.Repeat("x", 1<<20) + `"}`, nil, 400, "bad_request"},
		{"path and body differ", "PUT", "/api/v1/cases/other", good, nil, 422, "invalid"},
		{"list without committee", "GET", "/api/v1/cases", "", nil, 400, "bad_request"},
		{"list with a bad token", "GET", "/api/v1/cases?committee=" + committee + "&page_token=%25%25", "", nil, 400, "bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPeer()
			w, out := call(t, p, tt.method, tt.path, tt.body, tt.headers)
			if w.Code != tt.status || out["code"] != tt.code || out["message"] == "" {
				t.Errorf("answered %d %v, want %d %s with a message", w.Code, out, tt.status, tt.code)
			}
			if c := p.Count(); c.Rejected != 1 || c.Cases != 0 {
				t.Errorf("counts = %+v", c)
			}
		})
	}
	for _, m := range []string{"DELETE", "POST"} {
		if w, out := call(t, newPeer(), m, path, "", nil); w.Code != http.StatusNotFound || out["code"] != "not_found" {
			t.Errorf("%s answered %d %v", m, w.Code, out)
		}
	}
}

func TestIdempotencyKeyReuse(t *testing.T) {
	p := newPeer()
	rec := record(t, 1)
	path := "/api/v1/cases/" + rec.CaseCode
	hdr := map[string]string{"Idempotency-Key": "one"}
	if w, out := call(t, p, "PUT", path, body(t, rec), hdr); w.Code != http.StatusCreated || out["platform_id"] != "SH-TJ-2027-000001" {
		t.Fatalf("first: %d %v", w.Code, out)
	}
	if w, out := call(t, p, "PUT", path, body(t, rec), hdr); w.Code != http.StatusOK || out["unchanged"] != true {
		t.Errorf("same key, same body: %d %v", w.Code, out)
	}
	rec.AmountFen = 1
	if w, out := call(t, p, "PUT", path, body(t, rec), hdr); w.Code != 422 || out["code"] != "idempotency_key_reused" {
		t.Errorf("same key, other body: %d %v", w.Code, out)
	}
	if p.Writes(rec.CaseCode) != 1 {
		t.Error("a reused key must not write")
	}
}

// A later minor version's fields are ignored; the stored digest covers the
// fields of 1.0.
func TestUnknownFieldsIgnored(t *testing.T) {
	p := newPeer()
	rec := record(t, 1)
	b := strings.Replace(body(t, rec), `"format_version":"1.0"`, `"format_version":"1.1","mediation_place":"陆家嘴工作室"`, 1)
	w, out := call(t, p, "PUT", "/api/v1/cases/"+rec.CaseCode, b, nil)
	if w.Code != http.StatusCreated {
		t.Fatalf("1.1 body: %d %v", w.Code, out)
	}
	st, _ := p.Case(rec.CaseCode)
	rec.FormatVersion = "1.1"
	if st.Digest != sm.Digest(rec) || out["digest"] != st.Digest {
		t.Errorf("digest %s, want the digest of the known fields", st.Digest)
	}
}

func TestListingPages(t *testing.T) {
	p := peer.New(peer.Options{APIKey: "k", PageSize: 3})
	for seq := int64(1); seq <= 7; seq++ {
		rec := record(t, seq)
		if w, out := call(t, p, "PUT", "/api/v1/cases/"+rec.CaseCode, body(t, rec), nil); w.Code != 201 {
			t.Fatalf("put %d: %v", seq, out)
		}
	}
	var codes []string
	token, pages := "", 0
	for {
		path := "/api/v1/cases?committee=" + committee + "&page_size=2"
		if token != "" {
			path += "&page_token=" + token
		}
		w, out := call(t, p, "GET", path, "", nil)
		if w.Code != 200 {
			t.Fatalf("list: %d %v", w.Code, out)
		}
		pages++
		for _, it := range out["items"].([]any) {
			codes = append(codes, it.(map[string]any)["case_code"].(string))
		}
		token, _ = out["next_page_token"].(string)
		if token == "" {
			break
		}
	}
	if pages != 4 || len(codes) != 7 || codes[0] != committee+"-2026-000001" || codes[6] != committee+"-2026-000007" {
		t.Errorf("%d pages of %v, want 4 pages (page_size 2) of 7 codes in order", pages, codes)
	}
}

func TestConcurrentWritesOfOneCase(t *testing.T) {
	p := newPeer()
	rec := record(t, 1)
	b := body(t, rec)
	var wg sync.WaitGroup
	ids := make([]string, 16)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest("PUT", "/api/v1/cases/"+rec.CaseCode, strings.NewReader(b))
			req.Header.Set("Authorization", "Bearer k")
			req.Header.Set("X-Tiaojie-Committee", committee)
			req.Header.Set("Idempotency-Key", "k1")
			w := httptest.NewRecorder()
			p.ServeHTTP(w, req)
			var out struct {
				PlatformID string `json:"platform_id"`
			}
			json.Unmarshal(w.Body.Bytes(), &out)
			ids[i] = out.PlatformID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != "SH-TJ-2027-000001" {
			t.Fatalf("ids = %v, want one platform id for all", ids)
		}
	}
	if c := p.Count(); p.Writes(rec.CaseCode) != 1 || c.Accepted != 1 || c.Unchanged != 15 {
		t.Errorf("writes %d, counts %+v", p.Writes(rec.CaseCode), c)
	}
}

func TestInjectedFailuresCountDown(t *testing.T) {
	p := newPeer()
	p.FailNext(1)
	p.ThrottleNext(1, 0)
	w, _ := call(t, p, "GET", "/api/v1/cases?committee="+committee, "", nil)
	if w.Code != 503 {
		t.Errorf("first: %d", w.Code)
	}
	w, _ = call(t, p, "GET", "/api/v1/cases?committee="+committee, "", nil)
	if w.Code != 429 || w.Header().Get("Retry-After") != "1" {
		t.Errorf("second: %d, Retry-After %q (at least a second)", w.Code, w.Header().Get("Retry-After"))
	}
	if w, _ = call(t, p, "GET", "/api/v1/cases?committee="+committee, "", nil); w.Code != 200 {
		t.Errorf("third: %d", w.Code)
	}
	p.FailNext(5)
	p.Reset()
	if w, _ = call(t, p, "GET", "/api/v1/cases?committee="+committee, "", nil); w.Code != 200 {
		t.Errorf("after Reset: %d", w.Code)
	}
	if c := p.Count(); c.Injected != 2 {
		t.Errorf("counts = %+v", c)
	}
	if _, ok := p.Case("nope"); ok {
		t.Error("an unknown case is not held")
	}
}
