package subsidy

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// Case is what the gates and the amount look at of one candidate case.
type Case struct {
	ID           int64
	Number       string
	MediatorID   int64 // presiding mediator at closure: the payee
	MediatorName string
	RoomID       int64
	RoomName     string
	ClosureDay   string // YYYY-MM-DD
	// Carried marks a case closed before this batch's window that failed a
	// gate that can still be met (archive, follow-up …) and is tried again.
	Carried bool

	Outcome           string // internal/evaluation's outcome codes
	MediationBegan    bool
	AgreementForm     string // oral | written
	Performed         bool
	JudicialConfirmed bool
	Archived          bool
	DossierComplete   bool // a frozen case file (卷宗) is on record
	FollowUpDone      bool
	SyncRequired      bool // the link to the smart-mediation platform is on
	Synced            bool

	MergedInto string // the case number a duplicate was merged into
	GroupID    int64
	GroupTitle string

	Difficulty          Difficulty
	DifficultyConfirmed bool

	PayeeRegistered bool   // the mediator has a registry row
	Grade           string // internal/grading's grade code
	Employment      string // internal/grading's employment code
	PaidIn          string // the period of an approved batch that already paid it ("" none)
	GroupPaidIn     string // per_group: the period that already paid the group ("" none)
}

// Gate codes, in the order they are tried.
const (
	GatePaid       = "paid"
	GateMerged     = "merged"
	GateOutcome    = "outcome"
	GateArchived   = "archived"
	GateDossier    = "dossier"
	GateFollowUp   = "follow_up"
	GateSync       = "sync"
	GateDifficulty = "difficulty"
	GatePayee      = "payee"
	GateGroup      = "group"
	GateZero       = "zero"
	GateScheme     = "scheme"
	GateMonthCap   = "month_cap"
	GateBudget     = "budget"
)

var gateLabels = map[string]string{
	GatePaid: "一案一补：已计发", GateMerged: "重复投诉已合并", GateOutcome: "办理结果不计补贴",
	GateArchived: "尚未归档", GateDossier: "卷宗不完整", GateFollowUp: "尚未回访",
	GateSync: "尚未同步至智慧调解平台", GateDifficulty: "难易程度待确认", GatePayee: "调解员不符合领取条件",
	GateGroup: "群体纠纷按组计发", GateZero: "按方案本类案件不计补贴", GateScheme: "结案时无有效补贴方案",
	GateMonthCap: "超出每人每月上限", GateBudget: "超出年度预算",
}

// GateLabel names a gate.
func GateLabel(g string) string { return gateLabels[g] }

// Gates lists every gate code in order.
var Gates = []string{GatePaid, GateMerged, GateOutcome, GateFollowUp, GateArchived, GateDossier, GateSync,
	GateDifficulty, GatePayee, GateGroup, GateZero, GateScheme, GateMonthCap, GateBudget}

// Pending reports whether a case failing gate g can still qualify later
// (and is carried into the next batches).
func Pending(g string) bool {
	switch g {
	case GateArchived, GateDossier, GateFollowUp, GateSync, GateDifficulty:
		return true
	}
	return false
}

// Line is one case that earns a subsidy in a batch.
type Line struct {
	CaseID        int64
	Number        string
	MediatorID    int64
	MediatorName  string
	RoomID        int64
	RoomName      string
	ClosureDay    string
	SchemeVersion string
	Rule          string // the rule applied, e.g. "书面协议·一般·已履行"
	Difficulty    Difficulty
	BaseFen       int64 // from the rate table (or the group's amount)
	JudicialFen   int64 // supplement
	Percent       int   // grade multiplier
	CutFen        int64 // taken off by a cap or the budget
	Fen           int64 // what is paid
	Explanation   string
}

// Failure is one candidate case that earns nothing in a batch, and why.
type Failure struct {
	CaseID       int64
	Number       string
	MediatorID   int64
	MediatorName string
	RoomName     string
	ClosureDay   string
	Gate         string
	Reason       string
	Pending      bool // can still qualify in a later batch
}

// Result is a batch's lines and failures.
type Result struct {
	Lines    []Line
	Failed   []Failure
	TotalFen int64
}

func (c Case) fail(gate, reason string) *Failure {
	return &Failure{CaseID: c.ID, Number: c.Number, MediatorID: c.MediatorID, MediatorName: c.MediatorName,
		RoomName: c.RoomName, ClosureDay: c.ClosureDay, Gate: gate, Reason: reason, Pending: Pending(gate)}
}

