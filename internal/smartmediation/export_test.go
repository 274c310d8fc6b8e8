package smartmediation_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	sm "github.com/tiaojie/tiaojie/internal/smartmediation"
)

func TestWriteXLSX(t *testing.T) {
	full, minimal := mustBuild(t, fullSource()), mustBuild(t, minimalSource())
	var buf bytes.Buffer
	if err := sm.WriteXLSX(&buf, []sm.CaseRecord{full, minimal}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the export does not open: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{sm.SheetCases, sm.SheetParties, sm.SheetCodes}) {
		t.Errorf("sheets = %v", got)
	}
	cases, err := f.GetRows(sm.SheetCases)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 3 || !slices.Equal(cases[0], sm.CaseHeader) {
		t.Fatalf("case rows = %d, header %v", len(cases), cases[0])
	}
	col := func(row []string, name string) string {
		i := slices.Index(sm.CaseHeader, name)
		if i < 0 {
			t.Fatalf("no column %s", name)
		}
		if i >= len(row) {
			return ""
		}
		return row[i]
	}
	for name, want := range map[string]string{
		"案件编码": "310115001-2026-000123", "案号": "（2026）浦消调字第00123号", "调解类型": "书面调解",
		"调解员编码": "M0031,M0032", "受理日期": "2026-03-02", "纠纷类别": "合同纠纷", "案件来源": "市场监管部门移送",
		"案件难度级别": "一般", "调解结果": "调解成功", "履行方式": "分期履行", "涉案金额（元）": "1,200.00",
		"协议金额（元）": "1,000.00", "协议日期": "2026-03-18", "协议履行情况": "部分履行", "是否满意": "是", "涉及人数": "2",
		"纠纷简要情况": full.Summary, "协议内容": full.AgreementContent,
	} {
		if got := col(cases[1], name); got != want {
			t.Errorf("full case %s = %q, want %q", name, got, want)
		}
	}
	for name, want := range map[string]string{
		"案件编码": "310115001-2026-000001", "调解结果": "调解中", "案件来源": "当事人申请", "涉案金额（元）": "0.00",
		"协议金额（元）": "", "协议日期": "", "是否满意": "", "调解员编码": "",
	} {
		if got := col(cases[2], name); got != want {
			t.Errorf("minimal case %s = %q, want %q", name, got, want)
		}
	}
	// Amounts are numbers, so a district can sum them.
	if v, err := f.GetCellValue(sm.SheetCases, "O2", excelize.Options{RawCellValue: true}); err != nil || v != "1200" {
		t.Errorf("raw amount = %q, %v; want the number 1200", v, err)
	}
	parties, err := f.GetRows(sm.SheetParties)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		sm.PartyHeader,
		{"310115001-2026-000123", "（2026）浦消调字第00123号", "1", "申请人", "自然人", "张三", "138****5678"},
		{"310115001-2026-000123", "（2026）浦消调字第00123号", "2", "被申请人", "法人", "上海某某健身有限公司", "021-****1234", "91310115MA1H7XQ314"},
		{"310115001-2026-000001", "（2026）浦消调字第00001号", "1", "申请人", "自然人", "李四"},
		{"310115001-2026-000001", "（2026）浦消调字第00001号", "2", "被申请人", "法人", "某电器店"},
	}
	if len(parties) != len(want) {
		t.Fatalf("party rows = %v", parties)
	}
	for i := range want {
		if !slices.Equal(parties[i], want[i]) {
			t.Errorf("party row %d = %v, want %v", i, parties[i], want[i])
		}
	}
	codes, err := f.GetRows(sm.SheetCodes)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(codes, func(r []string) bool { return slices.Equal(r, []string{"纠纷类别", "04", "合同纠纷"}) }) ||
		!slices.ContainsFunc(codes, func(r []string) bool { return slices.Equal(r, []string{"代码体系", "tiaojie-v1"}) }) {
		t.Errorf("code sheet lacks the tables or the system: %v", codes[:3])
	}
}

func TestWriteXLSXEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := sm.WriteXLSX(&buf, nil, sm.DefaultCodes()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(sm.SheetCases)
	if len(rows) != 1 || !slices.Equal(rows[0], sm.CaseHeader) {
		t.Errorf("an empty export has only its header, got %v", rows)
	}
}
