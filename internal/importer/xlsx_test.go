package importer

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

func TestXLSXTitleRowAboveHeader(t *testing.T) {
	b := xlsxFile(t, func(f *excelize.File) {
		setRows(t, f, "Sheet1",
			[]string{"2026年3月2日 12315投诉导出（浦东新区）"},
			[]string{"导出人：张科长", "", "导出时间：2026-03-03"},
			stdHeader, goodRow(1), goodRow(2), make([]string, len(stdHeader)), goodRow(3))
		f.MergeCell("Sheet1", "A1", "M1")
	})
	rd := mustOpen(t, "export.xlsx", b)
	if got := rd.Header(); strings.Join(got, "|") != strings.Join(stdHeader, "|") {
		t.Fatalf("header = %q", got)
	}
	m := rd.Mapping()
	if m[FieldExternalID] != 1 || m[FieldClaimAmount] != 12 || m[FieldCategory] != 9 || len(m) != 12 {
		t.Errorf("mapping = %v", m)
	}
	rows := readAll(t, rd)
	if len(rows) != 3 {
		t.Fatalf("rows = %d, want 3 (the empty row is skipped)", len(rows))
	}
	if rows[0].Line != 4 || rows[1].Line != 5 || rows[2].Line != 7 {
		t.Errorf("lines = %d %d %d", rows[0].Line, rows[1].Line, rows[2].Line)
	}
	r := rows[0]
	if r.Err != "" {
		t.Fatalf("row 1 error: %s", r.Err)
	}
	c := r.Complaint
	want := time.Date(2026, 3, 2, 9, 30, 0, 0, calendar.Shanghai())
	if c.ExternalID != "C20260302000001" || c.ComplainantName != "张三1" || c.Phone != "13800000001" ||
		c.MerchantName != "上海某某健身有限公司" || c.CreditCode != testCredit || c.Category != "服务-健身" ||
		c.ClaimAmountFen != 123450 || c.Channel != "12315" || c.ReceivedAt == nil || !c.ReceivedAt.Equal(want) ||
		c.Claim != "退还剩余会员费" || !strings.HasPrefix(c.Description, "办卡后") {
		t.Errorf("complaint = %+v", c)
	}
	if len(r.Raw) != len(stdHeader) || r.Raw[12] != "1,234.50" || r.Raw[9] != "健身" {
		t.Errorf("raw = %q", r.Raw)
	}
	if _, err := rd.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next after EOF = %v, want io.EOF again", err)
	}
}

func TestXLSXAliasesOddSpacingFullWidth(t *testing.T) {
	header := []string{"工单编号", " 受理 时间 ", "消费者姓名", "手机号码：", "被投诉单位", "经营地址",
		"问题描述", "投诉诉求", "金额（元）", "商品／服务类别", "备注"}
	row := []string{"GD-0001", "2026/3/2", "李四", "+86 139 1234 5678", "某家电商场", "上海市黄浦区南京东路1号",
		"买的冰箱不制冷，多次维修无果", "换货", "￥2,999", "家用电器", "加急"}
	b := xlsxFile(t, func(f *excelize.File) { setRows(t, f, "Sheet1", header, row) })
	rd := mustOpen(t, "a.xlsx", b)
	m := rd.Mapping()
	if len(m) != 10 || m[FieldReceivedAt] != 1 || m[FieldPhone] != 3 || m[FieldCategory] != 9 {
		t.Fatalf("mapping = %v", m)
	}
	rows := readAll(t, rd)
	if len(rows) != 1 || rows[0].Err != "" {
		t.Fatalf("rows = %+v", rows)
	}
	c := rows[0].Complaint
	if c.Phone != "13912345678" || c.ClaimAmountFen != 299900 || c.Category != "商品-家用电器" ||
		c.MerchantAddress == "" || c.CreditCode != "" || c.ReceivedAt.Hour() != 0 {
		t.Errorf("complaint = %+v", c)
	}
}

