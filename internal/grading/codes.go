// Package grading holds the pure rules of the mediator corps (队伍): the
// registry's code lists, the corps profile computed from registry rows and
// the grade rules (等级评定) evaluated from a mediator's figures. No I/O.
package grading

// Code is one entry of a code list: what is stored and what is shown.
type Code struct {
	Code  string
	Label string
}

// The registry's code lists, as data. Order is display order.
var (
	Kinds = []Code{{"full_time", "专职"}, {"part_time", "兼职"}}
	Sexes = []Code{{"male", "男"}, {"female", "女"}}
	// Educations from highest; the first three are 本科及以上.
	Educations = []Code{{"doctor", "博士研究生"}, {"master", "硕士研究生"}, {"bachelor", "大学本科"},
		{"college", "大学专科"}, {"high_school", "高中及以下"}}
	// Employments: a 公务员 or 事业编制 mediator is paid by their post and
	// earns no case subsidy.
	Employments = []Code{{"civil_servant", "公务员"}, {"public_institution", "事业编制"},
		{"contract", "社会聘用"}, {"rehired_retiree", "退休返聘"}, {"other", "其他"}}
	// Grades from lowest to highest (一级 is highest).
	Grades = []Code{{GradeNone, "无等级"}, {"4", "四级"}, {"3", "三级"}, {"2", "二级"}, {"1", "一级"}}
)

// GradeNone is the grade of a mediator never graded.
const GradeNone = "none"

// Label finds a code's label in a list ("" when unknown).
func Label(list []Code, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Label
		}
	}
	return ""
}

// Known reports whether code is in the list.
func Known(list []Code, code string) bool { return Label(list, code) != "" }

// GradeRank orders grades: 0 for 无等级 up to 4 for 一级; -1 when unknown.
func GradeRank(g string) int {
	for i, c := range Grades {
		if c.Code == g {
			return i
		}
	}
	return -1
}

// BachelorOrAbove reports whether an education code counts as 本科及以上.
func BachelorOrAbove(edu string) bool {
	return edu == "doctor" || edu == "master" || edu == "bachelor"
}

// SubsidyEligible reports whether a mediator of this employment may be paid
// the case subsidy: not a civil servant nor on a public-institution post.
func SubsidyEligible(employment string) bool {
	return employment != "civil_servant" && employment != "public_institution"
}
