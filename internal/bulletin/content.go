package bulletin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/bulletinrules"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/warning"
)

// Content is what a bulletin reports, computed from the rollups and the
// warning records: stored with the bulletin (JSON), refreshed while it is a
// draft, frozen at approval. Every section says where its figures come from.
type Content struct {
	Committee string          `json:"committee"`
	Month     string          `json:"month"`
	Label     string          `json:"label"`
	From      string          `json:"from"`
	To        string          `json:"to"`
	Headline  HeadlineSection `json:"headline"`
	Ranking   RankingSection  `json:"ranking"`
	Hotspots  HotSection      `json:"hotspots"`
	Cases     CasesSection    `json:"cases"`
	Warnings  WarningSection  `json:"warnings"`
}

// Line is one headline figure this month, last month and the same month
// last year, with the changes in words.
type Line struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Unit       string  `json:"unit"`
	Value      float64 `json:"value"`
	Prev       float64 `json:"prev"`
	LastYear   float64 `json:"last_year"`
	Text       string  `json:"text"`
	PrevText   string  `json:"prev_text"`
	YearText   string  `json:"last_year_text"`
	VsPrev     string  `json:"vs_prev"`
	VsLastYear string  `json:"vs_last_year"`
	Explain    string  `json:"explain"`
}

// HeadlineSection is the month's main figures.
type HeadlineSection struct {
	Lines   []Line `json:"lines"`
	Summary string `json:"summary"`
	Source  string `json:"source"`
}

// RankRow is one place on a red or black list.
type RankRow struct {
	Rank  int     `json:"rank"`
	Name  string  `json:"name"`
	Total float64 `json:"total"`
	Cases int     `json:"cases"`
}

// RankLevel is the red and black lists of one level (mediators, rooms).
type RankLevel struct {
	Level     string    `json:"level"`
	Label     string    `json:"label"`
	Published bool      `json:"published"`
	Revision  int64     `json:"revision"`
	Scheme    string    `json:"scheme"`
	Red       []RankRow `json:"red"`
	Black     []RankRow `json:"black"`
	Note      string    `json:"note"`
}

// RankingSection is the month's 红黑榜.
type RankingSection struct {
	Levels  []RankLevel `json:"levels"`
	Summary string      `json:"summary"`
	Source  string      `json:"source"`
}

// HotRow is one hot spot: a merchant or a category with its cases in the
// window, the window before and the same window a year earlier. The
// analysis capability's hook returns these.
type HotRow struct {
	By       string `json:"by"` // "merchant" or "category"
	Name     string `json:"name"`
	Cases    int64  `json:"cases"`
	Previous int64  `json:"previous"`
	LastYear int64  `json:"last_year"`
}

// HotView is a hot spot with its changes in words.
type HotView struct {
	By         string `json:"by"`
	Name       string `json:"name"`
	Cases      int64  `json:"cases"`
	Previous   int64  `json:"previous" doc:"上月件数"`
	LastYear   int64  `json:"last_year" doc:"去年同月件数"`
	VsPrev     string `json:"vs_prev"`
	VsLastYear string `json:"vs_last_year"`
}

// HotSection is the month's hot spots.
type HotSection struct {
	Merchants  []HotView `json:"merchants"`
	Categories []HotView `json:"categories"`
	Summary    string    `json:"summary"`
	Source     string    `json:"source"`
}

// TypicalRef names a typical case published in the month (the library's hook).
type TypicalRef struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Category string `json:"category"`
	URL      string `json:"url"`
}

// CasesSection is the month's typical cases.
type CasesSection struct {
	Cases   []TypicalRef `json:"cases"`
	Summary string       `json:"summary"`
	Source  string       `json:"source"`
}

// Count is a labelled count.
type Count struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	N     int    `json:"n"`
}

// RedWarning is one red warning of the month.
type RedWarning struct {
	Rule    string `json:"rule"`
	Subject string `json:"subject"`
	Explain string `json:"explain"`
	Day     string `json:"day"`
	Status  string `json:"status"`
}

// WarningSection is the warnings raised in the month.
type WarningSection struct {
	Total   int          `json:"total"`
	ByLevel []Count      `json:"by_level"`
	ByRule  []Count      `json:"by_rule"`
	Red     []RedWarning `json:"red"`
	Summary string       `json:"summary"`
	Source  string       `json:"source"`
}

