package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/ingest"
)

// MaxUpload is the largest 12315 export accepted (a 100,000-row file is ~20 MB).
const MaxUpload = ingest.MaxFile

// Imports shows the upload form and recent batches.
func (pg *Pages) Imports(w http.ResponseWriter, r *http.Request) {
	d, err := pg.Ingest.Overview(r.Context(), auth.From(r.Context()))
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "imports", "12315导入", d)
}

// Upload stores the export as a queued batch with its import job; the job
// runs on whichever instance takes it, and the batch page follows it.
func (pg *Pages) Upload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			pg.Fail(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("文件过大（上限%dMB）", MaxUpload>>20))
			return
		}
		pg.Fail(w, r, http.StatusBadRequest, "请选择要导入的 .xlsx 或 .csv 文件")
		return
	}
	defer file.Close()
	ext := strings.ToLower(filepath.Ext(hdr.Filename))
	if ext != ".xlsx" && ext != ".csv" {
		pg.Fail(w, r, http.StatusUnprocessableEntity, "只能导入 .xlsx 或 .csv 文件")
		return
	}
	office, committee, err := pg.Ingest.OfficeByID(ctx, p, mustID(r.FormValue("office")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	data, err := io.ReadAll(io.LimitReader(file, MaxUpload+1))
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	b, err := pg.Ingest.Upload(ctx, p, office, committee, ingest.File{Name: filepath.Base(hdr.Filename), Data: data})
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.Log.Info("import queued", "batch_id", b.ID, "bytes", len(data))
	http.Redirect(w, r, "/import/"+strconv.FormatInt(b.ID, 10), http.StatusSeeOther)
}

// batchFor loads a batch the user may see.
func (pg *Pages) batchFor(w http.ResponseWriter, r *http.Request) (ingest.BatchView, bool) {
	b, err := pg.Ingest.Batch(r.Context(), auth.From(r.Context()), mustID(r.PathValue("id")))
	if err != nil {
		pg.failErr(w, r, err)
		return b, false
	}
	return b, true
}

// Batch shows one import's progress and outcome.
func (pg *Pages) Batch(w http.ResponseWriter, r *http.Request) {
	bv, ok := pg.batchFor(w, r)
	if !ok {
		return
	}
	b := bv.Batch
	d := struct {
		B      ingest.Batch
		Office string
		Active bool // queued or running: the page follows it
		Pct    int
	}{B: b, Office: bv.Office, Active: !b.Ended()}
	if b.Total > 0 {
		d.Pct = b.Done * 100 / b.Total
	}
	pg.render(w, r, http.StatusOK, "import_batch", "导入批次", d)
}

// Report downloads the failed rows with their reasons.
func (pg *Pages) Report(w http.ResponseWriter, r *http.Request) {
	bv, ok := pg.batchFor(w, r)
	if !ok {
		return
	}
	b := bv.Batch
	if len(b.Report) == 0 {
		pg.Fail(w, r, http.StatusNotFound, "该批次没有失败记录")
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="import-%d-failed.xlsx"; filename*=UTF-8''%s`, b.ID, "%E5%AF%BC%E5%85%A5%E5%A4%B1%E8%B4%A5%E6%98%8E%E7%BB%86.xlsx"))
	w.Write(b.Report)
}