func TestXLSXMissingHeaders(t *testing.T) {
	// Three known names make it the header row, but required ones are missing.
	b := xlsxFile(t, func(f *excelize.File) {
		setRows(t, f, "Sheet1", []string{"投诉编号", "投诉人", "投诉内容", "备注"}, []string{"A1", "张三", "内容内容内容内容内容", ""})
	})
	_, err := open(t, "m.xlsx", b)
	var he *HeaderError
	if !errors.As(err, &he) {
		t.Fatalf("err = %v, want *HeaderError", err)
	}
	if he.NotFound || len(he.Missing) != 4 {
		t.Errorf("missing = %v", he.Missing)
	}
	wantErrContains(t, err, "缺少必需的列：", "联系电话（可用列名：联系电话、投诉人电话、手机号码",
		"被投诉人（可用列名：被投诉人、经营者名称、被投诉单位", "统一社会信用代码或经营者地址（至少一列",
		"被投诉单位地址）")
	if strings.Contains(err.Error(), "投诉编号（") {
		t.Errorf("present column listed: %v", err)
	}

	// Wrong headers altogether: no header row is found, all required columns are listed.
	b = xlsxFile(t, func(f *excelize.File) {
		setRows(t, f, "Sheet1", []string{"姓名", "电话", "商家", "内容"}, []string{"张三", "13800000000", "某店", "内容"})
	})
	_, err = open(t, "w.xlsx", b)
	if !errors.As(err, &he) || !he.NotFound {
		t.Fatalf("err = %v", err)
	}
	wantErrContains(t, err, "未找到表头", "投诉编号（可用列名：投诉编号、工单编号、投诉单号", "投诉人（可用列名", "投诉内容（可用列名")
}

func TestXLSXDatesAllFormatsAndTypedCells(t *testing.T) {
	sh := calendar.Shanghai()
	texts := []string{"2026-03-02", "2026/3/2", "2026-03-02 09:30", "2026-03-02 09:30:00", "2026年3月2日",
		"2026年3月2日 9:30", "20260302", "46083", "46083.5"}
	b := xlsxFile(t, func(f *excelize.File) {
		setRows(t, f, "Sheet1", stdHeader)
		for i, s := range texts {
			r := goodRow(i + 1)
			r[2] = s
			vals := make([]any, len(r))
			for j, v := range r {
				vals[j] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			f.SetSheetRow("Sheet1", cell, &vals)
		}
		// Real date-typed cells: a time.Time value (serial + date style), a
		// numeric serial with a custom format, and a date-only value.
		n := len(texts) + 2
		for k, v := range []any{time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC), 46083.75, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)} {
			r := goodRow(100 + k)
			vals := make([]any, len(r))
			for j, s := range r {
				vals[j] = s
			}
			vals[2] = v
			cell, _ := excelize.CoordinatesToCellName(1, n+k)
			f.SetSheetRow("Sheet1", cell, &vals)
		}
		style, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy\"年\"m\"月\"d\"日\" hh:mm")})
		f.SetCellStyle("Sheet1", "C"+strconv.Itoa(n+1), "C"+strconv.Itoa(n+1), style)
	})
	rows := readAll(t, mustOpen(t, "d.xlsx", b))
	want := []time.Time{
		time.Date(2026, 3, 2, 0, 0, 0, 0, sh), time.Date(2026, 3, 2, 0, 0, 0, 0, sh),
		time.Date(2026, 3, 2, 9, 30, 0, 0, sh), time.Date(2026, 3, 2, 9, 30, 0, 0, sh),
		time.Date(2026, 3, 2, 0, 0, 0, 0, sh), time.Date(2026, 3, 2, 9, 30, 0, 0, sh),
		time.Date(2026, 3, 2, 0, 0, 0, 0, sh), time.Date(2026, 3, 2, 0, 0, 0, 0, sh),
		time.Date(2026, 3, 2, 12, 0, 0, 0, sh),
		time.Date(2026, 3, 2, 9, 30, 0, 0, sh), time.Date(2026, 3, 2, 18, 0, 0, 0, sh),
		time.Date(2026, 3, 1, 0, 0, 0, 0, sh),
	}
	if len(rows) != len(want) {
		t.Fatalf("rows = %d", len(rows))
	}
	for i, r := range rows {
		if r.Err != "" || r.Complaint.ReceivedAt == nil || !r.Complaint.ReceivedAt.Equal(want[i]) {
			t.Errorf("row %d (%q): %v err=%q, want %v", r.Line, r.Raw[2], r.Complaint.ReceivedAt, r.Err, want[i])
		}
	}
}