// system is the principal the drafting reads figures as: the committee's
// own binding, so a job and a page compute the same numbers.
func system(c store.OrgUnit) *auth.Principal {
	return &auth.Principal{DisplayName: "系统（自动起草）", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: c.ID, OrgPath: c.Path}}}
}

// headlineCodes are the headline figures a bulletin reports.
var headlineCodes = []string{"received", "diverted", "closed", "success", "handling_mean", "claimed", "recovered", "judicial"}

func format(v float64, unit string) string {
	switch unit {
	case "%":
		return fmt.Sprintf("%.1f%%", v)
	case "工作日":
		return fmt.Sprintf("%.1f个工作日", v)
	case "元":
		if v >= 10000 {
			return fmt.Sprintf("%.2f万元", v/10000)
		}
		return fmt.Sprintf("%.2f元", v)
	}
	return fmt.Sprintf("%.0f%s", v, unit)
}

func changeOf(unit string, cur, prev float64) string {
	if unit == "%" {
		return bulletinrules.PointsChange(cur, prev)
	}
	return bulletinrules.Change(cur, prev)
}

// compute draws the bulletin's content for a committee and month.
func (s *Service) compute(ctx context.Context, c store.OrgUnit, per bulletinrules.Period) (Content, error) {
	out := Content{Committee: c.Name, Month: per.Month, Label: per.Label(), From: per.From.String(), To: per.To.String()}
	var err error
	if out.Headline, err = s.headline(ctx, c, per); err != nil {
		return out, err
	}
	if out.Ranking, err = s.ranking(ctx, c, per); err != nil {
		return out, err
	}
	if out.Hotspots, err = s.hotspots(ctx, c, per); err != nil {
		return out, err
	}
	if out.Cases, err = s.typical(ctx, c, per); err != nil {
		return out, err
	}
	out.Warnings, err = s.warnings(ctx, c, per)
	return out, err
}

func (s *Service) headline(ctx context.Context, c store.OrgUnit, per bulletinrules.Period) (HeadlineSection, error) {
	sys := system(c)
	prev, year := per.Previous(), per.YearBefore()
	get := func(p bulletinrules.Period) (map[string]scorecard.Figure, int64, error) {
		h, err := s.Scorecard.Headline(ctx, sys, c.Code, p.From.String(), p.To.String())
		if err != nil {
			return nil, 0, fmt.Errorf("headline of %s for %s: %w", c.Code, p.Month, err)
		}
		m := map[string]scorecard.Figure{}
		for _, f := range h.Figures {
			m[f.Code] = f
		}
		return m, h.Pending, nil
	}
	cur, pending, err := get(per)
	if err != nil {
		return HeadlineSection{}, err
	}
	p, _, err := get(prev)
	if err != nil {
		return HeadlineSection{}, err
	}
	y, _, err := get(year)
	if err != nil {
		return HeadlineSection{}, err
	}
	var sec HeadlineSection
	for _, code := range headlineCodes {
		f := cur[code]
		l := Line{Code: code, Name: f.Name, Unit: f.Unit, Value: f.Value, Prev: p[code].Value, LastYear: y[code].Value, Explain: f.Explain}
		l.Text, l.PrevText, l.YearText = format(l.Value, l.Unit), format(l.Prev, l.Unit), format(l.LastYear, l.Unit)
		l.VsPrev, l.VsLastYear = changeOf(l.Unit, l.Value, l.Prev), changeOf(l.Unit, l.Value, l.LastYear)
		sec.Lines = append(sec.Lines, l)
	}
	line := func(code string) Line {
		for _, l := range sec.Lines {
			if l.Code == code {
				return l
			}
		}
		return Line{}
	}
	r, cl, su, rc := line("received"), line("closed"), line("success"), line("recovered")
	sec.Summary = fmt.Sprintf("%s，本委共收到消费纠纷%s（较上月%s，较去年同月%s），其中市场监管部门分流%s；办结%s，调解成功率%s（较上月%s）；挽回经济损失%s；平均办理用时%s。",
		per.Label(), r.Text, r.VsPrev, r.VsLastYear, line("diverted").Text, cl.Text, su.Text, su.VsPrev, rc.Text, line("handling_mean").Text)
	sec.Source = fmt.Sprintf("数据来源：绩效评估统计（按日汇总的案件评估数据，与“绩效评估”页面及 /api/v1/evaluation/headline 同一口径）。本月为 %s 至 %s；上月为 %s 至 %s；去年同月为 %s 至 %s。各项口径见表中说明。",
		per.From, per.To, prev.From, prev.To, year.From, year.To)
	if pending > 0 {
		sec.Source += fmt.Sprintf("生成时另有 %s案件的最新变化尚未计入。", scorecard.PendingText(pending))
	}
	return sec, nil
}

