package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// testNow is the clock rows are validated against in tests.
var testNow = time.Date(2026, 3, 10, 12, 0, 0, 0, calendar.Shanghai())

var testCredit = domain.GenerateCreditCode("91310115MA1K4ABC1")

// stdHeader is a typical export header.
var stdHeader = []string{"序号", "投诉编号", "登记时间", "投诉人", "联系电话", "证件号码", "被投诉人",
	"统一社会信用代码", "经营者地址", "商品类别", "投诉内容", "诉求", "涉及金额"}

// goodRow is a valid data row for stdHeader.
func goodRow(i int) []string {
	return []string{
		fmt.Sprint(i), fmt.Sprintf("C2026030200%04d", i), "2026-03-02 09:30", "张三" + fmt.Sprint(i%10),
		fmt.Sprintf("138%08d", i), "", "上海某某健身有限公司", testCredit, "上海市浦东新区世纪大道100号",
		"健身", "办卡后健身房关门，要求退还剩余的会员费用", "退还剩余会员费", "1,234.50",
	}
}

// xlsxFile builds a workbook with excelize and returns its bytes.
func xlsxFile(t testing.TB, build func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// setRows writes rows into a sheet starting at row 1.
func setRows(t testing.TB, f *excelize.File, sheet string, rows ...[]string) {
	t.Helper()
	for i, r := range rows {
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			t.Fatal(err)
		}
	}
}

// writeTemp stores b under t.TempDir() (files on disk, like an upload) and
// returns the open file.
func writeTemp(t testing.TB, name string, b []byte) *os.File {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// open opens bytes as an uploaded file written to disk.
func open(t testing.TB, name string, b []byte) (*Reader, error) {
	t.Helper()
	f := writeTemp(t, name, b)
	rd, err := Open(f, int64(len(b)), name)
	if err == nil {
		rd.Now = func() time.Time { return testNow }
		t.Cleanup(func() { rd.Close() })
	}
	return rd, err
}

func mustOpen(t testing.TB, name string, b []byte) *Reader {
	t.Helper()
	rd, err := open(t, name, b)
	if err != nil {
		t.Fatalf("Open(%s): %v", name, err)
	}
	return rd
}

func readAll(t testing.TB, rd *Reader) []Row {
	t.Helper()
	var rows []Row
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Fatalf("Next after %d rows: %v", len(rows), err)
		}
		rows = append(rows, row)
	}
}

// csvText joins rows with commas (no quoting needed for the test data
// unless a cell has a comma, which is then quoted).
func csvText(sep string, rows ...[]string) string {
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				b.WriteString(sep)
			}
			if strings.ContainsAny(c, sep+"\"\n") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteString("\r\n")
	}
	return b.String()
}

func wantErrContains(t testing.TB, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error containing %q, got nil", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err.Error(), p)
		}
	}
}

// zipBuilder writes a zip archive part by part.
type zipBuilder struct{ zw *zip.Writer }

func newZip(w io.Writer) *zipBuilder { return &zipBuilder{zw: zip.NewWriter(w)} }

func (z *zipBuilder) add(name, content string) {
	w, err := z.zw.Create(name)
	if err != nil {
		panic(err)
	}
	io.WriteString(w, content)
}

func (z *zipBuilder) close() { z.zw.Close() }

// rewriteCells replaces whole <c> elements of the first worksheet, to put
// cells into a workbook exactly as another program would write them.
func rewriteCells(t testing.TB, b []byte, cells map[string]string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == "xl/worksheets/sheet1.xml" {
			s := string(data)
			for ref, xml := range cells {
				re := regexp.MustCompile(`<c r="` + ref + `"[^>]*?(/>|>.*?</c>)`)
				if !re.MatchString(s) {
					t.Fatalf("cell %s not in sheet", ref)
				}
				s = re.ReplaceAllLiteralString(s, xml)
			}
			data = []byte(s)
		}
		w, _ := zw.Create(f.Name)
		w.Write(data)
	}
	zw.Close()
	return out.Bytes()
}

func zipReader(b []byte) (*zip.Reader, error) {
	return zip.NewReader(bytes.NewReader(b), int64(len(b)))
}
