package jobs

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
)

// stats counts what this instance's workers finished, by kind and outcome.
type stats struct {
	mu     sync.Mutex
	counts map[[2]string]float64 // {kind, outcome} → count
	done   chan struct{}
	cancel func()
}

func newStats() *stats { return &stats{counts: map[[2]string]float64{}} }

func (s *stats) watch(c *river.Client[*sql.Tx]) {
	events, cancel := c.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed,
		river.EventKindJobCancelled, river.EventKindJobSnoozed)
	s.cancel = cancel
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		for e := range events {
			if e == nil || e.Job == nil {
				continue
			}
			outcome := string(e.Kind)
			if e.Kind == river.EventKindJobFailed && e.Job.State == "discarded" {
				outcome = "job_discarded"
			}
			s.mu.Lock()
			s.counts[[2]string{e.Job.Kind, outcome}]++
			s.mu.Unlock()
		}
	}()
}

func (s *stats) stop() {
	if s.cancel != nil {
		s.cancel()
		<-s.done
	}
}

func (s *stats) snapshot() map[[2]string]float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[[2]string]float64, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// Collector reports queue depth (scraped from the database, so every
// instance reports the shared queue) and this instance's finished jobs.
func (q *Queue) Collector() prometheus.Collector { return &collector{q: q} }

var (
	descState = prometheus.NewDesc("tiaojie_jobs", "Jobs in the queue by state (all instances).", []string{"state"}, nil)
	descQueue = prometheus.NewDesc("tiaojie_jobs_queue", "Jobs available or running, by queue (all instances).", []string{"queue", "state"}, nil)
	descDone  = prometheus.NewDesc("tiaojie_jobs_finished_total", "Job attempts finished by this instance, by kind and outcome (job_completed, job_failed, job_discarded, job_cancelled, job_snoozed).", []string{"kind", "outcome"}, nil)
)

type collector struct{ q *Queue }

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descState
	ch <- descQueue
	ch <- descDone
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := c.q.Depth(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descState, err)
	} else {
		for s, n := range d.ByState {
			ch <- prometheus.MustNewConstMetric(descState, prometheus.GaugeValue, float64(n), s)
		}
		for q, n := range d.ByQueue {
			ch <- prometheus.MustNewConstMetric(descQueue, prometheus.GaugeValue, float64(n[0]), q, "available")
			ch <- prometheus.MustNewConstMetric(descQueue, prometheus.GaugeValue, float64(n[1]), q, "running")
		}
	}
	for k, v := range c.q.stats.snapshot() {
		ch <- prometheus.MustNewConstMetric(descDone, prometheus.CounterValue, v, k[0], k[1])
	}
}
