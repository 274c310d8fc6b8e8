package server

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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

// MetricsHandler serves the metrics on their own listen address
// (--metrics-listen), which operators keep off the public network.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.handler())
	return mux
}

// metricsOnMain is /metrics on the application's address: only for the
// bearer of the configured metrics token; without one configured the path
// does not exist here.
func (s *Server) metricsOnMain(w http.ResponseWriter, r *http.Request) {
	if s.opt.MetricsToken == "" {
		s.notFound(w, r)
		return
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.opt.MetricsToken)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="tiaojie-metrics"`)
		http.Error(w, "需要监控令牌", http.StatusUnauthorized)
		return
	}
	s.metrics.handler().ServeHTTP(w, r)
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
