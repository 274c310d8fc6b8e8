package smartmediation_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/domain"
	sm "github.com/tiaojie/tiaojie/internal/smartmediation"
	"github.com/tiaojie/tiaojie/internal/store"
)

func TestBuildCaseFull(t *testing.T) {
	rec := mustBuild(t, fullSource())
	want := map[string][2]string{ // field: got, want
		"format_version":     {rec.FormatVersion, "1.0"},
		"code_system":        {rec.CodeSystem, "tiaojie-v1"},
		"case_code":          {rec.CaseCode, "310115001-2026-000123"},
		"docket_number":      {rec.DocketNumber, "（2026）浦消调字第00123号"},
		"mediation_type":     {nameOf(sm.TableMediationType, rec.MediationType), "书面调解"},
		"committee_code":     {rec.CommitteeCode, "310115001"},
		"room_code":          {rec.RoomCode, "310115001-R03"},
		"mediator_codes":     {strings.Join(rec.MediatorCodes, ","), "M0031,M0032"},
		"accepted_date":      {rec.AcceptedDate, "2026-03-02"}, // Shanghai's day, not UTC's
		"dispute_category":   {nameOf(sm.TableDisputeCategory, rec.DisputeCategory), "合同纠纷"},
		"case_source":        {nameOf(sm.TableCaseSource, rec.CaseSource), "市场监管部门移送"},
		"difficulty":         {nameOf(sm.TableDifficulty, rec.Difficulty), "一般"},
		"result":             {nameOf(sm.TableResult, rec.Result), "调解成功"},
		"performance_manner": {nameOf(sm.TablePerformanceManner, rec.PerformanceManner), "分期履行"},
		"agreement_date":     {rec.AgreementDate, "2026-03-18"},
		"performance_status": {nameOf(sm.TablePerformanceStatus, rec.PerformanceStatus), "部分履行"},
		"mediation_date":     {rec.MediationDate, "2026-03-18"},
	}
	for f, gw := range want {
		if gw[0] != gw[1] {
			t.Errorf("%s = %q, want %q", f, gw[0], gw[1])
		}
	}
	if rec.AmountFen != 120000 || rec.AgreementAmountFen != 100000 {
		t.Errorf("amounts = %d, %d; want claim 120000, agreed 100000", rec.AmountFen, rec.AgreementAmountFen)
	}
	if rec.Satisfied == nil || !*rec.Satisfied {
		t.Errorf("satisfied = %v, want true for a score of 5", rec.Satisfied)
	}
	if rec.PersonsInvolved != 2 {
		t.Errorf("persons_involved = %d, want 2", rec.PersonsInvolved)
	}
	wantContent := "1. 经营者：退还年卡余额，800.00元，银行转账至622************0123，2026-03-25前履行；2. 经营者：退还储物柜押金，200.00元，现场退款，2026-04-10前履行"
	if rec.AgreementContent != wantContent {
		t.Errorf("agreement_content = %q\nwant %q", rec.AgreementContent, wantContent)
	}
	if !strings.Contains(rec.Summary, "138****5678") || strings.Contains(rec.Summary, "13812345678") {
		t.Errorf("summary must carry the phone masked only: %q", rec.Summary)
	}
	if !strings.HasSuffix(rec.Summary, "\n诉求：退还预付卡余额1200元") {
		t.Errorf("summary should end with the claim: %q", rec.Summary)
	}
	wantParties := []sm.PartyRecord{ // applicant first, though the store listed the merchant first
		{Role: codeOf(sm.TablePartyRole, "consumer"), Kind: codeOf(sm.TablePartyKind, "person"), Name: "张三", PhoneMasked: "138****5678"},
		{Role: codeOf(sm.TablePartyRole, "merchant"), Kind: codeOf(sm.TablePartyKind, "legal"), Name: "上海某某健身有限公司",
			PhoneMasked: "021-****1234", CreditCode: "91310115MA1H7XQ314"},
	}
	if !slices.Equal(rec.Parties, wantParties) {
		t.Errorf("parties = %+v\nwant %+v", rec.Parties, wantParties)
	}
}