func (s *Service) ranking(ctx context.Context, c store.OrgUnit, per bulletinrules.Period) (RankingSection, error) {
	sys := system(c)
	var sec RankingSection
	var words []string
	var sources []string
	for _, level := range []string{scorecard.LevelMediator, scorecard.LevelRoom} {
		lv := RankLevel{Level: level, Label: scorecard.LevelLabel(level), Red: []RankRow{}, Black: []RankRow{}}
		rv, err := s.Scorecard.Ranking(ctx, sys, c.Code, level, per.Month)
		if err != nil {
			return sec, fmt.Errorf("ranking of %s for %s: %w", c.Code, per.Month, err)
		}
		lv.Scheme = rv.Body.SchemeVersion
		if rv.Current != nil {
			lv.Published, lv.Revision = true, rv.Current.Revision
			lv.Note = fmt.Sprintf("%s红黑榜已于 %s 由%s发布（第%d版，评估方案 %s）", lv.Label, rv.Current.Published.In(calendar.Shanghai()).Format("2006-01-02"),
				orSomeone(rv.Current.PublishedBy), rv.Current.Revision, lv.Scheme)
		} else {
			lv.Note = fmt.Sprintf("%s红黑榜本月尚未发布，按当前评估数据计算（评估方案 %s，办结不少于 %d 件方可上榜），以发布版为准", lv.Label, lv.Scheme, rv.Body.MinCases)
		}
		take := func(ps []scorecard.Placed) []RankRow {
			out := []RankRow{}
			for i, p := range ps {
				if i == 10 {
					break
				}
				out = append(out, RankRow{Rank: p.Rank, Name: p.Subject.Name, Total: p.Total, Cases: p.Cases})
			}
			return out
		}
		lv.Red, lv.Black = take(rv.Body.Red), take(rv.Body.Black)
		names := func(rs []RankRow) string {
			if len(rs) == 0 {
				return "无"
			}
			var n []string
			for _, r := range rs {
				n = append(n, r.Name)
			}
			return strings.Join(n, "、")
		}
		words = append(words, fmt.Sprintf("%s红榜：%s；黑榜：%s", lv.Label, names(lv.Red), names(lv.Black)))
		sources = append(sources, lv.Note)
		sec.Levels = append(sec.Levels, lv)
	}
	sec.Summary = strings.Join(words, "。") + "。"
	sec.Source = "数据来源：绩效评估红黑榜。" + strings.Join(sources, "；") + "。"
	return sec, nil
}

func orSomeone(s string) string {
	if s == "" {
		return "调委会"
	}
	return s
}