// assess passes one case through the gates and prices it under s, before
// group rules, caps and the budget.
func assess(s Scheme, c Case) (Line, *Failure) {
	switch {
	case c.PaidIn != "":
		return Line{}, c.fail(GatePaid, fmt.Sprintf("已在 %s 批次计发，一案只补一次", c.PaidIn))
	case c.Outcome == "merged" || c.MergedInto != "":
		return Line{}, c.fail(GateMerged, fmt.Sprintf("已合并至 %s，由该案计发", orDash(c.MergedInto)))
	}
	agreed := c.Outcome == "agreed"
	terminated := c.Outcome == "not_agreed" && c.MediationBegan
	if !agreed && !terminated {
		return Line{}, c.fail(GateOutcome, "办理结果为“"+outcomeWord(c.Outcome)+"”，只有调解成功或依法终止调解的案件计发")
	}
	switch {
	case agreed && !c.FollowUpDone:
		// Only an agreement is followed up (回访 on its performance), and
		// before the case is archived.
		return Line{}, c.fail(GateFollowUp, "尚未完成回访")
	case !c.Archived:
		return Line{}, c.fail(GateArchived, "结案后尚未归档")
	case !c.DossierComplete:
		return Line{}, c.fail(GateDossier, "未形成完整的电子卷宗")
	case c.SyncRequired && !c.Synced:
		return Line{}, c.fail(GateSync, "尚未被智慧调解平台接收")
	case !c.Difficulty.Valid() || !c.DifficultyConfirmed:
		return Line{}, c.fail(GateDifficulty, "难易程度待工作室负责人确认")
	case c.MediatorID == 0:
		return Line{}, c.fail(GatePayee, "案件没有主持调解员")
	case !c.PayeeRegistered:
		return Line{}, c.fail(GatePayee, c.MediatorName+"未录入调解员名册")
	case c.Employment == "civil_servant" || c.Employment == "public_institution":
		return Line{}, c.fail(GatePayee, c.MediatorName+"为公务员或事业编制人员，不领取个案补贴")
	}
	l := Line{CaseID: c.ID, Number: c.Number, MediatorID: c.MediatorID, MediatorName: c.MediatorName,
		RoomID: c.RoomID, RoomName: c.RoomName, ClosureDay: c.ClosureDay, SchemeVersion: s.Version,
		Difficulty: c.Difficulty, Percent: s.Percent(c.Grade)}
	var words string
	if agreed {
		form := c.AgreementForm
		if FormLabel(form) == "" {
			form = FormOral
		}
		fen, _ := s.Rate(form, c.Difficulty, c.Performed)
		l.BaseFen = fen
		l.Rule = FormLabel(form) + "·" + c.Difficulty.Label() + "·" + performedLabel(c.Performed)
		words = fmt.Sprintf("%s × %s × %s %s元", FormLabel(form), c.Difficulty.Label(), performedLabel(c.Performed), domain.FormatFen(fen))
		if c.JudicialConfirmed && s.JudicialFen > 0 {
			l.JudicialFen = s.JudicialFen
			words = fmt.Sprintf("（%s + 司法确认 %s元）", words, domain.FormatFen(s.JudicialFen))
		}
	} else {
		fen := s.TerminatedFen(c.Difficulty)
		l.BaseFen = fen
		l.Rule = "依法终止·" + c.Difficulty.Label()
		words = fmt.Sprintf("依法终止 × %s %s元", c.Difficulty.Label(), domain.FormatFen(fen))
	}
	l.Fen = scale(l.BaseFen+l.JudicialFen, l.Percent)
	l.Explanation = fmt.Sprintf("%s × %s %s = %s元", words, GradeLabel(gradeOr(c.Grade)), PercentText(l.Percent), domain.FormatFen(l.Fen))
	if l.Fen == 0 {
		return Line{}, c.fail(GateZero, l.Explanation+"：按方案本类案件不计补贴")
	}
	return l, nil
}

// scale multiplies by a percent, rounding half up to the fen.
func scale(fen int64, percent int) int64 {
	return (fen*int64(percent) + 50) / 100
}

