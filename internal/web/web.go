// Package web serves the HTML pages: html/template, embedded, enhanced by htmx.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/audittrail"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/consent"
	"github.com/tiaojie/tiaojie/internal/conversation"
	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/grouping"
	"github.com/tiaojie/tiaojie/internal/leads"
	"github.com/tiaojie/tiaojie/internal/mediation"
	"github.com/tiaojie/tiaojie/internal/memo"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/smartsync"
	"github.com/tiaojie/tiaojie/internal/statcodes"
	"github.com/tiaojie/tiaojie/internal/subsidy"
)

// statCodes are the statistics' code tables (immutable, from the repo's file).
var statCodes = statcodes.MustLoad()

//go:embed templates/*.html templates/rows/*.html
var templateFS embed.FS

// Pages holds what the page handlers need.
type Pages struct {
	// The capability services, wired once by internal/platform; pages
	// reach data only through them.
	*platform.Services
	Sessions *scs.SessionManager
	Now      func() time.Time
	pages    map[string]*template.Template
	limits   publicLimits
	// bufs keeps render buffers between requests: a page grew its buffer
	// from nothing each time, a quarter of a case page's allocated bytes.
	bufs sync.Pool
	rows *template.Template               // the list rows (templates/rows/), rendered through memo
	memo memo.Memo[rowKey, template.HTML] // Size rowMemoSize, set by Load
}

// maxPooledBuf is the largest buffer kept for reuse: a rare huge page
// (an export preview) should not stay in memory.
const maxPooledBuf = 1 << 20

// page is what every template gets.
type page struct {
	Title string
	P     *auth.Principal
	Flash string
	Error string
	Data  any
}

var funcs = template.FuncMap{
	// row is Pages.row, bound by Load; this stands in for parsing alone.
	"row": func(string, listRow) (template.HTML, error) {
		return "", fmt.Errorf("row templates not loaded")
	},
	"datetime":     datetime,
	"options":      options,
	"remaining":    remaining,
	"statTable":    func(name string) []statcodes.Code { return statCodes.List(name) },
	"statLevels":   func() []subsidy.Difficulty { return subsidy.Difficulties },
	"jobKind":      jobKindLabel,
	"meetingKind":  meetingKind,
	"stateLabel":   smartsync.StateLabel,
	"fen":          domain.FormatFen,
	"pendingText":  scorecard.PendingText,
	"maskAddr":     domain.MaskAddress,
	"maskName":     domain.MaskName,
	"partyLabel":   consent.PartyLabel,
	"leadLabel":    leads.Kinds.Label,
	"outcomeLabel": grouping.Outcomes.Label,
	"sessionLabel": mediation.SessionKinds.Label,
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
	"add":         func(a, b int) int { return a + b },
	"signerLabel": domain.PartyWord,
	"judicialStatus": func(s string) string {
		return map[string]string{"sending": "已排队提交法院", "failed": "未能送达法院系统", "submitted": "已提交", "accepted": "法院已受理", "confirmed": "已裁定确认", "rejected": "已驳回", "annulled": "已被判决变更、撤销或确认无效"}[s]
	},
	"delivery":    agreement.DeliveryLabel,
	"methodLabel": consent.MethodLabel,
	"deref":       func(b *bool) bool { return b != nil && *b },
	"field": func(err error, name string) string {
		if ve, ok := err.(*access.ValidationError); ok {
			return ve.Field(name)
		}
		if fe, ok := err.(*domain.FieldError); ok && fe.Field == name {
			return fe.Message
		}
		return ""
	},
	"rejectLabel":       reasonLabel,
	"eventLabel":        domain.EventLabel,
	"join":              strings.Join,
	"list":              func(s ...string) []string { return s },
	"channelLabel":      conversation.ChannelLabel,
	"commendationLabel": agreement.CommendationKinds.Label,
	// deskURL links a saved view; its query is re-read through the filter, so only known keys pass.
	"deskURL": func(q string) template.URL {
		v, _ := url.ParseQuery(q)
		return template.URL("/desk?" + parseDeskFilter(v).Query())
	},
	"kb": func(n int64) string { return fmt.Sprintf("%.0f KB", float64(n)/1024+0.5) },
	"joinLabel": func(s string) string {
		return map[string]string{"agree": "同意", "refuse": "不同意", "": "未答复"}[s]
	},
	"flagStatus": func(s string) string {
		return map[string]string{"open": "待处理", "merged": "已合并", "dismissed": "已排除"}[s]
	},
	"batchStatus": func(s string) string {
		return map[string]string{"queued": "排队中", "running": "导入中", "done": "已完成", "failed": "已停止（失败）"}[s]
	},
	"auditRole": audittrail.RoleLabel,
	"lockedNow": func(t *time.Time) bool { return t != nil && time.Now().Before(*t) },
	"outboxKind": func(k string) string {
		if l, ok := outboxKinds[k]; ok {
			return l
		}
		return "其他短信"
	},
	"outboxStatus": func(s string) string {
		if l, ok := outboxStatuses[s]; ok {
			return l
		}
		return "发送失败"
	},
	"cnDate":     func(t time.Time) string { return t.In(calendar.Shanghai()).Format("2006年1月2日") },
	"clockState": desk.ClockState,
	// Evaluation (绩效评估): the Chinese names of indicator and deduction codes.
	"indicatorName": evaluation.IndicatorName,
	"deductionName": evaluation.DeductionName,
}

