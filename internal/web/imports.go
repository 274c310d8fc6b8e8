package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/ingest"
	"github.com/tiaojie/tiaojie/internal/store"
)

// MaxUpload is the largest 12315 export accepted (a 100,000-row file is ~20 MB).
const MaxUpload = 200 << 20

type importsData struct {
	Offices []store.OrgUnit
	Batches []store.ImportBatch
}

// reachableCommittees are the committees whose imports the user may see.
func (pg *Pages) importScope(ctx context.Context, p *auth.Principal) ([]store.OrgUnit, []store.OrgUnit, error) {
	units, err := pg.Store.ListOrgUnits(ctx)
	if err != nil {
		return nil, nil, err
	}
	var committees, offices []store.OrgUnit
	for _, u := range units {
		if u.Kind == domain.OrgCommittee && (p.Reaches(domain.PermImport, u.Path) || pg.officeInDistrict(p, units, u)) {
			committees = append(committees, u)
		}
		if u.Kind == domain.OrgRegulatorOffice {
			offices = append(offices, u)
		}
	}
	return committees, offices, nil
}

// officeInDistrict: a 市场监管所 binding sees its district committee's imports.
func (pg *Pages) officeInDistrict(p *auth.Principal, units []store.OrgUnit, committee store.OrgUnit) bool {
	for _, u := range units {
		if u.Kind == domain.OrgRegulatorOffice && p.Reaches(domain.PermImport, u.Path) &&
			strings.HasPrefix(u.Path, strings.TrimSuffix(committee.Path, fmt.Sprintf("%d/", committee.ID))) {
			return true
		}
	}
	return false
}

// Imports shows the upload form and recent batches.
func (pg *Pages) Imports(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	committees, offices, err := pg.importScope(ctx, p)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	d := importsData{}
	for _, o := range offices {
		if p.Reaches(domain.PermImport, o.Path) || len(committees) > 0 && p.Has(domain.RoleCommittee) {
			d.Offices = append(d.Offices, o)
		}
	}
	for _, c := range committees {
		bs, err := pg.Store.ListImportBatches(ctx, c.ID, 20)
		if err != nil {
			pg.serverError(w, r, err)
			return
		}
		d.Batches = append(d.Batches, bs...)
	}
	pg.render(w, r, http.StatusOK, "imports", "12315导入", d)
}

// Upload receives an export, stores it in a temporary file and imports it
// in the background; the batch page shows progress.
func (pg *Pages) Upload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			pg.Fail(w, r, http.StatusRequestEntityTooLarge, "文件过大（上限200MB）")
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
	officeCode := ""
	if id, _ := strconv.ParseInt(r.FormValue("office"), 10, 64); id != 0 {
		u, err := pg.Store.GetOrgUnit(ctx, id)
		if err != nil {
			pg.Fail(w, r, http.StatusUnprocessableEntity, "分流单位不存在")
			return
		}
		officeCode = u.Code
	}
	office, committee, err := pg.Ingest.Office(ctx, p, officeCode)
	if errors.Is(err, ingest.ErrForbidden) {
		pg.Fail(w, r, http.StatusForbidden, err.Error())
		return
	} else if err != nil {
		pg.Fail(w, r, http.StatusUnprocessableEntity, err.Error())
		return
	}
	tmp, err := os.CreateTemp("", "tiaojie-import-*"+ext)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	size, err := io.Copy(tmp, file)
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		pg.serverError(w, r, err)
		return
	}
	started := make(chan int64, 1)
	// The import outlives the request; the batch page follows it. The
	// supervisor recovers a panic and lets shutdown wait for it.
	pg.Background.Go(ctx, "12315 import", func(bg context.Context) error {
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		sent := false
		defer func() { // also on a panic: the request must not wait forever
			if !sent {
				close(started)
			}
		}()
		b, err := pg.Ingest.Import(bg, p, office, committee, ingest.File{Name: filepath.Base(hdr.Filename), Data: tmp, Size: size},
			nil, func(id int64) { sent = true; started <- id })
		if err != nil {
			pg.Log.Info("import failed", "batch_id", b.ID, "err", err)
		} else {
			pg.Log.Info("import done", "batch_id", b.ID, "imported", b.Imported, "updated", b.Updated, "failed", b.Failed)
		}
		return nil
	})
	id, ok := <-started
	if !ok {
		pg.serverError(w, r, errors.New("import batch not created"))
		return
	}
	http.Redirect(w, r, "/import/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// batchFor loads a batch the user may see.
func (pg *Pages) batchFor(w http.ResponseWriter, r *http.Request) (store.ImportBatch, bool) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	b, err := pg.Store.GetImportBatch(ctx, id)
	if err != nil {
		pg.Fail(w, r, http.StatusNotFound, "导入批次不存在")
		return b, false
	}
	p := auth.From(ctx)
	c, err1 := pg.Store.GetOrgUnit(ctx, b.CommitteeID)
	o, err2 := pg.Store.GetOrgUnit(ctx, b.OfficeID)
	if (err1 != nil || !p.Reaches(domain.PermImport, c.Path)) && (err2 != nil || !p.Reaches(domain.PermImport, o.Path)) {
		pg.Fail(w, r, http.StatusNotFound, "导入批次不存在")
		return b, false
	}
	return b, true
}

// Batch shows one import's progress and outcome.
func (pg *Pages) Batch(w http.ResponseWriter, r *http.Request) {
	b, ok := pg.batchFor(w, r)
	if !ok {
		return
	}
	office, _ := pg.Store.GetOrgUnit(r.Context(), b.OfficeID)
	d := struct {
		B      store.ImportBatch
		Office string
		Done   int
		Pct    int
	}{B: b, Office: office.Name, Done: b.Imported + b.Updated + b.Skipped + b.Failed}
	if b.Total > 0 {
		d.Pct = d.Done * 100 / b.Total
	}
	pg.render(w, r, http.StatusOK, "import_batch", "导入批次", d)
}

// Report downloads the failed rows with their reasons.
func (pg *Pages) Report(w http.ResponseWriter, r *http.Request) {
	b, ok := pg.batchFor(w, r)
	if !ok {
		return
	}
	if len(b.Report) == 0 {
		pg.Fail(w, r, http.StatusNotFound, "该批次没有失败记录")
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="import-%d-failed.xlsx"; filename*=UTF-8''%s`, b.ID, "%E5%AF%BC%E5%85%A5%E5%A4%B1%E8%B4%A5%E6%98%8E%E7%BB%86.xlsx"))
	w.Write(b.Report)
}
