package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/progress"
)

// MaxVerifyBody bounds an uploaded agreement PDF (with the form around it).
const MaxVerifyBody = 20 << 20

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

type verifyData struct {
	SHA      string
	Checked  bool
	Found    bool
	Verified agreement.Verified
	Err      string // beside the fields
}

// VerifyForm is the public page where anyone checks an agreement.
func (pg *Pages) VerifyForm(w http.ResponseWriter, r *http.Request) {
	pg.render(w, r, http.StatusOK, "verify", "核验调解协议书", verifyData{})
}

// Verify answers, in words, whether an uploaded PDF or a pasted SHA-256 is a
// sealed original issued by the platform.
func (pg *Pages) Verify(w http.ResponseWriter, r *http.Request) {
	if !pg.limits.get().verify.allow(clientKey(r), pg.now()) {
		pg.render(w, r, http.StatusTooManyRequests, "verify", "核验调解协议书", verifyData{Err: "核验过于频繁，请10分钟后再试"})
		return
	}
	d := verifyData{SHA: strings.ToLower(strings.TrimSpace(r.FormValue("sha256")))}
	if f, _, err := r.FormFile("file"); err == nil {
		// Only a PDF is checked, by its content (not its name or the browser's type).
		head := make([]byte, 5)
		n, _ := io.ReadFull(f, head)
		if string(head[:n]) != "%PDF-" {
			f.Close()
			pg.render(w, r, http.StatusUnsupportedMediaType, "verify", "核验调解协议书", verifyData{Err: "只能上传PDF格式的调解协议书（按文件内容识别，改扩展名无效）"})
			return
		}
		h := sha256.New()
		h.Write(head)
		_, err := io.Copy(h, f)
		f.Close()
		if err != nil {
			pg.render(w, r, http.StatusBadRequest, "verify", "核验调解协议书", verifyData{Err: "文件读取失败，请重新上传"})
			return
		}
		d.SHA = hex.EncodeToString(h.Sum(nil))
	} else if !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart) {
		pg.render(w, r, http.StatusBadRequest, "verify", "核验调解协议书", verifyData{Err: "文件读取失败，请重新上传（20MB以内的PDF）"})
		return
	}
	if !sha256Hex.MatchString(d.SHA) {
		d.Err = "请上传协议书PDF文件，或粘贴64位的SHA-256校验值（0-9、a-f）"
		pg.render(w, r, http.StatusUnprocessableEntity, "verify", "核验调解协议书", d)
		return
	}
	v, ok, err := pg.Agreement.Verify(r.Context(), d.SHA)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	d.Checked, d.Found, d.Verified = true, ok, v
	pg.render(w, r, http.StatusOK, "verify", "核验调解协议书", d)
}

type progressData struct {
	Number, Phone string
	CodeAsked     bool // the visitor asked for a code: say what that means
	View          *progress.View
	Err           error
	Msg           string // a message not tied to one field
}

// ProgressForm asks for the case number and the phone the complaint was filed with.
func (pg *Pages) ProgressForm(w http.ResponseWriter, r *http.Request) {
	pg.render(w, r, http.StatusOK, "progress", "查询办理进度", progressData{})
}

// Progress sends the code (action=code) or shows the progress when the code matches.
func (pg *Pages) Progress(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := progressData{Number: strings.TrimSpace(r.PostFormValue("number")), Phone: strings.TrimSpace(r.PostFormValue("phone"))}
	show := func(status int) { pg.render(w, r, status, "progress", "查询办理进度", d) }
	if !pg.limits.get().progress.allow(clientKey(r), pg.now()) {
		d.Msg = "操作过于频繁，请10分钟后再试"
		show(http.StatusTooManyRequests)
		return
	}
	if d.Number == "" {
		d.Err = &domain.FieldError{Field: "number", Message: "请填写案号，如（2026）浦消调字第00123号"}
		show(http.StatusUnprocessableEntity)
		return
	}
	if r.PostFormValue("action") == "code" {
		sent, err := pg.Services.Progress.SendCode(ctx, d.Number, d.Phone)
		var fe *domain.FieldError
		if errors.As(err, &fe) {
			d.Err = fe
			show(http.StatusUnprocessableEntity)
			return
		} else if err != nil {
			pg.serverError(w, r, err)
			return
		}
		pg.Log.Info("progress code asked", "sent", sent)
		d.CodeAsked = true
		show(http.StatusOK)
		return
	}
	v, err := pg.Services.Progress.Lookup(ctx, d.Number, d.Phone, r.PostFormValue("code"))
	var fe *domain.FieldError
	switch {
	case errors.As(err, &fe):
		d.Err, d.CodeAsked = fe, true
		show(http.StatusUnprocessableEntity)
		return
	case errors.Is(err, progress.ErrNoMatch):
		d.Err, d.CodeAsked = &domain.FieldError{Field: "code", Message: err.Error()}, true
		show(http.StatusUnprocessableEntity)
		return
	case err != nil:
		pg.serverError(w, r, err)
		return
	}
	d.View = &v
	show(http.StatusOK)
}
