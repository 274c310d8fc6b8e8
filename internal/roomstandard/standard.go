// Package roomstandard holds the rules of Pudong's district standard for
// mediation rooms (标准引领) as data: its seven parts and their checklist
// items with points, how an inspection is scored, and when a room qualifies
// as a 示范工作室. It is pure: the standards capability loads and stores.
package roomstandard

import (
	"fmt"
	"math"
	"slices"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// Item results.
const (
	Pass    = "pass"    // 符合
	Partial = "partial" // 部分符合: half the points
	Fail    = "fail"    // 不符合
)

// Results lists the results in display order.
var Results = []string{Pass, Partial, Fail}

// ResultLabel names a result in Chinese ("" for an unknown one).
func ResultLabel(r string) string {
	return map[string]string{Pass: "符合", Partial: "部分符合", Fail: "不符合"}[r]
}

// Item is one checklist line.
type Item struct {
	Code   string // stable within a version, e.g. "A1"
	Text   string
	Points int
}

// Part is one of the standard's seven parts.
type Part struct {
	Code  string
	Name  string
	Items []Item
}

// Standard is one version of the district standard.
type Standard struct {
	Version string
	Name    string
	Parts   []Part
}

// Possible is the standard's full score.
func (s Standard) Possible() int {
	n := 0
	for _, p := range s.Parts {
		for _, it := range p.Items {
			n += it.Points
		}
	}
	return n
}

// Item finds an item by code.
func (s Standard) Item(code string) (Item, Part, bool) {
	for _, p := range s.Parts {
		for _, it := range p.Items {
			if it.Code == code {
				return it, p, true
			}
		}
	}
	return Item{}, Part{}, false
}

// DefaultVersion is the version new inspections use.
const DefaultVersion = "PD-2024"

// standards are the known versions; inspections keep theirs, so an old
// inspection still reads against the text it was scored by.
var standards = map[string]Standard{
	DefaultVersion: {Version: DefaultVersion, Name: "浦东新区消费纠纷人民调解工作室建设规范（2024版）", Parts: []Part{
		{Code: "A", Name: "基本要求", Items: []Item{
			{"A1", "工作室名称、标识统一规范，在显著位置悬挂人民调解标识", 4},
			{"A2", "经调委会批准设立，有设立文件并报司法行政机关备案", 4},
			{"A3", "公开调解员姓名、照片、调解范围和联系方式", 4},
			{"A4", "人民调解不收取任何费用的告知醒目公开", 3},
		}},
		{Code: "B", Name: "工作流程", Items: []Item{
			{"B1", "受理、调解、结案、回访各环节按规定时限办理并登记", 6},
			{"B2", "告知当事人权利义务，取得双方自愿调解的确认", 5},
			{"B3", "调解协议文书格式规范，一案一卷归档", 5},
			{"B4", "不适宜调解的纠纷及时分流并告知其他救济途径", 4},
		}},
		{Code: "C", Name: "人员配置", Items: []Item{
			{"C1", "至少配备专职调解员1名，人员与工作量相适应", 5},
			{"C2", "调解员经岗前培训，年度培训学时达标", 5},
			{"C3", "调解员持证上岗、着装规范、佩戴工作牌", 4},
		}},
		{Code: "D", Name: "运行管理", Items: []Item{
			{"D1", "执行日报、例会、预警、培训、联络五项工作制度", 6},
			{"D2", "值班排班表公开，工作时间有人在岗", 4},
			{"D3", "台账、统计数据真实完整，按时报送", 5},
			{"D4", "回访满意度测评和投诉处理机制健全", 4},
		}},
		{Code: "E", Name: "安全管理", Items: []Item{
			{"E1", "当事人个人信息和案卷保密，档案柜加锁", 5},
			{"E2", "制定群体性纠纷和突发事件应急预案", 4},
			{"E3", "消防器材配备有效，安全通道畅通", 3},
		}},
		{Code: "F", Name: "环境设施", Items: []Item{
			{"F1", "独立调解室，面积不少于15平方米，布局庄重", 4},
			{"F2", "设接待等候区，有饮水、座椅等便民设施", 3},
			{"F3", "无障碍通行，适老化便利措施到位", 3},
		}},
		{Code: "G", Name: "设备配置", Items: []Item{
			{"G1", "配备电脑、打印机、高拍仪等办公设备并正常使用", 4},
			{"G2", "接入在线调解平台，具备视频调解条件", 4},
			{"G3", "配备录音录像设备，调解过程依规记录", 2},
		}},
	}},
}

// Lookup returns a version of the standard.
func Lookup(version string) (Standard, bool) {
	s, ok := standards[version]
	return s, ok
}

// Default is the standard new inspections use.
func Default() Standard { return standards[DefaultVersion] }

// Versions lists the known versions.
func Versions() []string {
	out := make([]string, 0, len(standards))
	for v := range standards {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// PartScore is one part's points.
type PartScore struct {
	Code, Name             string
	EarnedX10, PossibleX10 int
}

// Score is an inspection's points: ×10 so a half point stays an integer.
type Score struct {
	EarnedX10, PossibleX10 int
	Parts                  []PartScore
}

// Percent is the score out of 100, to one decimal.
func (s Score) Percent() float64 { return Percent(s.EarnedX10, s.PossibleX10) }

// Percent is earned out of possible, scaled to 100, to one decimal.
func Percent(earnedX10, possibleX10 int) float64 {
	if possibleX10 == 0 {
		return 0
	}
	return math.Round(float64(earnedX10)*1000/float64(possibleX10)) / 10
}

// Evaluate scores every item's result against the standard. Every item
// must have a known result and no unknown item may appear; the errors name
// the items in Chinese.
func Evaluate(s Standard, results map[string]string) (Score, []*domain.FieldError) {
	var errs []*domain.FieldError
	for code := range results {
		if _, _, ok := s.Item(code); !ok {
			errs = append(errs, &domain.FieldError{Field: "item_" + code, Message: fmt.Sprintf("检查项“%s”不在《%s》中", code, s.Name)})
		}
	}
	var sc Score
	for _, p := range s.Parts {
		ps := PartScore{Code: p.Code, Name: p.Name}
		for _, it := range p.Items {
			ps.PossibleX10 += it.Points * 10
			switch r := results[it.Code]; r {
			case Pass:
				ps.EarnedX10 += it.Points * 10
			case Partial:
				ps.EarnedX10 += it.Points * 5
			case Fail:
			case "":
				errs = append(errs, &domain.FieldError{Field: "item_" + it.Code, Message: fmt.Sprintf("请填写检查项 %s（%s·%s）的结果", it.Code, p.Name, it.Text)})
			default:
				errs = append(errs, &domain.FieldError{Field: "item_" + it.Code, Message: fmt.Sprintf("检查项 %s 的结果“%s”无效：应为符合、部分符合或不符合", it.Code, r)})
			}
		}
		sc.EarnedX10 += ps.EarnedX10
		sc.PossibleX10 += ps.PossibleX10
		sc.Parts = append(sc.Parts, ps)
	}
	slices.SortFunc(errs, func(a, b *domain.FieldError) int { return cmpStr(a.Field, b.Field) })
	if len(errs) > 0 {
		return Score{}, errs
	}
	return sc, nil
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
