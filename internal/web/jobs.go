package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/notify"
)

// wholeInstall reports whether the principal holds perm at the root of the
// org tree: the job queue serves every district, so only an administrator
// of the whole installation manages it.
func wholeInstall(p *auth.Principal, perm domain.Permission) bool {
	for _, pre := range p.Scope(perm).Prefixes {
		if strings.Count(pre, "/") == 2 {
			return true
		}
	}
	return false
}

type jobsData struct {
	Depth  jobs.Depth
	Queues []queueRow
	Failed []jobs.Failed
}

type queueRow struct {
	Name, Label        string
	Available, Running int
}

var queueLabels = [][2]string{{jobs.QueueSMS, "短信"}, {jobs.QueueCourt, "法院提交"}, {jobs.QueueSync, "智慧调解平台同步"},
	{jobs.QueueImport, "12315 导入"}, {jobs.QueueSweep, "定时任务"}, {jobs.QueueDefault, "其他"}}

// jobKinds names the platform's job kinds; an unknown kind shows as is.
var jobKinds = map[string]string{"sweep": "定时任务", "sms": "发送短信", "court_submit": "提交法院",
	"smart_mediation_sync": "同步智慧调解平台", "import_12315": "12315 导入"}

func jobKindLabel(kind string) string {
	if l, ok := jobKinds[kind]; ok {
		return l
	}
	return kind
}

// JobQueue lists the queue's depth and its failed jobs.
func (pg *Pages) JobQueue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !wholeInstall(auth.From(ctx), domain.PermJobsManage) {
		pg.failErr(w, r, access.ErrForbidden)
		return
	}
	d, err := pg.Jobs.Depth(ctx)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	failed, err := pg.Jobs.ListFailed(ctx, 200)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	// Jobs name rows, not people; still, nothing a job carries or a failure
	// says reaches the administrator unmasked (phones, links, codes).
	for i := range failed {
		failed[i].Args, failed[i].LastError = notify.Redact(failed[i].Args), notify.Redact(failed[i].LastError)
	}
	data := jobsData{Depth: d, Failed: failed}
	for _, q := range queueLabels {
		n := d.ByQueue[q[0]]
		data.Queues = append(data.Queues, queueRow{Name: q[0], Label: q[1], Available: n[0], Running: n[1]})
	}
	pg.render(w, r, http.StatusOK, "jobs", "后台任务", data)
}

// RetryJob runs a failed job again now.
func (pg *Pages) RetryJob(w http.ResponseWriter, r *http.Request) {
	pg.jobAction(w, r, "已重新排队任务 #", pg.Jobs.Retry)
}

// DiscardJob gives up on a failed job.
func (pg *Pages) DiscardJob(w http.ResponseWriter, r *http.Request) {
	pg.jobAction(w, r, "已放弃任务 #", pg.Jobs.Discard)
}

func (pg *Pages) jobAction(w http.ResponseWriter, r *http.Request, done string, act func(context.Context, int64) error) {
	ctx := r.Context()
	if !wholeInstall(auth.From(ctx), domain.PermJobsManage) {
		pg.failErr(w, r, access.ErrForbidden)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		pg.failErr(w, r, access.NotFound(jobs.ErrJobNotFound.Error()))
		return
	}
	if err := act(ctx, id); err != nil {
		if errors.Is(err, jobs.ErrJobNotFound) {
			pg.failErr(w, r, access.NotFound(jobs.ErrJobNotFound.Error()))
			return
		}
		pg.serverError(w, r, err)
		return
	}
	pg.Log.Info("job admin action", "job_id", id, "action", r.URL.Path)
	pg.flash(r, done+strconv.FormatInt(id, 10)+"。")
	http.Redirect(w, r, "/admin/jobs", http.StatusSeeOther)
}
