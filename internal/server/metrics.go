package server

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tiaojie/tiaojie/internal/store"
)

// metrics uses its own registry (no package globals).
type metrics struct {
	reg     *prometheus.Registry
	latency *prometheus.HistogramVec
}

func newMetrics(st store.Store, pools map[string]*sql.DB) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "tiaojie_http_request_duration_seconds",
		Help:    "HTTP request latency by route.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "code"})
	m.reg.MustRegister(m.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for name, db := range pools {
		m.reg.MustRegister(collectors.NewDBStatsCollector(db, st.Dialect()+"_"+name))
	}
	m.reg.MustRegister(&caseCollector{st: st, desc: prometheus.NewDesc("tiaojie_cases", "Cases by status.", []string{"status"}, nil)})
	return m
}

func (m *metrics) observe(route, method string, code int, d time.Duration) {
	m.latency.WithLabelValues(route, method, strconv.Itoa(code)).Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// caseCollector counts cases by status at scrape time.
type caseCollector struct {
	st   store.Store
	desc *prometheus.Desc
}

func (c *caseCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *caseCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.st.CountCasesByStatus(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for s, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), string(s))
	}
}

func urlEscape(s string) string { return url.QueryEscape(s) }
