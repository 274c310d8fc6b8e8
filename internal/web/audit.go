package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/audittrail"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
)

type auditView struct {
	Q      audittrail.Query
	Result audittrail.Result
	Err    *domain.FieldError
	Next   string // query string of the next (older) page
	Export string // query string of the export
	Verify string // outcome of the chain check, when asked
	Broken bool
}

func auditQuery(v url.Values) audittrail.Query {
	q := audittrail.Query{From: v.Get("from"), To: v.Get("to"), Actor: v.Get("actor"), Object: v.Get("object")}
	q.BeforeSeq, _ = strconv.ParseInt(v.Get("before"), 10, 64)
	return q
}

func (q auditViewQuery) encode(before int64) string {
	v := url.Values{}
	for k, s := range map[string]string{"from": q.From, "to": q.To, "actor": q.Actor, "object": q.Object} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if before > 0 {
		v.Set("before", strconv.FormatInt(before, 10))
	}
	return v.Encode()
}

type auditViewQuery audittrail.Query

// Audit is the auditor's search of the audit trail (审计日志).
func (pg *Pages) Audit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := auditQuery(r.URL.Query())
	view := auditView{Q: q, Export: auditViewQuery(q).encode(0)}
	res, err := pg.AuditTrail.Search(ctx, auth.From(ctx), q)
	var qe *domain.FieldError
	switch {
	case errors.As(err, &qe):
		view.Err = qe
		pg.render(w, r, http.StatusUnprocessableEntity, "audit", "审计日志", view)
		return
	case err != nil:
		pg.serverError(w, r, err)
		return
	}
	view.Result = res
	if res.More {
		view.Next = auditViewQuery(q).encode(res.NextSeq)
	}
	if r.URL.Query().Get("verify") == "1" {
		n, err := pg.AuditTrail.Verify(ctx)
		var br *audit.Break
		switch {
		case err == nil:
			view.Verify = fmt.Sprintf("哈希链完整：已核验 %d 条，无改动、删除或插入。", n)
		case errors.As(err, &br):
			view.Verify, view.Broken = "哈希链已断开："+br.Error()+"。请立即报告安全管理员。", true
		default:
			pg.serverError(w, r, err)
			return
		}
	}
	pg.render(w, r, http.StatusOK, "audit", "审计日志", view)
}

// AuditExport downloads the matching entries as .xlsx.
func (pg *Pages) AuditExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	data, _, err := pg.AuditTrail.Export(ctx, auth.From(ctx), auditQuery(r.URL.Query()))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	name := "审计日志-" + time.Now().Format("20060102-1504") + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Write(data)
}

// AuditExportCSV downloads the matching entries as CSV.
func (pg *Pages) AuditExportCSV(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	data, _, err := pg.AuditTrail.ExportCSV(ctx, auth.From(ctx), auditQuery(r.URL.Query()))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	name := "审计日志-" + time.Now().Format("20060102-1504") + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Write(data)
}