func TestXLSXDate1904(t *testing.T) {
	b := xlsxFile(t, func(f *excelize.File) {
		f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: ptr(true)})
		r := goodRow(1)
		r[2] = "44621.375" // 2026-03-02 09:00 in the 1904 system
		setRows(t, f, "Sheet1", stdHeader, r)
	})
	rows := readAll(t, mustOpen(t, "1904.xlsx", b))
	want := time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Shanghai())
	if len(rows) != 1 || rows[0].Err != "" || !rows[0].Complaint.ReceivedAt.Equal(want) {
		t.Fatalf("rows = %+v", rows)
	}
}

func TestXLSXBadValuesAndValidation(t *testing.T) {
	bad := goodRow(1)
	bad[2] = "2026-13-45"
	bad[12] = "abc"
	invalid := goodRow(2)
	invalid[3], invalid[4], invalid[10], invalid[7], invalid[8] = "", "12345", "太短", "", ""
	neg := goodRow(3)
	neg[12], neg[9] = "-100", "火星特产"
	future := goodRow(4)
	future[2] = "2026-04-01"
	b := xlsxFile(t, func(f *excelize.File) { setRows(t, f, "Sheet1", stdHeader, bad, invalid, neg, future, goodRow(5)) })
	rows := readAll(t, mustOpen(t, "v.xlsx", b))
	if len(rows) != 5 {
		t.Fatalf("rows = %d", len(rows))
	}
	checks := []struct {
		line int
		want []string
	}{
		{2, []string{"登记时间“2026-13-45”无法识别", "涉及金额“abc”无法识别"}},
		{3, []string{"请填写投诉人姓名", "手机号", "请填写经营者统一社会信用代码或经营地址（至少一项）", "不少于10个字"}},
		{4, []string{"涉及金额“-100”不能为负数", "商品类别“火星特产”不在商品或服务分类中"}},
		{5, []string{"登记时间不能晚于当前时间"}},
	}
	for i, c := range checks {
		r := rows[i]
		if r.Line != c.line {
			t.Errorf("row %d line = %d", i, r.Line)
		}
		for _, w := range c.want {
			if !strings.Contains(r.Err, w) {
				t.Errorf("line %d: Err %q lacks %q", r.Line, r.Err, w)
			}
		}
	}
	if strings.Count(rows[0].Err, "；") != 1 {
		t.Errorf("reasons are joined with ；: %q", rows[0].Err)
	}
	if strings.Contains(rows[2].Err, "请选择商品或服务类别") {
		t.Errorf("category reported twice: %q", rows[2].Err)
	}
	if rows[4].Err != "" {
		t.Errorf("valid row: %q", rows[4].Err)
	}
}

