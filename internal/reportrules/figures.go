package reportrules

import (
	"fmt"
	"math"
)

// Outcomes are the closing outcomes a report lists, in its order, with
// their rollup counters (out_<code>) and labels.
var Outcomes = []struct{ Code, Label string }{
	{"agreed", "调解成功"}, {"not_agreed", "调解不成"}, {"withdrawn", "撤回"}, {"terminated", "终止调解"},
	{"rejected", "不予受理"}, {"odr_settled", "企业协商和解"}, {"merged", "合并重复投诉"},
}

// Counts are the figures a report takes from the evaluation rollups over
// its span (each a rollup counter of the same name, see FromTally).
type Counts struct {
	Received      int64            `json:"received"`
	Accepted      int64            `json:"accepted"`
	Rejected      int64            `json:"rejected"`
	Closed        int64            `json:"closed"`     // every outcome, merged duplicates included
	ByOutcome     map[string]int64 `json:"by_outcome"` // outcome code → cases closed with it
	AgreedOral    int64            `json:"agreed_oral"`
	AgreedWritten int64            `json:"agreed_written"`
	AgreedFen     int64            `json:"agreed_fen"`
	RecoveredFen  int64            `json:"recovered_fen"`
	Commendations int64            `json:"commendations"` // banners, letters and other thanks
}

// FromTally reads the counts from a rollup tally (counter → sum over the span).
func FromTally(t map[string]int64) Counts {
	c := Counts{Received: t["received"], Accepted: t["accepted"], Rejected: t["out_rejected"], ByOutcome: map[string]int64{},
		AgreedOral: t["agreed_oral"], AgreedWritten: t["agreed_written"], AgreedFen: t["agreed_fen"], RecoveredFen: t["recovered_fen"],
		Commendations: t["banners"] + t["letters"] + t["thanks_other"]}
	for _, o := range Outcomes {
		n := t["out_"+o.Code]
		c.ByOutcome[o.Code] = n
		c.Closed += n
	}
	return c
}

// Add adds o into c (a summary's sum of its dailies).
func (c *Counts) Add(o Counts) {
	c.Received += o.Received
	c.Accepted += o.Accepted
	c.Rejected += o.Rejected
	c.Closed += o.Closed
	if c.ByOutcome == nil {
		c.ByOutcome = map[string]int64{}
	}
	for k, v := range o.ByOutcome {
		c.ByOutcome[k] += v
	}
	c.AgreedOral += o.AgreedOral
	c.AgreedWritten += o.AgreedWritten
	c.AgreedFen += o.AgreedFen
	c.RecoveredFen += o.RecoveredFen
	c.Commendations += o.Commendations
}

// Line is one figure of a report or summary, for display and export.
type Line struct {
	Code  string
	Label string
	Value int64
	Money bool // Value is fen, shown in yuan
}

// Lines lays the counts out in the report's order.
func (c Counts) Lines() []Line {
	out := []Line{
		{Code: "received", Label: "收到投诉", Value: c.Received},
		{Code: "accepted", Label: "受理", Value: c.Accepted},
		{Code: "rejected", Label: "不予受理", Value: c.Rejected},
		{Code: "closed", Label: "办结（合计）", Value: c.Closed},
	}
	for _, o := range Outcomes {
		out = append(out, Line{Code: "out_" + o.Code, Label: "　其中" + o.Label, Value: c.ByOutcome[o.Code]})
	}
	return append(out,
		Line{Code: "agreed_oral", Label: "口头协议", Value: c.AgreedOral},
		Line{Code: "agreed_written", Label: "书面协议", Value: c.AgreedWritten},
		Line{Code: "agreed_fen", Label: "协议金额", Value: c.AgreedFen, Money: true},
		Line{Code: "recovered_fen", Label: "挽回经济损失", Value: c.RecoveredFen, Money: true},
		Line{Code: "commendations", Label: "锦旗、感谢信", Value: c.Commendations},
	)
}

// Yuan formats fen as yuan with two decimals.
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// Show formats a line's value with its unit.
func (l Line) Show() string {
	if l.Money {
		return Yuan(l.Value) + " 元"
	}
	return fmt.Sprintf("%d 件", l.Value)
}

// Trend compares a figure with the previous period's: "+3（+25.0%）",
// "持平", or "上期为 0" when there is nothing to compare with.
func Trend(now, prev int64) string {
	d := now - prev
	switch {
	case d == 0:
		return "持平"
	case prev == 0:
		return fmt.Sprintf("%+d（上期为 0）", d)
	}
	pct := math.Round(float64(d)*1000/float64(prev)) / 10
	return fmt.Sprintf("%+d（%+.1f%%）", d, pct)
}

// Rate is n of d as a percentage with one decimal ("—" when d is 0).
func Rate(n, d int) string {
	if d == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", math.Round(float64(n)*1000/float64(d))/10)
}
