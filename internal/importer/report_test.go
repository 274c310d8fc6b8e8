package importer

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestReportOfFailedRows(t *testing.T) {
	bad1 := goodRow(2)
	bad1[4] = "12345"
	bad2 := goodRow(3)
	bad2[2], bad2[3] = "2026-13-45", ""
	bad2[11] = "=HYPERLINK(\"http://x\")\x01" // formula-looking text and a control character
	b := xlsxFile(t, func(f *excelize.File) {
		setRows(t, f, "Sheet1", []string{"导出标题"}, stdHeader, goodRow(1), bad1, bad2)
	})
	rd := mustOpen(t, "r.xlsx", b)
	rw, err := NewReportWriter(rd.Header())
	if err != nil {
		t.Fatal(err)
	}
	var failed []Row
	for _, r := range readAll(t, rd) {
		if r.Err != "" {
			failed = append(failed, r)
			if err := rw.Add(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(failed) != 2 || rw.Rows() != 2 {
		t.Fatalf("failed = %d", len(failed))
	}
	var out bytes.Buffer
	n, err := rw.WriteTo(&out)
	if err != nil || n != int64(out.Len()) {
		t.Fatalf("WriteTo: %d %v", n, err)
	}
	if err := rw.Add(failed[0]); err == nil {
		t.Error("Add after WriteTo must fail")
	}

	f, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != "导入失败明细" {
		t.Fatalf("sheets = %q", sheets)
	}
	rows, err := f.GetRows("导入失败明细")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("report rows = %d", len(rows))
	}
	wantHeader := append(append([]string{}, stdHeader...), "失败原因")
	if strings.Join(rows[0], "|") != strings.Join(wantHeader, "|") {
		t.Errorf("header = %q", rows[0])
	}
	for i, r := range rows[1:] {
		for j := range stdHeader {
			want := failed[i].Raw[j]
			if j == 11 && i == 1 {
				want = strings.ReplaceAll(want, "\x01", "")
			}
			got := ""
			if j < len(r) {
				got = r[j]
			}
			if got != want {
				t.Errorf("report row %d col %d = %q, want %q", i+2, j+1, got, want)
			}
		}
		if r[len(stdHeader)] != failed[i].Err {
			t.Errorf("reason = %q, want %q", r[len(stdHeader)], failed[i].Err)
		}
	}
	// The control character in 诉求 is refused, not silently dropped (input hygiene).
	if !strings.Contains(rows[1][13], "手机号码") || !strings.Contains(rows[2][13], "登记时间“2026-13-45”无法识别") ||
		!strings.Contains(rows[2][13], "诉求含有无法识别的字符") {
		t.Errorf("reasons: %q / %q", rows[1][13], rows[2][13])
	}
	// Cell text stays text: nothing becomes a formula, numbers stay as typed.
	if fm, _ := f.GetCellFormula("导入失败明细", "L3"); fm != "" {
		t.Errorf("text became a formula: %q", fm)
	}
	if typ, _ := f.GetCellType("导入失败明细", "E2"); typ == excelize.CellTypeNumber {
		t.Error("phone written as a number")
	}

	// The report can itself be imported again (the reason column is ignored).
	var again bytes.Buffer
	rw2, _ := NewReportWriter(rd.Header())
	rw2.Add(failed[0])
	rw2.WriteTo(&again)
	rd2 := mustOpen(t, "again.xlsx", again.Bytes())
	if rows := readAll(t, rd2); len(rows) != 1 || rows[0].Err != failed[0].Err {
		t.Errorf("re-import: %+v", rows)
	}
}

func TestReportEmptyAndClose(t *testing.T) {
	rw, err := NewReportWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := rw.Add(Row{Raw: []string{"x"}, Err: "原因"}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := rw.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(ReportSheet)
	f.Close()
	if len(rows) != 2 || rows[0][0] != "失败原因" || rows[1][0] != "原因" {
		t.Errorf("rows = %q", rows)
	}
	rw, _ = NewReportWriter([]string{"a"})
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := rw.WriteTo(&out); err == nil {
		t.Error("WriteTo after Close must fail")
	}
}

func TestReportCellCleaning(t *testing.T) {
	long := strings.Repeat("长", maxCellChars+100)
	rw, err := NewReportWriter([]string{"投诉内容", "其他"})
	if err != nil {
		t.Fatal(err)
	}
	if err := rw.Add(Row{Raw: []string{long, "a\x00b\xffc"}, Err: "原因"}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := rw.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(ReportSheet)
	if len(rows) != 2 || len([]rune(rows[1][0])) != maxCellChars || rows[1][1] != "ab\uFFFDc" || rows[1][2] != "原因" {
		t.Errorf("row = %d runes, %q, %q", len([]rune(rows[1][0])), rows[1][1], rows[1][2])
	}
}
