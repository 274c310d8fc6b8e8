package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/document"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// RefusalNotice serves the 不予受理通知书 of a rejected case as a PDF.
func (pg *Pages) RefusalNotice(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d, err := pg.Intake.Detail(ctx, auth.From(ctx), mustID(r.PathValue("id")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	c := d.Case
	if c.Status != domain.StatusRejected && !(c.Status == domain.StatusArchived && c.ReasonCode != "" && domain.RejectReasons.Has(c.ReasonCode)) {
		pg.Fail(w, r, http.StatusNotFound, "该案件没有不予受理通知书")
		return
	}
	var note string
	for _, e := range d.Events {
		if e.Type == string(domain.ActionReject) {
			note = e.Note
		}
	}
	decided := c.Updated
	if c.DecidedAt != nil {
		decided = *c.DecidedAt
	}
	n := document.RefusalNotice(document.Refusal{CaseNumber: c.Number, ComplainantName: c.ConsumerName, MerchantName: c.MerchantName,
		CommitteeName: d.Committee.Name, ReceivedAt: c.ReceivedAt, DecidedAt: decided, Reason: domain.RejectReasons.Label(c.ReasonCode), Note: note})
	var buf bytes.Buffer
	if err := document.WriteNotice(&buf, n); err != nil {
		pg.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="refusal-%d.pdf"; filename*=UTF-8''%s`, c.ID, url.PathEscape("不予受理通知书"+c.Number+".pdf")))
	buf.WriteTo(w)
}