// hotspots asks the analysis hook when wired, else counts the month's
// received cases per category (the rollups) and per merchant (the counted
// cases) itself.
func (s *Service) hotspots(ctx context.Context, c store.OrgUnit, per bulletinrules.Period) (HotSection, error) {
	var sec HotSection
	var rows []HotRow
	if s.Hotspots != nil {
		got, err := s.Hotspots(ctx, c.Code, per.From.String(), per.To.String())
		if err != nil {
			return sec, fmt.Errorf("hot spots of %s: %w", c.Code, err)
		}
		rows = got
		sec.Source = fmt.Sprintf("数据来源：分析研判·热点分析（%s 至 %s 收到的纠纷，与上月、去年同月比较）。", per.From, per.To)
	} else {
		var err error
		if rows, err = s.ownHotspots(ctx, c, per); err != nil {
			return sec, err
		}
		sec.Source = fmt.Sprintf("数据来源：绩效评估统计中 %s 至 %s 收到的纠纷（以收到投诉之日计，合并的重复投诉不计）；类别按投诉类别，经营者按登记的经营者（未登记的按案件所记名称）；与上月、去年同月同口径比较。", per.From, per.To)
	}
	sec.Merchants, sec.Categories = []HotView{}, []HotView{}
	for _, r := range rows {
		v := HotView{By: r.By, Name: r.Name, Cases: r.Cases, Previous: r.Previous, LastYear: r.LastYear, VsPrev: bulletinrules.Change(float64(r.Cases), float64(r.Previous)), VsLastYear: bulletinrules.Change(float64(r.Cases), float64(r.LastYear))}
		switch r.By {
		case "merchant":
			if len(sec.Merchants) < 10 {
				sec.Merchants = append(sec.Merchants, v)
			}
		case "category":
			if len(sec.Categories) < 10 {
				sec.Categories = append(sec.Categories, v)
			}
		}
	}
	var parts []string
	if len(sec.Categories) > 0 {
		t := sec.Categories[0]
		parts = append(parts, fmt.Sprintf("投诉最多的类别是“%s”（%d件，较上月%s）", t.Name, t.Cases, t.VsPrev))
	}
	if len(sec.Merchants) > 0 {
		t := sec.Merchants[0]
		parts = append(parts, fmt.Sprintf("被投诉最多的经营者是%s（%d件，较上月%s）", t.Name, t.Cases, t.VsPrev))
	}
	if len(parts) == 0 {
		sec.Summary = "本月没有收到纠纷，无热点。"
	} else {
		sec.Summary = "本月" + strings.Join(parts, "；") + "。"
	}
	return sec, nil
}