func gradeOr(g string) string {
	if g == "" {
		return "none"
	}
	return g
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

var outcomeWords = map[string]string{"open": "未办结", "rejected": "不予受理", "not_agreed": "调解不成",
	"terminated": "终止（未进入调解）", "withdrawn": "撤回", "odr_settled": "企业协商和解", "merged": "合并"}

func outcomeWord(o string) string {
	if w, ok := outcomeWords[o]; ok {
		return w
	}
	return o
}

// Batch is what a month's settlement needs besides the cases.
type Batch struct {
	Period  string   // YYYY-MM
	Schemes []Scheme // every version of the district's scheme
	// BudgetUsedFen is what approved batches of the same committee and
	// calendar year (other than this one) pay.
	BudgetUsedFen int64
}

// Settle passes every case through the gates and prices it under the
// scheme in force on its closure day, then applies the group rules, each
// mediator's monthly cap and the year's budget, in closure order. Every
// case comes out as a line or a failure: none vanishes.
func Settle(b Batch, cases []Case) Result {
	cs := append([]Case(nil), cases...)
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].ClosureDay != cs[j].ClosureDay {
			return cs[i].ClosureDay < cs[j].ClosureDay
		}
		return cs[i].ID < cs[j].ID
	})
	var res Result
	type groupState struct {
		paidTo string // per_group: the case the group is paid on
		sum    int64  // per_case: what the group earned so far
	}
	groups := map[int64]*groupState{}
	perMediator := map[int64]int64{}
	cutDay, _ := CutoffDate(b.Schemes, b.Period)
	cutoffScheme, _ := InForce(b.Schemes, cutDay)
	budgetLeft := int64(-1)
	if cutoffScheme.YearBudgetFen > 0 {
		budgetLeft = max(cutoffScheme.YearBudgetFen-b.BudgetUsedFen, 0)
	}
	versions := sorted(b.Schemes)
	for _, c := range cs {
		s, ok := inForce(versions, c.ClosureDay)
		if !ok {
			res.Failed = append(res.Failed, *c.fail(GateScheme, "结案日 "+c.ClosureDay+" 时尚无生效的补贴方案"))
			continue
		}
		l, f := assess(s, c)
		if f != nil {
			res.Failed = append(res.Failed, *f)
			continue
		}
		if c.GroupID != 0 {
			g := groups[c.GroupID]
			if g == nil {
				g = &groupState{}
				groups[c.GroupID] = g
			}
			title := c.GroupTitle
			if title == "" {
				title = fmt.Sprintf("群体纠纷 %d", c.GroupID)
			}
			switch s.Group.Mode {
			case GroupPerGroup:
				if c.GroupPaidIn != "" {
					res.Failed = append(res.Failed, *c.fail(GateGroup, fmt.Sprintf("“%s”按组计发，已在 %s 批次计发", title, c.GroupPaidIn)))
					continue
				}
				if g.paidTo != "" {
					res.Failed = append(res.Failed, *c.fail(GateGroup, fmt.Sprintf("“%s”按组计发，已计入 %s", title, g.paidTo)))
					continue
				}
				l.BaseFen, l.JudicialFen = s.Group.GroupFen, 0
				l.Rule = "群体纠纷·按组"
				l.Fen = scale(l.BaseFen, l.Percent)
				l.Explanation = fmt.Sprintf("群体纠纷“%s”按组 %s元 × %s %s = %s元", title, domain.FormatFen(l.BaseFen),
					GradeLabel(gradeOr(c.Grade)), PercentText(l.Percent), domain.FormatFen(l.Fen))
				if l.Fen == 0 {
					res.Failed = append(res.Failed, *c.fail(GateZero, l.Explanation+"：按方案不计补贴"))
					continue
				}
			default:
				if s.Group.CapFen > 0 {
					room := max(s.Group.CapFen-g.sum, 0)
					if room == 0 {
						res.Failed = append(res.Failed, *c.fail(GateGroup, fmt.Sprintf("“%s”已达群体纠纷封顶 %s元", title, domain.FormatFen(s.Group.CapFen))))
						continue
					}
					if l.Fen > room {
						cut(&l, l.Fen-room, fmt.Sprintf("群体纠纷“%s”封顶 %s元", title, domain.FormatFen(s.Group.CapFen)))
					}
				}
			}
		}
		if s.MediatorMonthCapFen > 0 {
			room := max(s.MediatorMonthCapFen-perMediator[c.MediatorID], 0)
			if room == 0 {
				res.Failed = append(res.Failed, *c.fail(GateMonthCap, fmt.Sprintf("%s本批已达每人每月上限 %s元", c.MediatorName, domain.FormatFen(s.MediatorMonthCapFen))))
				continue
			}
			if l.Fen > room {
				cut(&l, l.Fen-room, fmt.Sprintf("每人每月上限 %s元", domain.FormatFen(s.MediatorMonthCapFen)))
			}
		}
		if budgetLeft >= 0 {
			if budgetLeft == 0 {
				res.Failed = append(res.Failed, *c.fail(GateBudget, fmt.Sprintf("年度预算 %s元已用尽", domain.FormatFen(cutoffScheme.YearBudgetFen))))
				continue
			}
			if l.Fen > budgetLeft {
				cut(&l, l.Fen-budgetLeft, fmt.Sprintf("年度预算 %s元（尚余 %s元）", domain.FormatFen(cutoffScheme.YearBudgetFen), domain.FormatFen(budgetLeft)))
			}
			budgetLeft -= l.Fen
		}
		// The group counts only what is paid: a member trimmed or failed by
		// the monthly cap or the budget leaves the group's room to the others.
		if g := groups[c.GroupID]; g != nil {
			if s.Group.Mode == GroupPerGroup {
				g.paidTo = c.Number
			} else {
				g.sum += l.Fen
			}
		}
		perMediator[c.MediatorID] += l.Fen
		res.Lines = append(res.Lines, l)
		res.TotalFen += l.Fen
	}
	return res
}

