package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/auth"
)

// sealCommittee is the committee whose seal the user manages (?committee=
// picks one of several); otherwise it answers the refusal itself and
// reports false.
func (pg *Pages) sealCommittee(w http.ResponseWriter, r *http.Request) (agreement.Unit, bool) {
	c, err := pg.Agreement.SealCommittee(r.Context(), auth.From(r.Context()), mustID(r.FormValue("committee")))
	if err != nil {
		pg.failErr(w, r, err)
		return c, false
	}
	return c, true
}

// SealPage shows the committee's seal image and the upload form.
func (pg *Pages) SealPage(w http.ResponseWriter, r *http.Request) {
	c, ok := pg.sealCommittee(w, r)
	if !ok {
		return
	}
	d := struct {
		Committee agreement.Unit
		Seal      *agreement.Seal
	}{Committee: c}
	if s, err := pg.Agreement.CommitteeSeal(r.Context(), auth.From(r.Context()), c); err == nil {
		d.Seal = &s
	} else if !errors.Is(err, agreement.ErrNoSeal) {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "seal", "调委会印章", d)
}

// SealImage serves the seal image to the committee's staff.
func (pg *Pages) SealImage(w http.ResponseWriter, r *http.Request) {
	c, ok := pg.sealCommittee(w, r)
	if !ok {
		return
	}
	s, err := pg.Agreement.CommitteeSeal(r.Context(), auth.From(r.Context()), c)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(s.Image)
}

// UploadSeal replaces the committee's seal image.
func (pg *Pages) UploadSeal(w http.ResponseWriter, r *http.Request) {
	c, ok := pg.sealCommittee(w, r)
	if !ok {
		return
	}
	file, _, err := r.FormFile("seal")
	if err != nil {
		pg.Fail(w, r, http.StatusBadRequest, "请选择印章图片（PNG）")
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, agreement.SealMaxBytes+1))
	if err != nil {
		pg.Fail(w, r, http.StatusBadRequest, "读取上传文件失败")
		return
	}
	if err := pg.Agreement.UploadSeal(r.Context(), auth.From(r.Context()), c, data); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已更新印章，此后生效的调解协议书将加盖该印章。")
	http.Redirect(w, r, "/seal", http.StatusSeeOther)
}