func TestBuildCaseMinimal(t *testing.T) {
	rec := mustBuild(t, minimalSource())
	if rec.CaseCode != "310115001-2026-000001" || rec.AcceptedDate != "2026-01-05" {
		t.Errorf("code, accepted = %q, %q", rec.CaseCode, rec.AcceptedDate)
	}
	if got := nameOf(sm.TableResult, rec.Result); got != "调解中" {
		t.Errorf("result = %s, want 调解中", got)
	}
	if got := nameOf(sm.TableCaseSource, rec.CaseSource); got != "当事人申请" {
		t.Errorf("case_source = %s, want 当事人申请", got)
	}
	if rec.RoomCode != "" || rec.MediatorCodes == nil || len(rec.MediatorCodes) != 0 {
		t.Errorf("room %q, mediators %#v: want none, as an empty list", rec.RoomCode, rec.MediatorCodes)
	}
	for f, v := range map[string]string{"agreement_content": rec.AgreementContent, "performance_manner": rec.PerformanceManner,
		"agreement_date": rec.AgreementDate, "performance_status": rec.PerformanceStatus, "mediation_date": rec.MediationDate} {
		if v != "" {
			t.Errorf("%s = %q, want empty for an open case", f, v)
		}
	}
	if rec.Satisfied != nil || rec.AgreementAmountFen != 0 || rec.Parties[0].PhoneMasked != "" {
		t.Errorf("satisfied %v, agreed %d, phone %q: want none", rec.Satisfied, rec.AgreementAmountFen, rec.Parties[0].PhoneMasked)
	}
	if err := rec.Validate(sm.DefaultCodes()); err != nil {
		t.Errorf("a built record validates: %v", err)
	}
}

