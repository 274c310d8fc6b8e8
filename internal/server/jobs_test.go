package server_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/tiaojie/tiaojie/internal/jobs"
)

// orphanArgs is a job no worker of this version handles, as when a newer
// instance enqueued it: it fails and, with one attempt, ends dead.
type orphanArgs struct {
	Case int64 `json:"case_id"`
}

func (orphanArgs) Kind() string { return "orphan_kind" }

type orphanWorker struct {
	river.WorkerDefaults[orphanArgs]
}

func (orphanWorker) Work(context.Context, *river.Job[orphanArgs]) error { return nil }

// The administrator finds a dead job on the queue page, retries it (it
// dies again, visibly) and discards it; the counts reach /metrics; other
// roles are refused.
func TestJobQueueAdmin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// A newer instance (its own queue, knowing the kind) enqueues it.
		newer, err := jobs.New(jobs.Config{Driver: e.db.QueueDriver(), Store: e.db})
		if err != nil {
			t.Fatal(err)
		}
		jobs.Register(newer, &orphanWorker{})
		if err := newer.Enqueue(ctx, e.db, "enqueue orphan", jobs.Insert(orphanArgs{Case: 42}, &river.InsertOpts{MaxAttempts: 1})); err != nil {
			t.Fatal(err)
		}
		var id int64
		deadline := time.Now().Add(20 * time.Second)
		for id == 0 {
			fs, err := e.svc.Jobs.ListFailed(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if f.Kind == "orphan_kind" && f.State == string(rivertype.JobStateDiscarded) {
					id = f.ID
				}
			}
			if time.Now().After(deadline) {
				t.Fatal("the orphan job never ended dead")
			}
			time.Sleep(50 * time.Millisecond)
		}
		admin := e.login("admin")
		page := admin.get("/admin/jobs")
		if page.StatusCode != 200 || !strings.Contains(page.body, "#"+itoa(id)) || !strings.Contains(page.body, "已放弃（死信）") ||
			!regexp.MustCompile(`case_id&#34;: ?42`).MatchString(page.body) || !strings.Contains(page.body, "本实例不认识此任务类型") {
			t.Fatalf("jobs page: %d\n%s", page.StatusCode, page.body)
		}
		if r := e.login("committee01").get("/admin/jobs"); r.StatusCode != 403 {
			t.Fatalf("committee on the jobs page: %d", r.StatusCode)
		}
		if r := e.login("committee01").form("POST", "/admin/jobs/"+itoa(id)+"/discard", nil); r.StatusCode != 403 {
			t.Fatalf("committee discarding a job: %d", r.StatusCode)
		}
		if r := admin.form("POST", "/admin/jobs/"+itoa(id)+"/retry", nil); r.StatusCode != 303 {
			t.Fatalf("retry: %d %s", r.StatusCode, r.body)
		}
		for {
			j, err := e.svc.Jobs.Find(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if j.State == rivertype.JobStateDiscarded && j.Attempt == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("retried job: %s attempt %d", j.State, j.Attempt)
			}
			time.Sleep(50 * time.Millisecond)
		}
		m := e.scrape()
		if !regexp.MustCompile(`tiaojie_jobs\{state="discarded"\} [1-9]`).MatchString(m.body) ||
			!strings.Contains(m.body, `tiaojie_jobs_finished_total{kind="orphan_kind",outcome="job_discarded"}`) {
			t.Fatalf("metrics lack the dead job:\n%s", grepLines(m.body, "tiaojie_jobs"))
		}
		if r := admin.form("POST", "/admin/jobs/"+itoa(id)+"/discard", nil); r.StatusCode != 303 {
			t.Fatalf("discard: %d %s", r.StatusCode, r.body)
		}
		if r := admin.form("POST", "/admin/jobs/"+itoa(id)+"/discard", nil); r.StatusCode != 404 || !strings.Contains(r.body, "任务不存在") {
			t.Fatalf("discarding twice: %d", r.StatusCode)
		}
		if r := admin.form("POST", "/admin/jobs/abc/retry", nil); r.StatusCode != 404 {
			t.Fatalf("bad id: %d", r.StatusCode)
		}
		if page := admin.get("/admin/jobs"); strings.Contains(page.body, "#"+itoa(id)+"<") {
			t.Fatal("discarded job still listed")
		}
	})
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
