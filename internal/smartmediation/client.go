package smartmediation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds one request when the caller's HTTP client does not.
const DefaultTimeout = 15 * time.Second

// maxAnswer bounds what is read of an answer.
const maxAnswer = 4 << 20

// Client speaks FORMAT.md to the platform. It does not retry: the caller's
// job queue does, guided by Error.Retryable and Error.RetryAfter.
type Client struct {
	BaseURL       string // e.g. https://platform.example/ (no /api/v1)
	APIKey        string
	CommitteeCode string       // sent as X-Tiaojie-Committee
	HTTP          *http.Client // nil: one with DefaultTimeout
}

// Result is the platform's answer to an upsert.
type Result struct {
	PlatformID string // the platform's id, stable across repeats
	Revision   int    // bumped by every change the platform stored
	Unchanged  bool   // the body equalled the stored one: nothing was written
	Digest     string // the platform's digest of the stored body
}

// Held is one case the platform holds, from its listing.
type Held struct {
	CaseCode   string    `json:"case_code"`
	PlatformID string    `json:"platform_id"`
	Digest     string    `json:"digest"`
	Revision   int       `json:"revision"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// putAnswer is a 200 to PUT.
type putAnswer struct {
	PlatformID string `json:"platform_id"`
	Revision   int    `json:"revision"`
	Unchanged  bool   `json:"unchanged"`
	Digest     string `json:"digest"`
}

// listAnswer is a page of GET /api/v1/cases.
type listAnswer struct {
	Items         []Held `json:"items"`
	NextPageToken string `json:"next_page_token"`
}

// IdempotencyKey is the Idempotency-Key of a PUT: the same resource with
// the same body always has the same key, so a retry is recognisably one.
func IdempotencyKey(resource string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(resource + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// PutCase upserts a case by its case code.
func (c *Client) PutCase(ctx context.Context, rec CaseRecord) (Result, error) {
	return c.put(ctx, "报送案件 "+rec.CaseCode, "cases", rec.CaseCode, rec)
}

// PutOrg upserts a committee or room by its code.
func (c *Client) PutOrg(ctx context.Context, rec OrgRecord) (Result, error) {
	return c.put(ctx, "报送组织 "+rec.Code, "orgs", rec.Code, rec)
}

// PutMediator upserts a mediator by their code.
func (c *Client) PutMediator(ctx context.Context, rec MediatorRecord) (Result, error) {
	return c.put(ctx, "报送调解员 "+rec.Code, "mediators", rec.Code, rec)
}

func (c *Client) put(ctx context.Context, op, kind, code string, rec any) (Result, error) {
	if !ValidCode(code) {
		return Result{}, &Error{Op: op, Code: "invalid_code", Message: "编码格式不正确，未报送"}
	}
	body, err := CanonicalJSON(rec)
	if err != nil {
		return Result{}, fmt.Errorf("%s: encode: %w", op, err)
	}
	path := "/api/v1/" + kind + "/" + url.PathEscape(code)
	raw, err := c.do(ctx, op, http.MethodPut, path, body, IdempotencyKey(path, body))
	if err != nil {
		return Result{}, err
	}
	var a putAnswer
	if err := json.Unmarshal(raw, &a); err != nil || a.PlatformID == "" {
		return Result{}, &Error{Op: op, Status: http.StatusOK, Code: "bad_response", Message: "智慧调解平台的应答无法识别", Retryable: true, Err: err}
	}
	return Result(a), nil
}

// ListCases returns every case the platform holds for a committee,
// following page tokens.
func (c *Client) ListCases(ctx context.Context, committee string) ([]Held, error) {
	op := "核对调委会 " + committee + " 的案件"
	var out []Held
	seen := map[string]bool{}
	token := ""
	for {
		q := url.Values{"committee": {committee}}
		if token != "" {
			q.Set("page_token", token)
		}
		raw, err := c.do(ctx, op, http.MethodGet, "/api/v1/cases?"+q.Encode(), nil, "")
		if err != nil {
			return nil, err
		}
		var a listAnswer
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, &Error{Op: op, Status: http.StatusOK, Code: "bad_response", Message: "智慧调解平台的应答无法识别", Retryable: true, Err: err}
		}
		out = append(out, a.Items...)
		if a.NextPageToken == "" {
			return out, nil
		}
		if seen[a.NextPageToken] {
			return nil, &Error{Op: op, Status: http.StatusOK, Code: "bad_response", Message: "智慧调解平台的分页令牌重复，列表无法读完"}
		}
		seen[a.NextPageToken] = true
		token = a.NextPageToken
	}
}

// do sends one request and returns a 2xx answer's body, or an *Error.
func (c *Client) do(ctx context.Context, op, method, path string, body []byte, key string) ([]byte, error) {
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	if _, has := ctx.Deadline(); !has && hc.Timeout == 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(c.BaseURL, "/")+path, rd)
	if err != nil {
		return nil, &Error{Op: op, Code: "bad_request", Message: "智慧调解平台地址不正确", Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+c.APIKey)
	req.Header.Set("X-Tiaojie-Committee", c.CommitteeCode)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "tiaojie-smartmediation/"+FormatVersion)
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, transportError(op, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return nil, transportError(op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, httpError(op, resp, raw, time.Now())
	}
	if len(raw) > maxAnswer {
		return nil, &Error{Op: op, Status: resp.StatusCode, Code: "bad_response", Message: "智慧调解平台的应答过大"}
	}
	return raw, nil
}