func TestXLSXNumericCells(t *testing.T) {
	// Phones, ID numbers and amounts typed as numbers.
	b := xlsxFile(t, func(f *excelize.File) {
		setRows(t, f, "Sheet1", stdHeader, goodRow(1), goodRow(2))
		r := goodRow(1)
		vals := make([]any, len(r))
		for j, s := range r {
			vals[j] = s
		}
		vals[4] = 13812345678
		vals[12] = 0.1 + 0.2 // 0.30000000000000004 in the file
		f.SetSheetRow("Sheet1", "A2", &vals)
	})
	// As Excel stores numbers too long for 15 digits, and a phone in
	// exponent form that is still exact.
	b = rewriteCells(t, b, map[string]string{
		"F3": `<c r="F3"><v>3.1010119900101101E+17</v></c>`,
		"E3": `<c r="E3"><v>1.3812345679E+10</v></c>`,
	})
	rows := readAll(t, mustOpen(t, "n.xlsx", b))
	c := rows[0].Complaint
	if c.Phone != "13812345678" || c.ClaimAmountFen != 30 || rows[0].Err != "" {
		t.Errorf("complaint = %+v, err %q", c, rows[0].Err)
	}
	if rows[1].Complaint.Phone != "13812345679" {
		t.Errorf("exponent phone: %q", rows[1].Complaint.Phone)
	}
	if rows[1].Err != "证件号码“3.1010119900101101E+17”被 Excel 存成了数字，末几位已丢失，请将该列设为文本格式后重新导出" {
		t.Errorf("rounded ID number must be reported: %q", rows[1].Err)
	}
}

func TestXLSXFormulas(t *testing.T) {
	b := xlsxFile(t, func(f *excelize.File) {
		setRows(t, f, "Sheet1", stdHeader, goodRow(1), goodRow(2), goodRow(3), goodRow(4))
	})
	// Cells as Excel writes them: row 2's amount is a formula with its
	// cached value, row 3's name a formula never calculated (no <v>), row 4's
	// amount a formula whose cached value is an error.
	b = rewriteCells(t, b, map[string]string{
		"M2": `<c r="M2"><f>1000+234.5</f><v>1234.5</v></c>`,
		"D3": `<c r="D3" t="str"><f>CONCATENATE("张","三")</f></c>`,
		"M4": `<c r="M4" t="e"><f>1/0</f><v>#DIV/0!</v></c>`,
	})
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	fm, _ := f.GetCellFormula("Sheet1", "D3")
	f.Close()
	if fm == "" {
		t.Fatal("test file lacks the formula")
	}
	rows := readAll(t, mustOpen(t, "f.xlsx", b))
	if len(rows) != 4 {
		t.Fatalf("rows = %d", len(rows))
	}
	if rows[0].Err != "" || rows[0].Complaint.ClaimAmountFen != 123450 {
		t.Errorf("cached value of a formula: %d (err %q)", rows[0].Complaint.ClaimAmountFen, rows[0].Err)
	}
	if rows[1].Err != "投诉人是公式但文件中没有保存计算结果，请在 Excel 中打开并保存后再导入" {
		t.Errorf("formula without value: %q", rows[1].Err)
	}
	if rows[2].Err != "涉及金额的公式计算出错（#DIV/0!）" {
		t.Errorf("formula error value: %q", rows[2].Err)
	}
	if rows[3].Err != "" {
		t.Errorf("plain row: %q", rows[3].Err)
	}
}

func TestXLSXMergedCells(t *testing.T) {
	b := xlsxFile(t, func(f *excelize.File) {
		r2, r3, r4 := goodRow(1), goodRow(2), goodRow(3)
		r3[6], r4[6] = "", "" // merchant merged down from row 2
		r3[11] = ""           // K3:L3 merged sideways: the description must not spill into the claim
		setRows(t, f, "Sheet1", stdHeader, r2, r3, r4)
		f.MergeCell("Sheet1", "G2", "G4")
		f.MergeCell("Sheet1", "K3", "L3")
	})
	rows := readAll(t, mustOpen(t, "merged.xlsx", b))
	if len(rows) != 3 {
		t.Fatalf("rows = %d", len(rows))
	}
	for _, r := range rows {
		if r.Err != "" || r.Complaint.MerchantName != "上海某某健身有限公司" {
			t.Errorf("line %d: merchant %q err %q", r.Line, r.Complaint.MerchantName, r.Err)
		}
	}
	if rows[1].Raw[6] != "" {
		t.Errorf("Raw keeps the original (empty) cell: %q", rows[1].Raw[6])
	}
	if rows[1].Complaint.Claim != "" {
		t.Errorf("horizontal merges are not copied sideways: %q", rows[1].Complaint.Claim)
	}
}

