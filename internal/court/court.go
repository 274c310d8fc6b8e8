// Package court sends joint applications for judicial confirmation (司法确认)
// to a court's system. The format:
//
//	POST {BaseURL}/v1/confirmations   Authorization: Bearer {APIKey}   Content-Type: application/json
//	Idempotency-Key: <UUID>
//	{"application_no": "（2026）浦消调字第00123号", "court_code": "pd-court",
//	 "agreement_sha256": "<hex>", "package_sha256": "<hex>", "package": "<base64 ZIP>"}
//	202 {"receipt": "…"}     4xx/5xx {"error": "…"}
//
// Idempotency-Key is required: a random UUID made when the application is
// stored and sent unchanged on every attempt to deliver it. The court system
// answers a repeat of a key it has taken with the first receipt (202) and
// records the application once; a key it has taken for a different package
// is refused (409). An application number already taken under another key
// is refused too (409): one case, one application at the court. A refusal
// (4xx other than 429) means sending the same again would be refused again;
// 5xx, 429, a timeout or a lost connection may be retried with the same key.
//
// The court's progress is read back by receipt:
//
//	GET {BaseURL}/v1/confirmations/{receipt}   Authorization: Bearer {APIKey}
//	200 {"receipt": "…", "status": "submitted"|"accepted"|"confirmed"|"rejected",
//	     "ruling_number": "（2026）沪0115民特123号", "reason": "…", "decided_at": "RFC 3339"}
//	404 {"error": "…"} for an unknown receipt
//
// The ZIP holds application.pdf (申请书), agreement.pdf (the effective
// agreement), parties.json (names, ID numbers, phones and addresses for
// service) and manifest.json (each file's SHA-256).
package court

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// File is one document of the package.
type File struct {
	Name string
	Data []byte
}

// Manifest lists the package's files with their SHA-256.
type Manifest struct {
	ApplicationNo string            `json:"application_no"`
	Files         map[string]string `json:"files"`
	CreatedAt     time.Time         `json:"created_at"`
}

// Sum is the hex SHA-256 of b.
func Sum(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

// Package builds the application ZIP with its manifest.
func Package(applicationNo string, files []File, at time.Time) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	m := Manifest{ApplicationNo: applicationNo, Files: map[string]string{}, CreatedAt: at.UTC()}
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: at.UTC()})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.Data); err != nil {
			return nil, err
		}
		m.Files[f.Name] = Sum(f.Data)
	}
	mj, _ := json.MarshalIndent(m, "", "  ")
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "manifest.json", Method: zip.Deflate, Modified: at.UTC()})
	if err != nil {
		return nil, err
	}
	w.Write(mj)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Check opens a package and verifies every file against the manifest.
func Check(pkg []byte) (Manifest, map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		return Manifest{}, nil, fmt.Errorf("package is not a ZIP: %w", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return Manifest{}, nil, err
		}
		b, err := io.ReadAll(io.LimitReader(rc, 50<<20))
		rc.Close()
		if err != nil {
			return Manifest{}, nil, err
		}
		files[f.Name] = b
	}
	var m Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		return m, nil, errors.New("package has no valid manifest.json")
	}
	for name, want := range m.Files {
		if Sum(files[name]) != want {
			return m, nil, fmt.Errorf("file %s does not match the manifest", name)
		}
	}
	return m, files, nil
}

// Client is the court connector.
type Client struct {
	BaseURL string
	APIKey  string
	HTTP    *http.Client
}

// Submission is what is sent.
type Submission struct {
	ApplicationNo   string `json:"application_no"`
	CourtCode       string `json:"court_code"`
	AgreementSHA256 string `json:"agreement_sha256"`
	PackageSHA256   string `json:"package_sha256"`
	Package         string `json:"package"`
}

