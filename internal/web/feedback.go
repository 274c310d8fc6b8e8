package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/feedback"
)

// feedbackRow is a record with the labels a page prints.
type feedbackRow struct {
	feedback.Record
	ResultLabel, MethodLabel, Art21Text string
}

func feedbackRowOf(r feedback.Record) feedbackRow {
	return feedbackRow{Record: r, ResultLabel: feedback.Codes.ResultLabel(r.Result), MethodLabel: feedback.Codes.MethodLabel(r.Method),
		Art21Text: feedback.Art21Text(r.Art21)}
}

type feedbackListData struct {
	List   feedback.List
	Rows   []feedbackRow
	Filter feedback.Filter
	Query  string // the filter as a query string, for the export links
	Err    string
}

func feedbackFilter(r *http.Request) feedback.Filter {
	q := r.URL.Query()
	return feedback.Filter{Office: q.Get("office"), From: q.Get("from"), To: q.Get("to")}
}

// Feedback lists the closing records of the diverted complaints closed in
// a period, per regulator office, with the incomplete ones flagged.
func (pg *Pages) Feedback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := feedbackFilter(r)
	l, err := pg.Services.Feedback.List(ctx, auth.From(ctx), f)
	data := feedbackListData{Filter: f}
	if err != nil {
		status, msg := access.StatusOf(err)
		if status == http.StatusInternalServerError {
			pg.serverError(w, r, err)
			return
		}
		// Refused filters: the page again with the message, nothing listed.
		data.Err = msg
		data.List.Offices, _ = pg.Services.Feedback.Offices(ctx, auth.From(ctx))
		pg.render(w, r, status, "feedback", "12315结果反馈", data)
		return
	}
	data.List = l
	data.Filter = feedback.Filter{Office: l.Office.Code, From: l.From, To: l.To}
	v := url.Values{"from": {l.From}, "to": {l.To}}
	if l.Office.Code != "" {
		v.Set("office", l.Office.Code)
	}
	data.Query = v.Encode()
	for _, rec := range l.Records {
		data.Rows = append(data.Rows, feedbackRowOf(rec))
	}
	pg.render(w, r, http.StatusOK, "feedback", "12315结果反馈", data)
}

// FeedbackExport downloads the list as CSV (UTF-8 with BOM) or XLSX for
// keying into 12315.
func (pg *Pages) FeedbackExport(xlsx bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		l, err := pg.Services.Feedback.List(ctx, auth.From(ctx), feedbackFilter(r))
		if err != nil {
			pg.failErr(w, r, err)
			return
		}
		name := "12315结果反馈_" + l.From + "_" + l.To
		if l.Office.Code != "" {
			name += "_" + l.Office.Code
		}
		var b []byte
		ctype := "text/csv; charset=utf-8"
		if xlsx {
			b, err = feedback.XLSX(l)
			name += ".xlsx"
			ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		} else {
			b, err = feedback.CSV(l)
			name += ".csv"
		}
		if err != nil {
			pg.serverError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
		w.Write(b)
	}
}

type feedbackDetailData struct {
	D       feedback.Detail
	Row     feedbackRow
	Methods []feedback.Code
	Results []feedback.Code // recordable over the derived one
	Max     int
	// The form as submitted when it was refused.
	Form   url.Values
	Errors map[string]string
}

func (pg *Pages) showFeedback(w http.ResponseWriter, r *http.Request, id int64, status int, form url.Values, errs map[string]string) {
	ctx := r.Context()
	d, err := pg.Services.Feedback.Get(ctx, auth.From(ctx), id)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	data := feedbackDetailData{D: d, Row: feedbackRowOf(d.Record), Methods: feedback.Codes.Methods, Max: feedback.MaxSummary, Form: form, Errors: errs}
	for _, code := range feedback.RecordableResults {
		data.Results = append(data.Results, feedback.Code{Code: code, Label: feedback.Codes.ResultLabel(code)})
	}
	if form == nil {
		data.Form = url.Values{"method": {""}, "result": {""}, "summary": {d.Record.Summary}}
		if d.Record.MethodRecorded {
			data.Form.Set("method", d.Record.Method)
		}
		if d.Record.ResultRecorded {
			data.Form.Set("result", d.Record.Result)
		}
	}
	pg.render(w, r, status, "feedback_case", "12315结果反馈 "+d.Case.Number, data)
}

// FeedbackCase shows one case's closing record and, to who may decide the
// case, the form that completes it.
func (pg *Pages) FeedbackCase(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		pg.Fail(w, r, http.StatusNotFound, "案件不存在")
		return
	}
	pg.showFeedback(w, r, id, http.StatusOK, nil, nil)
}

// SaveFeedback records the editable parts; a refusal shows the form again
// with every message and what was typed.
func (pg *Pages) SaveFeedback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		pg.Fail(w, r, http.StatusNotFound, "案件不存在")
		return
	}
	if err := r.ParseForm(); err != nil {
		pg.Fail(w, r, http.StatusBadRequest, "表单格式错误")
		return
	}
	_, err = pg.Services.Feedback.Save(ctx, auth.From(ctx), id, feedback.Edit{Result: r.PostForm.Get("result"),
		Method: r.PostForm.Get("method"), Summary: r.PostForm.Get("summary")})
	var ve *access.ValidationError
	var fe *domain.FieldError
	switch {
	case errors.As(err, &ve) || errors.As(err, &fe):
		status, _ := access.StatusOf(err)
		errs := map[string]string{}
		fields := []*domain.FieldError{fe}
		if ve != nil {
			fields = ve.Fields
		}
		for _, f := range fields {
			if errs[f.Field] != "" {
				errs[f.Field] += "；"
			}
			errs[f.Field] += f.Message
		}
		pg.showFeedback(w, r, id, status, r.PostForm, errs)
		return
	case err != nil:
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "12315反馈已保存。")
	http.Redirect(w, r, "/feedback/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
