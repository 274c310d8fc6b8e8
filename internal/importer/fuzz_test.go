package importer

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// readFuzz opens data and reads up to 1000 rows, checking the invariants
// every row must keep.
func readFuzz(t *testing.T, data []byte, name string) {
	rd, err := Open(bytes.NewReader(data), int64(len(data)), name)
	if err != nil {
		if err.Error() == "" {
			t.Fatal("empty error message")
		}
		return
	}
	defer rd.Close()
	rd.Now = func() time.Time { return testNow }
	width := len(rd.Header())
	for _, i := range rd.Mapping() {
		if i < 0 || i >= width {
			t.Fatalf("mapping %v outside header of %d", rd.Mapping(), width)
		}
	}
	for range 1000 {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if len(row.Raw) != width || row.Line < 1 {
			t.Fatalf("row line %d has %d cells, header %d", row.Line, len(row.Raw), width)
		}
		if row.Err == "" {
			c := row.Complaint
			if err := c.Validate(testNow); err != nil {
				t.Fatalf("row without Err fails validation: %v", err)
			}
			if !domain.ValidCategory(c.Category) || c.ClaimAmountFen < 0 {
				t.Fatalf("accepted row: %+v", c)
			}
		}
	}
}

// FuzzParseRow feeds arbitrary CSV text (in any encoding) through Open and
// Next: never a panic, and every row either valid or explained.
func FuzzParseRow(f *testing.F) {
	f.Add([]byte(csvText(",", stdHeader, goodRow(1), goodRow(2))))
	f.Add([]byte(csvText("\t", []string{"标题"}, stdHeader, goodRow(3))))
	f.Add(gbk(f, csvText(",", stdHeader, goodRow(1))))
	f.Add([]byte("投诉编号,投诉人,联系电话,被投诉人,经营地址,投诉内容,登记时间,涉及金额,商品类别\nA-1,张三,13800000000,店,地址,\"描述\n很长很长很长\",46083.5,\"1,0\",健身\n"))
	f.Add([]byte("\xEF\xBB\xBF投诉编号,投诉人,联系电话\n\"unterminated"))
	f.Add([]byte("\xFF\xFE\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		readFuzz(t, data, "fuzz.csv")
	})
}

// FuzzXLSXSheet wraps arbitrary worksheet XML into a valid workbook, which
// exercises excelize's row reader and the sheet pre-scan.
func FuzzXLSXSheet(f *testing.F) {
	seed := xlsxFile(f, func(x *excelize.File) {
		setRows(f, x, "Sheet1", []string{"标题"}, stdHeader, goodRow(1), goodRow(2))
		x.MergeCell("Sheet1", "G3", "G4")
		x.SetCellFormula("Sheet1", "M3", "1+1")
	})
	sheet := partOf(f, seed, "xl/worksheets/sheet1.xml")
	f.Add(sheet)
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>99</v></c></row><row r="0"><c r="ZZZZ9"><f>1</f></c></row></sheetData><mergeCells><mergeCell ref="A1:A1048577"/></mergeCells></worksheet>`))
	f.Fuzz(func(t *testing.T, sheetXML []byte) {
		readFuzz(t, replacePart(t, seed, "xl/worksheets/sheet1.xml", sheetXML), "fuzz.xlsx")
	})
}

// FuzzParseValues: the value parsers never panic and keep their contracts.
func FuzzParseValues(f *testing.F) {
	for _, s := range []string{"2026-03-02 09:30", "46083.5", "20260302", "2026年3月2日 9时30分", "¥1,234.50", "-1",
		"0.30000000000000004", "服务—健身", "家政", "商品类", "1e400", "９９９９９９９９９９９９９９"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if tm, err := ParseDate(s); err == nil && tm.Location().String() != "Asia/Shanghai" {
			t.Fatalf("ParseDate(%q) in %v", s, tm.Location())
		}
		if fen, err := ParseAmount(s); err == nil && (fen < 0 || fen > maxAmountFen) {
			t.Fatalf("ParseAmount(%q) = %d", s, fen)
		}
		c := MapCategory(s)
		if MapCategory(c) != c {
			t.Fatalf("MapCategory not idempotent: %q → %q → %q", s, c, MapCategory(c))
		}
		MatchHeader(s)
	})
}

func partOf(t testing.TB, b []byte, name string) []byte {
	t.Helper()
	zr, err := zipReader(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, _ := f.Open()
			defer rc.Close()
			data, _ := io.ReadAll(rc)
			return data
		}
	}
	t.Fatalf("no part %s", name)
	return nil
}

func replacePart(t testing.TB, b []byte, name string, content []byte) []byte {
	t.Helper()
	zr, err := zipReader(b)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	z := newZip(&out)
	for _, f := range zr.File {
		if f.Name == name {
			z.add(name, string(content))
			continue
		}
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		z.add(f.Name, string(data))
	}
	z.close()
	return out.Bytes()
}