// Every status of ours either has a result or is deliberately not sent.
func TestBuildCaseEveryStatus(t *testing.T) {
	want := map[domain.Status]string{
		domain.StatusReceived: "", domain.StatusRejected: "",
		domain.StatusAccepted: "调解中", domain.StatusODRNegotiating: "调解中", domain.StatusConsenting: "调解中",
		domain.StatusAssigned: "调解中", domain.StatusMediating: "调解中", domain.StatusSuspended: "调解中",
		domain.StatusAgreed: "调解成功", domain.StatusPerforming: "调解成功", domain.StatusFollowedUp: "调解成功",
		domain.StatusTerminated: "调解不成功", domain.StatusWithdrawn: "申请人撤回", domain.StatusArchived: "调解成功",
	}
	for _, s := range domain.Statuses {
		w, ok := want[s]
		if !ok {
			t.Errorf("status %s has no expected result: decide how it is reported", s)
			continue
		}
		src := fullSource()
		src.Case.Status = s
		if w != "调解成功" {
			src.Agreement = nil
		}
		rec, err := sm.BuildCase(src)
		if w == "" {
			if !errors.Is(err, sm.ErrNotReportable) {
				t.Errorf("%s: err = %v, want ErrNotReportable", s, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if got := nameOf(sm.TableResult, rec.Result); got != w {
			t.Errorf("%s: result %s, want %s", s, got, w)
		}
	}
}

func TestBuildCaseClosings(t *testing.T) {
	tests := []struct {
		name   string
		change func(*sm.CaseSource)
		want   string // result name; "" not reportable
	}{
		{"terminated with a mediator", func(s *sm.CaseSource) { s.Case.Status = domain.StatusTerminated }, "调解不成功"},
		{"terminated before a mediator", func(s *sm.CaseSource) {
			s.Case.Status, s.Case.PresidingID, s.MediatorCodes = domain.StatusTerminated, 0, nil
		}, "终止调解"},
		{"withdrawn", func(s *sm.CaseSource) { s.Case.Status = domain.StatusWithdrawn }, "申请人撤回"},
		{"odr settled", func(s *sm.CaseSource) { s.Case.Status, s.ODRSettled = domain.StatusWithdrawn, true }, "当事人自行和解"},
		{"merged", func(s *sm.CaseSource) { s.Case.Status, s.Case.MergedInto = domain.StatusWithdrawn, 9 }, ""},
		{"archived merged", func(s *sm.CaseSource) { s.Case.Status, s.Case.MergedInto = domain.StatusArchived, 9 }, ""},
		{"archived terminated", func(s *sm.CaseSource) { s.Case.Status, s.Case.ReasonCode = domain.StatusArchived, "no_agreement" }, "调解不成功"},
		{"archived rejected", func(s *sm.CaseSource) { s.Case.Status, s.Case.ReasonCode = domain.StatusArchived, "not_consumer" }, ""},
		{"archived odr settled", func(s *sm.CaseSource) { s.Case.Status, s.ODRSettled = domain.StatusArchived, true }, "当事人自行和解"},
		{"archived withdrawn", func(s *sm.CaseSource) { s.Case.Status = domain.StatusArchived }, "申请人撤回"},
		{"archived agreed", func(s *sm.CaseSource) { s.Case.Status = domain.StatusArchived }, "调解成功"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fullSource()
			if tt.want != "调解成功" {
				src.Agreement = nil
			}
			tt.change(&src)
			rec, err := sm.BuildCase(src)
			if tt.want == "" {
				if !errors.Is(err, sm.ErrNotReportable) {
					t.Fatalf("err = %v, want ErrNotReportable", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := nameOf(sm.TableResult, rec.Result); got != tt.want {
				t.Errorf("result %s, want %s", got, tt.want)
			}
			if tt.want == "调解不成功" && rec.MediationDate != "2026-03-18" {
				t.Errorf("mediation_date = %q, want the last session's", rec.MediationDate)
			}
		})
	}
}

func TestBuildCaseDerivations(t *testing.T) {
	tests := []struct {
		name   string
		change func(*sm.CaseSource)
		table  string
		get    func(sm.CaseRecord) string
		want   string
	}{
		{"group is complex", func(s *sm.CaseSource) { s.Case.GroupID = 4 }, sm.TableDifficulty, diff, "疑难复杂"},
		{"large claim is complex", func(s *sm.CaseSource) { s.Case.ClaimFen = sm.ComplexFen }, sm.TableDifficulty, diff, "疑难复杂"},
		{"just below is normal", func(s *sm.CaseSource) { s.Case.ClaimFen = sm.ComplexFen - 1 }, sm.TableDifficulty, diff, "一般"},
		{"oral is simple", func(s *sm.CaseSource) { s.Agreement.Kind = "oral" }, sm.TableDifficulty, diff, "简易"},
		{"override", func(s *sm.CaseSource) { s.Difficulty = sm.DifficultyComplex }, sm.TableDifficulty, diff, "疑难复杂"},
		{"oral type", func(s *sm.CaseSource) { s.Agreement.Kind = "oral" }, sm.TableMediationType,
			func(r sm.CaseRecord) string { return r.MediationType }, "口头调解"},
		{"same day is immediate", func(s *sm.CaseSource) {
			s.Agreement.Terms[0].Deadline, s.Agreement.Terms[1].Deadline = "2026-03-18", "2026-03-18"
		}, sm.TablePerformanceManner, manner, "即时履行"},
		{"one later date", func(s *sm.CaseSource) { s.Agreement.Terms[1].Deadline = "2026-03-25" }, sm.TablePerformanceManner, manner, "限期履行"},
		{"all performed", func(s *sm.CaseSource) { s.Agreement.Terms[1].PerformedAt = "2026-03-30" }, sm.TablePerformanceStatus, perf, "已履行"},
		{"none performed, one overdue", func(s *sm.CaseSource) { s.Agreement.Terms[0].PerformedAt = "" }, sm.TablePerformanceStatus, perf, "未履行"},
		{"none performed, none due", func(s *sm.CaseSource) {
			s.Agreement.Terms[0].PerformedAt, s.AsOf = "", at("2026-03-25 23:00")
		}, sm.TablePerformanceStatus, perf, "履行期限未届满"},
		{"pending signatures: reached day", func(s *sm.CaseSource) { s.Agreement.EffectiveAt = nil; s.Case.Status = domain.StatusAgreed },
			"", func(r sm.CaseRecord) string { return r.AgreementDate }, "2026-03-18"},
		{"no session: agreement day", func(s *sm.CaseSource) {
			s.MediatedAt, s.Agreement.EffectiveAt = nil, ptr(at("2026-03-19 12:00"))
		}, "", func(r sm.CaseRecord) string { return r.MediationDate }, "2026-03-19"},
		{"score 4 satisfied", func(s *sm.CaseSource) { s.Satisfaction = 4 }, "", satisfied, "true"},
		{"score 3 not satisfied", func(s *sm.CaseSource) { s.Satisfaction = 3 }, "", satisfied, "false"},
		{"no follow-up", func(s *sm.CaseSource) { s.Satisfaction = 0 }, "", satisfied, "nil"},
		{"group size", func(s *sm.CaseSource) { s.PersonsInvolved = 40 }, "", func(r sm.CaseRecord) string {
			return strings.Repeat("x", r.PersonsInvolved)
		}, strings.Repeat("x", 40)},
		{"sole trader", func(s *sm.CaseSource) { s.Case.Parties[0].CreditCode = "92310115ma1k4b7c2q" }, sm.TablePartyKind,
			func(r sm.CaseRecord) string { return r.Parties[1].Kind }, "个体工商户"},
		{"full phone stored by mistake", func(s *sm.CaseSource) { s.Case.Parties[1].PhoneMask = "13812345678" }, "",
			func(r sm.CaseRecord) string { return r.Parties[0].PhoneMasked }, "138****5678"},
		{"consumer credit code dropped", func(s *sm.CaseSource) { s.Case.Parties[1].CreditCode = "91310115MA1H7XQ314" }, "",
			func(r sm.CaseRecord) string { return r.Parties[0].CreditCode }, ""},
		{"travel", func(s *sm.CaseSource) { s.Case.Category = "服务-旅游" }, sm.TableDisputeCategory, cat, "旅游纠纷"},
		{"online shopping", func(s *sm.CaseSource) { s.Case.Category = "服务-网络购物" }, sm.TableDisputeCategory, cat, "电子商务纠纷"},
		{"court", func(s *sm.CaseSource) { s.Case.Channel = domain.ChannelCourt }, sm.TableCaseSource,
			func(r sm.CaseRecord) string { return r.CaseSource }, "人民法院委派"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fullSource()
			tt.change(&src)
			got := tt.get(mustBuild(t, src))
			if tt.table != "" {
				got = nameOf(tt.table, got)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func diff(r sm.CaseRecord) string   { return r.Difficulty }
func manner(r sm.CaseRecord) string { return r.PerformanceManner }
func perf(r sm.CaseRecord) string   { return r.PerformanceStatus }
func cat(r sm.CaseRecord) string    { return r.DisputeCategory }
func satisfied(r sm.CaseRecord) string {
	if r.Satisfied == nil {
		return "nil"
	}
	return map[bool]string{true: "true", false: "false"}[*r.Satisfied]
}

func TestBuildCaseTruncatesLongText(t *testing.T) {
	src := fullSource()
	src.Case.Description, src.Case.Claim = strings.Repeat("停业", sm.MaxSummary), ""
	rec := mustBuild(t, src)
	if n := utf8.RuneCountInString(rec.Summary); n != sm.MaxSummary || !strings.HasSuffix(rec.Summary, "…") {
		t.Errorf("summary has %d characters ending %q; want %d ending with …", n, rec.Summary[len(rec.Summary)-6:], sm.MaxSummary)
	}
}

func TestBuildCaseRefusals(t *testing.T) {
	tests := []struct {
		name   string
		change func(*sm.CaseSource)
		field  string
		msg    string
	}{
		{"unknown category", func(s *sm.CaseSource) { s.Case.Category = "服务-算命" }, "dispute_category", "纠纷类别：本平台的“服务-算命”没有对应代码"},
		{"unknown channel", func(s *sm.CaseSource) { s.Case.Channel = "fax" }, "case_source", "案件来源：本平台的“fax”没有对应代码"},
		{"unknown party kind", func(s *sm.CaseSource) { s.Case.Parties[0].Kind = "witness" }, "parties.1.role", "当事人类型：本平台的“witness”没有对应代码"},
		{"agreed without agreement", func(s *sm.CaseSource) { s.Agreement = nil }, "agreement_content", "协议内容：案件已达成协议，但没有找到调解协议"},
		{"no committee code", func(s *sm.CaseSource) { s.CommitteeCode = "" }, "committee_code", "调委会编码：必填"},
		{"no acceptance date", func(s *sm.CaseSource) { s.Case.AcceptedAt = nil }, "accepted_date", "受理日期：必填"},
		{"no description", func(s *sm.CaseSource) { s.Case.Description, s.Case.Claim = " ", "" }, "summary", "纠纷简要情况：必填"},
		{"one side only", func(s *sm.CaseSource) { s.Case.Parties = s.Case.Parties[1:] }, "parties", "当事人：至少须有一名被申请人"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fullSource()
			tt.change(&src)
			_, err := sm.BuildCase(src)
			var ve *sm.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			if !slices.Contains(ve.Fields, sm.FieldError{Field: tt.field, Message: tt.msg}) {
				t.Errorf("fields = %+v, want %s: %s", ve.Fields, tt.field, tt.msg)
			}
		})
	}
	if _, err := sm.BuildCase(sm.CaseSource{Case: store.Case{Status: domain.StatusAccepted}}); err == nil || errors.Is(err, sm.ErrNotReportable) {
		t.Errorf("a source without AsOf is a programming error, got %v", err)
	}
	src := fullSource()
	src.Case.Status = "lost"
	if _, err := sm.BuildCase(src); err == nil {
		t.Error("an unknown status must not be reported")
	}
}

func TestCaseCode(t *testing.T) {
	for _, tt := range []struct {
		committee string
		year      int
		seq       int64
		want      string
	}{
		{"310115001", 2026, 123, "310115001-2026-000123"},
		{"pd", 2026, 1234567, "pd-2026-1234567"},
		{"", 2026, 1, ""}, {"pd", 0, 1, ""}, {"pd", 2026, 0, ""},
	} {
		if got := sm.CaseCode(tt.committee, tt.year, tt.seq); got != tt.want {
			t.Errorf("CaseCode(%q, %d, %d) = %q, want %q", tt.committee, tt.year, tt.seq, got, tt.want)
		}
	}
}

func TestBuildOrgAndMediator(t *testing.T) {
	committee, err := sm.BuildOrg(sm.OrgSource{Unit: store.OrgUnit{Kind: domain.OrgCommittee, Code: "pd-committee", Name: "浦东新区消费纠纷人民调解委员会"},
		Code: "310115001", Address: "浦东新区某路1号，电话021-58881234"})
	if err != nil {
		t.Fatal(err)
	}
	if committee.Code != "310115001" || nameOf(sm.TableOrgType, committee.Type) != "人民调解委员会" || committee.Address != "浦东新区某路1号，电话021-****1234" {
		t.Errorf("committee = %+v", committee)
	}
	room, err := sm.BuildOrg(sm.OrgSource{Unit: store.OrgUnit{Kind: domain.OrgEnterpriseRoom, Code: "pd-room-mall", Name: "某商场人民调解工作室"},
		ParentCode: "310115001"})
	if err != nil || room.Code != "pd-room-mall" || nameOf(sm.TableOrgType, room.Type) != "人民调解工作室" {
		t.Errorf("room = %+v, %v", room, err)
	}
	if _, err := sm.BuildOrg(sm.OrgSource{Unit: store.OrgUnit{Kind: domain.OrgOfficeRoom, Code: "r", Name: "某工作室"}}); err == nil {
		t.Error("a room without its committee must be refused")
	}
	if _, err := sm.BuildOrg(sm.OrgSource{Unit: store.OrgUnit{Kind: domain.OrgCourt, Code: "court", Name: "法院"}}); err == nil {
		t.Error("a court is not sent")
	}
	m, err := sm.BuildMediator(sm.MediatorSource{User: store.User{Username: "13812345678", DisplayName: "王五", Active: true},
		Code: "M0031", CommitteeCode: "310115001", FullTime: true})
	if err != nil || m.Code != "M0031" || m.Name != "王五" || nameOf(sm.TableEmployment, m.Employment) != "专职" || !m.Active {
		t.Errorf("mediator = %+v, %v", m, err)
	}
	if _, err := sm.BuildMediator(sm.MediatorSource{User: store.User{Username: "13812345678", DisplayName: "王五"}, CommitteeCode: "310115001"}); err == nil {
		t.Error("a mediator without a code must be refused (the username is never used)")
	}
}
