package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evidence"
)

// Commendation records a banner or letter of thanks, with an optional photo.
func (pg *Pages) Commendation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := mustID(r.PathValue("id"))
	if _, err := pg.CaseFile.Authorize(ctx, auth.From(ctx), id, true); err != nil { // who may, before what was sent
		pg.mediationDone(w, r, id, err, "")
		return
	}
	var photo []byte
	f, _, err := r.FormFile("photo")
	if fe := multipartText(r); fe != nil {
		if f != nil {
			f.Close()
		}
		pg.mediationDone(w, r, id, fe, "")
		return
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		photo, err = io.ReadAll(io.LimitReader(f, evidence.MaxSize+1))
		f.Close()
		if err != nil {
			pg.mediationDone(w, r, id, &domain.FieldError{Field: "photo", Message: "照片读取失败，请重新上传"}, "")
			return
		}
	case errors.As(err, &tooBig):
		pg.mediationDone(w, r, id, &domain.FieldError{Field: "photo", Message: "照片不能超过10MB"}, "")
		return
	}
	_, err = pg.Agreement.RecordCommendation(ctx, auth.From(ctx), id, agreement.Commendation{Kind: r.FormValue("kind"), Giver: r.FormValue("giver"),
		Note: r.FormValue("note"), Photo: photo})
	pg.mediationDone(w, r, id, err, "已登记表扬。")
}

// CommendationPhoto serves the photo to whoever may read the case.
func (pg *Pages) CommendationPhoto(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	photo, typ, err := pg.Agreement.CommendationPhoto(ctx, auth.From(ctx), mustID(r.PathValue("id")), mustID(r.PathValue("cid")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Write(photo)
}
