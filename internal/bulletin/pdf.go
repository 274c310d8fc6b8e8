package bulletin

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/document"
)

var numerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// paragraphs are the bulletin's printed text: each section's heading, its
// text, its figures line by line and where they come from; then the
// committee's remarks.
func paragraphs(v View) []string {
	c := v.Content
	var out []string
	if v.Revision > 1 {
		out = append(out, fmt.Sprintf("本通报为第%d版，更正此前发布的版本。更正理由：%s", v.Revision, v.Reason))
	}
	for i, s := range v.Sections {
		out = append(out, numerals[i]+"、"+s.Heading, s.Text)
		switch s.Code {
		case "headline":
			for _, l := range c.Headline.Lines {
				out = append(out, fmt.Sprintf("%s：本月%s；上月%s（%s）；去年同月%s（%s）。口径：%s。", l.Name, l.Text, l.PrevText, l.VsPrev, l.YearText, l.VsLastYear, l.Explain))
			}
			out = append(out, c.Headline.Source)
		case "ranking":
			for _, lv := range c.Ranking.Levels {
				out = append(out, fmt.Sprintf("%s红榜：%s。", lv.Label, rankNames(lv.Red)), fmt.Sprintf("%s黑榜：%s。", lv.Label, rankNames(lv.Black)))
			}
			out = append(out, c.Ranking.Source)
		case "hotspots":
			if len(c.Hotspots.Categories) > 0 {
				out = append(out, "按类别："+hotList(c.Hotspots.Categories)+"。")
			}
			if len(c.Hotspots.Merchants) > 0 {
				out = append(out, "按经营者："+hotList(c.Hotspots.Merchants)+"。")
			}
			out = append(out, c.Hotspots.Source)
		case "cases":
			for _, r := range c.Cases.Cases {
				line := "《" + r.Title + "》"
				if r.Category != "" {
					line += "（" + r.Category + "）"
				}
				out = append(out, line)
			}
			out = append(out, c.Cases.Source)
		case "warnings":
			var lv, ru []string
			for _, x := range c.Warnings.ByLevel {
				lv = append(lv, fmt.Sprintf("%s%d条", x.Label, x.N))
			}
			for _, x := range c.Warnings.ByRule {
				ru = append(ru, fmt.Sprintf("%s%d条", x.Label, x.N))
			}
			out = append(out, fmt.Sprintf("按级别：%s。", strings.Join(lv, "、")))
			if len(ru) > 0 {
				out = append(out, fmt.Sprintf("按规则：%s。", strings.Join(ru, "、")))
			}
			for _, r := range c.Warnings.Red {
				out = append(out, fmt.Sprintf("红色预警：%s，%s，%s（%s触发，%s）。", r.Rule, r.Subject, r.Explain, r.Day, r.Status))
			}
			out = append(out, c.Warnings.Source)
		}
	}
	remarks := strings.TrimSpace(v.Remarks)
	if remarks == "" {
		remarks = "请各合作单位结合本通报做好消费纠纷的联动化解工作。"
	}
	out = append(out, numerals[len(v.Sections)]+"、调委会意见")
	out = append(out, strings.Split(remarks, "\n")...)
	return out
}

func rankNames(rs []RankRow) string {
	if len(rs) == 0 {
		return "无"
	}
	var n []string
	for _, r := range rs {
		n = append(n, fmt.Sprintf("第%d名%s（%.1f分，%d件）", r.Rank, r.Name, r.Total, r.Cases))
	}
	return strings.Join(n, "、")
}

func hotList(hs []HotView) string {
	var n []string
	for _, h := range hs {
		n = append(n, fmt.Sprintf("%s %d件（较上月%s，较去年同月%s）", h.Name, h.Cases, h.VsPrev, h.VsLastYear))
	}
	return strings.Join(n, "；")
}

// plainText is the bulletin as text, kept as the briefing's body.
func plainText(v View) string { return strings.Join(paragraphs(v), "\n") }

// renderPDF draws the bulletin as the committee's A4 document.
func renderPDF(v View, recipients []string, at time.Time) ([]byte, error) {
	var buf bytes.Buffer
	number := fmt.Sprintf("%s 第%d版", v.Content.Label, v.Revision)
	err := document.WriteNotice(&buf, document.Notice{Title: v.Title, Number: number, Addressee: strings.Join(recipients, "、") + "：",
		Paragraphs: paragraphs(v), Issuer: v.Committee.Name, Date: at,
		Footer: fmt.Sprintf("通报期间：%s至%s。本通报送：%s。", v.Content.From, v.Content.To, strings.Join(recipients, "、"))})
	return buf.Bytes(), err
}