// cut takes n fen off a line and says why.
func cut(l *Line, n int64, why string) {
	l.CutFen += n
	l.Fen -= n
	l.Explanation += fmt.Sprintf("；受%s限制，核减 %s元，实发 %s元", why, domain.FormatFen(n), domain.FormatFen(l.Fen))
}

// Window is the closure days a period's batch covers: the day after the
// previous month's cut-off to this month's, inclusive.
func Window(schemes []Scheme, period string) (from, to string, err error) {
	m, err := time.Parse("2006-01", period)
	if err != nil {
		return "", "", fmt.Errorf("期间须为 YYYY-MM：%q", period)
	}
	prev := m.AddDate(0, -1, 0)
	return cutoffDate(schemes, prev).AddDate(0, 0, 1).Format(time.DateOnly), cutoffDate(schemes, m).Format(time.DateOnly), nil
}

// CutoffDate is the cut-off day of a period (YYYY-MM), as YYYY-MM-DD.
func CutoffDate(schemes []Scheme, period string) (string, error) {
	m, err := time.Parse("2006-01", period)
	if err != nil {
		return "", fmt.Errorf("期间须为 YYYY-MM：%q", period)
	}
	return cutoffDate(schemes, m).Format(time.DateOnly), nil
}

func cutoffDate(schemes []Scheme, month time.Time) time.Time {
	s, _ := InForce(schemes, month.Format(time.DateOnly))
	return time.Date(month.Year(), month.Month(), s.Cutoff(), 0, 0, 0, 0, time.UTC)
}

func lastDay(period string) string {
	m, err := time.Parse("2006-01", period)
	if err != nil {
		return period
	}
	return m.AddDate(0, 1, -1).Format(time.DateOnly)
}

// Summary is one mediator's total in a batch (the finance bureau's sheet).
type Summary struct {
	MediatorID   int64
	MediatorName string
	RoomName     string
	Cases        int
	Fen          int64
}

// ByMediator sums lines per mediator, by name.
func ByMediator(lines []Line) []Summary {
	idx := map[int64]int{}
	var out []Summary
	for _, l := range lines {
		i, ok := idx[l.MediatorID]
		if !ok {
			i = len(out)
			idx[l.MediatorID] = i
			out = append(out, Summary{MediatorID: l.MediatorID, MediatorName: l.MediatorName, RoomName: l.RoomName})
		}
		out[i].Cases++
		out[i].Fen += l.Fen
		switch {
		case l.RoomName == "" || slices.Contains(strings.Split(out[i].RoomName, "、"), l.RoomName):
		case out[i].RoomName == "":
			out[i].RoomName = l.RoomName
		default:
			out[i].RoomName += "、" + l.RoomName
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].MediatorName < out[j].MediatorName })
	return out
}

// Adjust turns a recomputation of a settled period into an adjusting
// batch's lines: for every case whose amount changed against what was
// already approved for the period (paid, by case), a line of the
// difference (negative when it was overpaid). Failures of cases never paid
// stay failures; a paid case that now fails becomes a negative line.
func Adjust(paid map[int64]int64, now Result) Result {
	var out Result
	seen := map[int64]bool{}
	for _, l := range now.Lines {
		seen[l.CaseID] = true
		old := paid[l.CaseID]
		if l.Fen == old {
			continue
		}
		d := l
		d.Fen = l.Fen - old
		d.Explanation = fmt.Sprintf("调整：原核发 %s元，重新核算 %s（%s），差额 %s元",
			domain.FormatFen(old), domain.FormatFen(l.Fen)+"元", l.Explanation, domain.FormatFen(d.Fen))
		out.Lines = append(out.Lines, d)
		out.TotalFen += d.Fen
	}
	for _, f := range now.Failed {
		old, was := paid[f.CaseID]
		if !was || seen[f.CaseID] || old == 0 {
			if !was {
				out.Failed = append(out.Failed, f)
			}
			continue
		}
		seen[f.CaseID] = true
		d := Line{CaseID: f.CaseID, Number: f.Number, MediatorID: f.MediatorID, MediatorName: f.MediatorName,
			RoomName: f.RoomName, ClosureDay: f.ClosureDay, Rule: "调整·追回", Fen: -old}
		d.Explanation = fmt.Sprintf("调整：原核发 %s元，重新核算不符合条件（%s：%s），追回 %s元",
			domain.FormatFen(old), GateLabel(f.Gate), f.Reason, domain.FormatFen(old))
		out.Lines = append(out.Lines, d)
		out.TotalFen += d.Fen
	}
	return out
}