// Submit sends a package and returns the court system's receipt. key is the
// application's idempotency key, the same on every attempt: a resend after a
// lost answer gets the first receipt instead of filing twice.
func (c *Client) Submit(ctx context.Context, key, applicationNo, courtCode, agreementSHA string, pkg []byte) (string, error) {
	if key == "" {
		return "", errors.New("court submission without an idempotency key")
	}
	body, _ := json.Marshal(Submission{ApplicationNo: applicationNo, CourtCode: courtCode, AgreementSHA256: agreementSHA,
		PackageSHA256: Sum(pkg), Package: base64.StdEncoding.EncodeToString(pkg)})
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := c.do(ctx, http.MethodPost, "/v1/confirmations", body, key)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return "", &Unavailable{Reason: "法院系统无应答（超时）", Err: err}
		}
		return "", &Unavailable{Reason: "法院系统连接失败", Err: err}
	}
	defer res.Body.Close()
	var out struct {
		Receipt string `json:"receipt"`
		Error   string `json:"error"`
	}
	json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&out)
	switch {
	case res.StatusCode == http.StatusAccepted && out.Receipt != "":
		return out.Receipt, nil
	case res.StatusCode >= 400 && res.StatusCode < 500 && res.StatusCode != http.StatusTooManyRequests:
		return "", &Refused{Status: res.StatusCode, Message: out.Error}
	}
	// 5xx, 429 or a garbled answer: the same submission may be sent again.
	reason := fmt.Sprintf("法院系统暂时无法受理（HTTP %d）", res.StatusCode)
	if out.Error != "" {
		reason = fmt.Sprintf("法院系统暂时无法受理：%s，HTTP %d", out.Error, res.StatusCode)
	}
	return "", &Unavailable{Reason: reason}
}

// Unavailable is a submission the court system did not take now (network,
// timeout, 5xx, 429): the same submission, with the same key, may be sent again.
type Unavailable struct {
	Reason string // in a few words, for a case page
	Err    error  // the network error, if any
}

func (e *Unavailable) Error() string {
	if e.Err != nil {
		return e.Reason + "：" + e.Err.Error()
	}
	return e.Reason
}

func (e *Unavailable) Unwrap() error { return e.Err }

// IdempotencyHeader carries a submission's idempotency key.
const IdempotencyHeader = "Idempotency-Key"

// Refused is the court system's answer that it will not take a submission
// as sent (4xx): sending it again unchanged would be refused again.
type Refused struct {
	Status  int
	Message string
}

func (e *Refused) Error() string {
	return fmt.Sprintf("法院系统拒收（HTTP %d）：%s", e.Status, e.Message)
}

// Reason is the refusal in a few words for a case page: the court system's
// message and status.
func (e *Refused) Reason() string {
	if e.Message == "" {
		return fmt.Sprintf("HTTP %d", e.Status)
	}
	return fmt.Sprintf("%s，HTTP %d", e.Message, e.Status)
}

// Progress is where the court stands on an application.
type Progress struct {
	Receipt      string     `json:"receipt"`
	Status       string     `json:"status"`
	RulingNumber string     `json:"ruling_number,omitempty"`
	Reason       string     `json:"reason,omitempty"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
}

// Statuses a court reports.
var Statuses = []string{"submitted", "accepted", "confirmed", "rejected"}

// Status asks the court system where an application stands.
func (c *Client) Status(ctx context.Context, receipt string) (Progress, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := c.do(ctx, http.MethodGet, "/v1/confirmations/"+url.PathEscape(receipt), nil, "")
	if err != nil {
		return Progress{}, fmt.Errorf("court status %s: %w", receipt, err)
	}
	defer res.Body.Close()
	var out struct {
		Progress
		Error string `json:"error"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
		return Progress{}, fmt.Errorf("court status %s: HTTP %d %s", receipt, res.StatusCode, out.Error)
	}
	if !slices.Contains(Statuses, out.Status) || out.Receipt != receipt {
		return Progress{}, fmt.Errorf("court status %s: unexpected answer %q for %q", receipt, out.Status, out.Receipt)
	}
	return out.Progress, nil
}

// do sends one authenticated request to the court system (a JSON body and
// an idempotency key when given).
func (c *Client) do(ctx context.Context, method, path string, body []byte, key string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(c.BaseURL, "/")+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.APIKey)
	if key != "" {
		req.Header.Set(IdempotencyHeader, key)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	return hc.Do(req)
}