// datetime is a moment as pages show it, in Shanghai time.
func datetime(t time.Time) string { return t.In(calendar.Shanghai()).Format("2006-01-02 15:04") }

// reasonLabel names a refusal, termination or suspension reason code.
func reasonLabel(code string) string {
	for _, rs := range []domain.Reasons{domain.RejectReasons, domain.TerminateReasons, domain.SuspendReasons} {
		if rs.Has(code) {
			return rs.Label(code)
		}
	}
	return code
}

// outboxStatuses name where each message stands, for the outbox page.
var outboxStatuses = map[string]string{"queued": "已排队", "sending": "发送中", "sent": "已发送", "retrying": "重试中", "failed": "发送失败"}

// outboxKinds name the kinds of text the platform sends, for the outbox page.
var outboxKinds = map[string]string{
	"verify_code": "验证码", "consent_request": "征求调解意愿", "consent_reminder": "调解意愿提醒", "notice": "通知", "staff_alert": "工作提醒",
	"agreement_sign": "调解协议签署", "follow_up": "回访评价", "group_notice": "群体性纠纷通知", "online_mediation": "在线调解邀请",
	"online_mediation_news": "在线调解新消息", "session_notice": "调解安排通知", "progress_code": "进度查询验证码",
}

// Load parses the embedded templates: each page is the layout plus its own
// file. The layout is parsed once and cloned for each page (parsing it for
// every page cost a third of the templates' start-up: BenchmarkLoad).
func (pg *Pages) Load() error {
	pg.pages = map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	pg.memo.Size = rowMemoSize
	if pg.rows, err = template.New("rows").Funcs(funcs).ParseFS(templateFS, "templates/rows/*.html"); err != nil {
		return fmt.Errorf("parse the row templates: %w", err)
	}
	layout, err := template.New("layout.html").Funcs(funcs).Funcs(template.FuncMap{"row": pg.row}).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return fmt.Errorf("parse the layout: %w", err)
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := layout.Clone()
		if err == nil {
			t, err = t.ParseFS(templateFS, n)
		}
		if err != nil {
			return fmt.Errorf("parse template %s: %w", n, err)
		}
		pg.pages[base] = t
	}
	return nil
}

func (pg *Pages) now() time.Time {
	if pg.Now != nil {
		return pg.Now()
	}
	return time.Now()
}

// render writes a full page, or just the named block for htmx requests.
func (pg *Pages) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	p := page{Title: title, P: auth.From(r.Context()), Data: data}
	if pg.Sessions != nil {
		p.Flash = pg.pop(r, "flash")
		p.Error = pg.pop(r, "error")
	}
	t, ok := pg.pages[name]
	if !ok {
		http.Error(w, "模板不存在", http.StatusInternalServerError)
		return
	}
	block := "layout"
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "results" && t.Lookup("results") != nil {
		block = "results"
	}
	buf, _ := pg.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		if buf.Cap() <= maxPooledBuf {
			buf.Reset()
			pg.bufs.Put(buf)
		}
	}()
	if err := t.ExecuteTemplate(buf, block, p); err != nil {
		pg.Log.Error("render page", "page", name, "err", err)
		http.Error(w, "页面生成失败", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// pop takes a message from the session. A refusal answered before the
// session is loaded (there is none in the context, and scs panics) shows
// the page without it rather than failing.
func (pg *Pages) pop(r *http.Request, key string) (msg string) {
	defer func() {
		if v := recover(); v != nil {
			msg = ""
		}
	}()
	return pg.Sessions.PopString(r.Context(), key)
}

// Fail shows an error page, or answers {"error": msg} to a page script that asked for JSON.
func (pg *Pages) Fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if wantsJSON(r) {
		writeJSONBody(w, status, map[string]string{"error": msg})
		return
	}
	title := map[int]string{400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "未找到", 409: "操作冲突", 413: "内容过大", 422: "填写有误", 429: "请求过多"}[status]
	if title == "" {
		title = "系统错误"
	}
	pg.render(w, r, status, "error", title, msg)
}

// serverError logs the cause and shows a generic message.
func (pg *Pages) serverError(w http.ResponseWriter, r *http.Request, err error) {
	pg.Log.Error("page failed", "path", domain.RedactLinks(r.URL.Path), "err", err)
	pg.Fail(w, r, http.StatusInternalServerError, "系统暂时无法完成操作，请稍后再试。")
}

func (pg *Pages) flash(r *http.Request, msg string) { pg.Sessions.Put(r.Context(), "flash", msg) }

//go:embed static
var staticFS embed.FS

// Static serves the embedded CSS and vendored scripts.
func Static() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}