func TestXLSXEmptyAndHeaderOnly(t *testing.T) {
	empty := xlsxFile(t, func(f *excelize.File) {})
	_, err := open(t, "empty.xlsx", empty)
	if err == nil || err.Error() != "表格为空" {
		t.Errorf("empty workbook: %v", err)
	}
	// Sheets that hold only formatting are still empty.
	blank := xlsxFile(t, func(f *excelize.File) {
		f.NewSheet("第二页")
		f.SetCellValue("Sheet1", "C5", "")
		f.SetRowHeight("Sheet1", 3, 30)
	})
	if _, err := open(t, "blank.xlsx", blank); err == nil || err.Error() != "表格为空" {
		t.Errorf("blank workbook: %v", err)
	}
	headerOnly := xlsxFile(t, func(f *excelize.File) { setRows(t, f, "Sheet1", stdHeader) })
	rd := mustOpen(t, "h.xlsx", headerOnly)
	if rows := readAll(t, rd); len(rows) != 0 {
		t.Errorf("rows = %d", len(rows))
	}
}

func TestXLSXFirstSheetEmptySecondHasData(t *testing.T) {
	b := xlsxFile(t, func(f *excelize.File) {
		f.NewSheet("数据")
		f.NewSheet("说明")
		setRows(t, f, "数据", []string{"标题"}, stdHeader, goodRow(1))
		setRows(t, f, "说明", []string{"本表由系统导出"})
	})
	rd := mustOpen(t, "two.xlsx", b)
	rows := readAll(t, rd)
	if len(rows) != 1 || rows[0].Err != "" || rows[0].Line != 3 {
		t.Fatalf("rows = %+v", rows)
	}
	// A first sheet with text but no header is passed over as well.
	b = xlsxFile(t, func(f *excelize.File) {
		f.NewSheet("数据")
		setRows(t, f, "Sheet1", []string{"说明：第二页是数据"})
		setRows(t, f, "数据", stdHeader, goodRow(1), goodRow(2))
	})
	if rows := readAll(t, mustOpen(t, "two2.xlsx", b)); len(rows) != 2 {
		t.Fatalf("rows = %d", len(rows))
	}
	// No sheet has a header: the first non-empty sheet's problem is told.
	b = xlsxFile(t, func(f *excelize.File) {
		f.NewSheet("二")
		setRows(t, f, "二", []string{"随便写点什么"})
	})
	_, err := open(t, "none.xlsx", b)
	var he *HeaderError
	if !errors.As(err, &he) || !he.NotFound {
		t.Errorf("err = %v", err)
	}
}

func TestXLSXRowWiderAndNarrowerThanHeader(t *testing.T) {
	long := append(goodRow(1), "多出来的", "列")
	short := goodRow(2)[:11] // no claim and amount cells
	b := xlsxFile(t, func(f *excelize.File) { setRows(t, f, "Sheet1", stdHeader, long, short) })
	rows := readAll(t, mustOpen(t, "w.xlsx", b))
	for _, r := range rows {
		if len(r.Raw) != len(stdHeader) || r.Err != "" {
			t.Errorf("line %d: %d cells, err %q", r.Line, len(r.Raw), r.Err)
		}
	}
}