func (s *Service) ownHotspots(ctx context.Context, c store.OrgUnit, per bulletinrules.Period) ([]HotRow, error) {
	wins := []bulletinrules.Period{per, per.Previous(), per.YearBefore()}
	// Categories from the rollups.
	cats := map[string]*HotRow{}
	var order []string
	for i, w := range wins {
		sums, err := s.Store.EvalSums(ctx, store.EvalQuery{Committees: []int64{c.ID}, From: w.From.String(), To: w.To.String(), GroupBy: "category", Counters: []string{"received"}})
		if err != nil {
			return nil, fmt.Errorf("category sums: %w", err)
		}
		for _, r := range sums {
			n := r.Counters["received"]
			if n == 0 || (i > 0 && cats[r.Key] == nil) {
				continue
			}
			h := cats[r.Key]
			if h == nil {
				name := r.Key
				if name == "" {
					name = "未分类"
				}
				h = &HotRow{By: "category", Name: name}
				cats[r.Key] = h
				order = append(order, r.Key)
			}
			switch i {
			case 0:
				h.Cases = n
			case 1:
				h.Previous = n
			case 2:
				h.LastYear = n
			}
		}
	}
	var out []HotRow
	for _, k := range order {
		out = append(out, *cats[k])
	}
	// Merchants from the counted cases.
	type key struct {
		id   int64
		name string
	}
	keyOf := func(h store.HotCount) key {
		if h.MerchantID != 0 {
			return key{id: h.MerchantID}
		}
		return key{name: h.Name}
	}
	top, err := s.Store.HotMerchants(ctx, c.ID, per.From.String(), per.To.String(), 10)
	if err != nil {
		return nil, err
	}
	ms := map[key]*HotRow{}
	var morder []key
	for _, h := range top {
		k := keyOf(h)
		ms[k] = &HotRow{By: "merchant", Name: h.Name, Cases: h.Cases}
		morder = append(morder, k)
	}
	if len(top) > 0 {
		for i, w := range wins[1:] {
			all, err := s.Store.HotMerchants(ctx, c.ID, w.From.String(), w.To.String(), 0)
			if err != nil {
				return nil, err
			}
			for _, h := range all {
				if m := ms[keyOf(h)]; m != nil {
					if i == 0 {
						m.Previous = h.Cases
					} else {
						m.LastYear = h.Cases
					}
				}
			}
		}
	}
	for _, k := range morder {
		out = append(out, *ms[k])
	}
	slices.SortStableFunc(out, func(a, b HotRow) int {
		if a.By != b.By {
			return strings.Compare(a.By, b.By)
		}
		switch {
		case a.Cases > b.Cases:
			return -1
		case a.Cases < b.Cases:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

func (s *Service) typical(ctx context.Context, c store.OrgUnit, per bulletinrules.Period) (CasesSection, error) {
	sec := CasesSection{Cases: []TypicalRef{}, Source: "数据来源：典型案例库本月发布的案例。"}
	if s.TypicalCases != nil {
		got, err := s.TypicalCases(ctx, c.ID, per.From.String(), per.To.String())
		if err != nil {
			return sec, fmt.Errorf("typical cases of %s: %w", c.Code, err)
		}
		sec.Cases = append(sec.Cases, got...)
	} else {
		sec.Source = "典型案例库尚未接入本通报，本节暂无内容。"
	}
	if len(sec.Cases) == 0 {
		sec.Summary = "本月暂无新发布的典型案例。"
	} else {
		var t []string
		for _, r := range sec.Cases {
			t = append(t, "《"+r.Title+"》")
		}
		sec.Summary = fmt.Sprintf("本月发布典型案例%d件：%s。", len(sec.Cases), strings.Join(t, "、"))
	}
	return sec, nil
}

func (s *Service) warningRules(ctx context.Context) (warning.RuleSet, error) {
	r, err := s.Store.LatestWarningRules(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return warning.Defaults(), nil
	}
	if err != nil {
		return warning.RuleSet{}, fmt.Errorf("load warning rules: %w", err)
	}
	rs, err := warning.Decode(r.Body)
	if err != nil {
		return warning.RuleSet{}, err
	}
	return rs.WithDefaults(), nil
}

func (s *Service) warnings(ctx context.Context, c store.OrgUnit, per bulletinrules.Period) (WarningSection, error) {
	sec := WarningSection{ByLevel: []Count{}, ByRule: []Count{}, Red: []RedWarning{}}
	rs, err := s.warningRules(ctx)
	if err != nil {
		return sec, err
	}
	from := per.From.Time()
	to := per.To.AddDays(1).Time()
	ws, err := s.Store.WarningsRaised(ctx, c.Path, from, to)
	if err != nil {
		return sec, err
	}
	sec.Total = len(ws)
	levels := map[string]int{}
	rules := map[string]int{}
	var ruleOrder []string
	for _, w := range ws {
		levels[w.Level]++
		if rules[w.Rule] == 0 {
			ruleOrder = append(ruleOrder, w.Rule)
		}
		rules[w.Rule]++
		name := w.Rule
		if r, ok := rs.Rule(w.Rule); ok {
			name = r.Name
		}
		if w.Level == string(warning.Red) && len(sec.Red) < 30 {
			sec.Red = append(sec.Red, RedWarning{Rule: name, Subject: strings.TrimSpace(warning.SubjectLabel(w.SubjectKind) + " " + w.SubjectLabel),
				Explain: w.Explain, Day: calendar.DateOf(w.RaisedAt).String(), Status: map[string]string{store.WarningOpen: "待签收", store.WarningAcknowledged: "已签收", store.WarningResolved: "已解除"}[w.Status]})
		}
	}
	var lw []string
	for _, l := range warning.Levels {
		sec.ByLevel = append(sec.ByLevel, Count{Code: string(l), Label: l.Label(), N: levels[string(l)]})
		lw = append(lw, fmt.Sprintf("%s%d条", l.Label(), levels[string(l)]))
	}
	for _, code := range ruleOrder {
		name := code
		if r, ok := rs.Rule(code); ok {
			name = r.Name
		}
		sec.ByRule = append(sec.ByRule, Count{Code: code, Label: name, N: rules[code]})
	}
	slices.SortStableFunc(sec.ByRule, func(a, b Count) int { return b.N - a.N })
	if sec.Total == 0 {
		sec.Summary = "本月没有触发预警。"
	} else {
		sec.Summary = fmt.Sprintf("本月共触发预警%d条，其中%s。", sec.Total, strings.Join(lw, "、"))
	}
	sec.Source = fmt.Sprintf("数据来源：预警记录中 %s 至 %s 触发的预警（以触发时间计，含已解除的），范围为本委及所属工作室。", per.From, per.To)
	return sec, nil
}
