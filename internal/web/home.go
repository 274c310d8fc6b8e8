package web

import (
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// roleNote says, for a role whose home is this page, what the account can do
// on the platform today and what it cannot, in plain words.
type roleNote struct {
	Role  domain.Role
	Title string
	Can   []string
	Links []homeLink
	Not   string // what the role does not see, so nobody looks for it
}

type homeLink struct{ Href, Label string }

// homeNotes are the statements of the roles that land on the home page.
var homeNotes = []roleNote{
	{Role: domain.RoleJustice, Title: "司法行政（监督）",
		Can:   []string{"查看本区调委会全部案件及其办理期限、办理记录（只读）", "按工作室、状态、期限筛选案件，导出案件清单（个人信息已脱敏）", "查看组织机构和调解工作室设置"},
		Links: []homeLink{{"/cases", "全部案件"}, {"/cases?due=overdue", "已超期案件"}, {"/cases?due=soon", "临期案件"}, {"/org", "组织机构"}},
		Not:   "司法行政账号不能受理、指派或办理案件；这些操作由调委会和调解员完成。"},
	{Role: domain.RoleRegulator, Title: "市场监管",
		Can:   []string{"登记投诉、导入12315投诉，跟踪分流给调解的投诉的办理结果", "接收调解员移送的违法线索"},
		Links: []homeLink{{"/cases", "分流的投诉"}, {"/leads", "违法线索"}, {"/import", "12315导入"}, {"/org", "组织机构"}}},
	{Role: domain.RoleAnalyst, Title: "统计分析",
		Can:   []string{"查看组织机构：调委会、各调解工作室及其辖区、服务企业"},
		Links: []homeLink{{"/org", "组织机构"}},
		Not:   "平台目前没有统计报表页面，统计分析账号也不能查看案件明细。需要案件数据时，请司法行政或调委会按筛选条件导出案件清单（个人信息已脱敏）。"},
	{Role: domain.RoleAuditor, Title: "安全审计",
		Can:   []string{"本账号与系统管理员、安全管理员分设（三员分立），查询、核验并导出审计日志（Excel、CSV，导出本身也记入审计日志）。"},
		Links: []homeLink{{"/audit", "审计日志"}},
		Not:   "审计账号不能查看案件内容，也不能管理用户或设置。"},
	{Role: domain.RoleSecurityAdmin, Title: "安全管理员",
		Can:   []string{"审批角色授权申请，撤销用户的角色", "申请授予系统管理员、安全审计员、安全管理员角色（须系统管理员审批）"},
		Links: []homeLink{{"/grants", "角色授权审批"}},
		Not:   "安全管理员不能查看案件内容或审计日志。"},
	{Role: domain.RoleExpert, Title: "专家咨询",
		Can:   []string{"阅读调解员发给您的咨询问题并答复", "经双方当事人同意后参与在线调解"},
		Links: []homeLink{{"/consultations", "我的咨询"}},
		Not:   "专家只能看到调解员在咨询中提供的情况，看不到当事人的个人信息。"},
	{Role: domain.RoleCourt, Title: "法院",
		Can:   []string{"接收并处理司法确认申请，下载申请材料", "委派诉前调解案件并查看办理情况"},
		Links: []homeLink{{"/court", "司法确认申请"}, {"/cases", "委派的案件"}}},
	{Role: domain.RoleAdmin, Title: "系统管理员",
		Can:   []string{"维护组织机构、用户、接口密钥；申请授予业务角色（须他人审批后生效）", "维护工作日历和期限规则", "查看短信发件箱（验证码和当事人链接已隐去）"},
		Links: []homeLink{{"/org", "组织机构"}, {"/admin/users", "用户"}, {"/admin/grants", "角色授权"}, {"/admin/keys", "接口密钥"}, {"/admin/calendar", "工作日历"}, {"/admin/policies", "期限规则"}, {"/admin/outbox", "短信发件箱"}},
		Not:   "系统管理员不能查看案件内容、当事人信息和审计日志，也不能独自授予角色。"},
}

// homeData picks the notes of the roles the user holds.
func homeData(p *auth.Principal) []roleNote {
	var out []roleNote
	for _, n := range homeNotes {
		if p.Has(n.Role) {
			out = append(out, n)
		}
	}
	return out
}