func TestMalformedZip(t *testing.T) {
	junk := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0x42}, 1000)...)
	if _, err := open(t, "j.xlsx", junk); err == nil || err.Error() != "不是有效的 .xlsx 或 .csv 文件" {
		t.Errorf("zip junk: %v", err)
	}
	// A real zip that is not a workbook.
	var buf bytes.Buffer
	zw := newZip(&buf)
	zw.add("hello.txt", "hi")
	zw.close()
	if _, err := open(t, "z.xlsx", buf.Bytes()); err == nil || err.Error() != "不是有效的 .xlsx 或 .csv 文件" {
		t.Errorf("zip without workbook: %v", err)
	}
	// A truncated workbook.
	b := xlsxFile(t, func(f *excelize.File) { setRows(t, f, "Sheet1", stdHeader, goodRow(1)) })
	if _, err := open(t, "t.xlsx", b[:len(b)/2]); err == nil {
		t.Error("truncated workbook opened")
	}
	// Old .xls (OLE compound file).
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)
	_, err := open(t, "old.xls", ole)
	wantErrContains(t, err, ".xls", "另存为 .xlsx")
}

func ptr[T any](v T) *T { return &v }

// TestZipBombs: a workbook declaring a huge part is refused before anything
// is unpacked; one whose part inflates past its declared size fails cleanly.
func TestZipBombs(t *testing.T) {
	seed := xlsxFile(t, func(f *excelize.File) { setRows(t, f, "Sheet1", stdHeader, goodRow(1)) })
	zeros := bytes.Repeat([]byte{'0'}, 200<<20)
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestSpeed)
	fw.Write(zeros)
	fw.Close()
	crc := crc32.ChecksumIEEE(zeros)
	build := func(declared uint64) []byte {
		zr, _ := zipReader(seed)
		var out bytes.Buffer
		zw := zip.NewWriter(&out)
		for _, f := range zr.File {
			if f.Name == "xl/worksheets/sheet1.xml" {
				w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc,
					CompressedSize64: uint64(deflated.Len()), UncompressedSize64: declared})
				if err != nil {
					t.Fatal(err)
				}
				w.Write(deflated.Bytes())
				continue
			}
			w, _ := zw.Create(f.Name)
			rc, _ := f.Open()
			io.Copy(w, rc)
			rc.Close()
		}
		zw.Close()
		return out.Bytes()
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := open(t, "bomb.xlsx", build(3<<30))
	wantErrContains(t, err, "文件解压后过大")
	_, err = open(t, "liar.xlsx", build(1000))
	wantErrContains(t, err, "文件已损坏")
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("allocated %d MB on zip bombs", grew>>20)
	}
}

// TestNoTemporaryFilesLeft: reading a workbook, and writing a report, leave
// nothing in the temporary directory after Close / WriteTo.
func TestNoTemporaryFilesLeft(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	b := xlsxFile(t, func(f *excelize.File) { setRows(t, f, "Sheet1", stdHeader, goodRow(1), goodRow(2)) })
	rd, err := Open(bytes.NewReader(b), int64(len(b)), "x.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	rd.Now = func() time.Time { return testNow }
	rw, _ := NewReportWriter(rd.Header())
	for {
		row, err := rd.Next()
		if err != nil {
			break
		}
		rw.Add(row)
	}
	rd.Close()
	rw.WriteTo(io.Discard)
	// An open that fails must not leave files either.
	Open(bytes.NewReader(b[:len(b)-10]), int64(len(b)-10), "bad.xlsx")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}

// TestDamagedPart: a worksheet whose compressed data is damaged must fail
// the file, not silently lose rows (excelize alone ignores such errors).
func TestDamagedPart(t *testing.T) {
	rows := [][]string{stdHeader}
	for i := range 200 {
		rows = append(rows, goodRow(i))
	}
	b := xlsxFile(t, func(f *excelize.File) { setRows(t, f, "Sheet1", rows...) })
	zr, _ := zipReader(b)
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" && f.Name != "xl/sharedStrings.xml" {
			continue
		}
		off, err := f.DataOffset()
		if err != nil {
			t.Fatal(err)
		}
		bad := bytes.Clone(b)
		bad[off+int64(f.CompressedSize64)/2] ^= 0xFF
		_, err = open(t, "damaged.xlsx", bad)
		wantErrContains(t, err, "文件已损坏")
	}
}
