package importer

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

const bigRows = 100_000

// bigRow is data row i (0-based) of the large export; every 1000th row has
// an invalid phone number.
func bigRow(i int) []string {
	phone := fmt.Sprintf("139%08d", i)
	if i%1000 == 999 {
		phone = "12345"
	}
	cats := []string{"健身", "家用电器", "服务-餐饮", "商品-通讯器材", "教育培训"}
	return []string{
		fmt.Sprint(i + 1), fmt.Sprintf("C2026%09d", i), "46083.395833333336", "消费者" + fmt.Sprint(i),
		phone, "", fmt.Sprintf("上海第%d商贸有限公司", i%500), testCredit, fmt.Sprintf("上海市浦东新区某路%d号", i%500),
		cats[i%len(cats)], fmt.Sprintf("第%d号投诉：购买的商品存在质量问题，商家拒绝退换，请求调解处理。", i),
		"退货退款", fmt.Sprintf("%d.%02d", i%5000, i%100),
	}
}

// writeSharedStringsXLSX writes the large export the way Excel does: all
// text in the shared-strings part, dates and amounts as numbers, a merged
// title row above the header. It streams straight into the zip, so the test
// process itself stays small.
func writeSharedStringsXLSX(t testing.TB, path string) {
	t.Helper()
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	put := func(name, content string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, content)
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	const rns = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook `+ns+` `+rns+`><sheets><sheet name="投诉明细" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)

	// The shared strings, deduplicated as Excel does, collected while the
	// sheet is written (the index map is the only large thing the test holds).
	index := map[string]int{}
	var strs []string
	sst := func(s string) int {
		if i, ok := index[s]; ok {
			return i
		}
		index[s] = len(strs)
		strs = append(strs, s)
		return len(strs) - 1
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<worksheet %s %s><sheetData>`, ns, rns)
	writeRow := func(r int, cells []string, numeric map[int]bool) {
		fmt.Fprintf(bw, `<row r="%d">`, r)
		for j, v := range cells {
			if v == "" {
				continue
			}
			ref, _ := excelize.CoordinatesToCellName(j+1, r)
			if numeric[j] {
				fmt.Fprintf(bw, `<c r="%s"><v>%s</v></c>`, ref, v)
			} else {
				fmt.Fprintf(bw, `<c r="%s" t="s"><v>%d</v></c>`, ref, sst(v))
			}
		}
		bw.WriteString(`</row>`)
	}
	writeRow(1, []string{"2026年3月2日12315投诉举报导出"}, nil)
	writeRow(2, stdHeader, nil)
	numeric := map[int]bool{0: true, 2: true, 12: true}
	for i := range bigRows {
		writeRow(i+3, bigRow(i), numeric)
	}
	bw.WriteString(`</sheetData><mergeCells count="1"><mergeCell ref="A1:M1"/></mergeCells></worksheet>`)
	bw.Flush()
	w, err = zw.Create("xl/sharedStrings.xml")
	if err != nil {
		t.Fatal(err)
	}
	bw = bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<sst %s count="%d" uniqueCount="%d">`, ns, len(strs), len(strs))
	for _, s := range strs {
		bw.WriteString(`<si><t>`)
		xml.EscapeText(bw, []byte(s))
		bw.WriteString(`</t></si>`)
	}
	bw.WriteString(`</sst>`)
	bw.Flush()
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// writeStreamXLSX writes the large export with excelize's StreamWriter
// (inline strings, as many generators do).
func writeStreamXLSX(t testing.TB, path string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	row := func(r int, cells []string) {
		vals := make([]any, len(cells))
		for j, c := range cells {
			vals[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
	}
	row(1, stdHeader)
	for i := range bigRows {
		row(i+2, bigRow(i))
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// heapPeak samples HeapInuse until stopped and returns the peak.
func heapPeak() (stop func() uint64) {
	var mu sync.Mutex
	var peak uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		mu.Lock()
		peak = max(peak, ms.HeapInuse)
		mu.Unlock()
	}
	go func() {
		defer close(finished)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		sample()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// TestLargeXLSXStreams reads 100,000 rows through Next (and writes the
// failed ones to a report) with the heap staying well under 200 MB.
func TestLargeXLSXStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000-row workbook: skipped with -short")
	}
	for _, c := range []struct {
		name  string
		write func(testing.TB, string)
		first int
	}{
		{"shared-strings", writeSharedStringsXLSX, 3},
		{"stream-writer", writeStreamXLSX, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			// excelize unzips the large parts here; all must be gone at the end.
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			path := filepath.Join(t.TempDir(), "big.xlsx")
			genStart := time.Now()
			c.write(t, path)
			st, _ := os.Stat(path)
			genTime := time.Since(genStart)

			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			stop := heapPeak()
			start := time.Now()

			file, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer file.Close()
			rd, err := Open(file, st.Size(), "big.xlsx")
			if err != nil {
				t.Fatal(err)
			}
			rd.Now = func() time.Time { return testNow }
			openTime := time.Since(start)
			report, err := NewReportWriter(rd.Header())
			if err != nil {
				t.Fatal(err)
			}
			n, failed := 0, 0
			for {
				row, err := rd.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if row.Line != n+c.first {
					t.Fatalf("row %d has line %d", n, row.Line)
				}
				if row.Err != "" {
					failed++
					if !strings.Contains(row.Err, "手机号码") {
						t.Fatalf("line %d: %s", row.Line, row.Err)
					}
					if err := report.Add(row); err != nil {
						t.Fatal(err)
					}
				} else if n%9973 == 0 {
					want := bigRow(n)
					if row.Complaint.ExternalID != want[1] || row.Complaint.ReceivedAt.Hour() != 9 {
						t.Fatalf("row %d: %+v", n, row.Complaint)
					}
				}
				n++
			}
			rd.Close()
			if _, err := report.WriteTo(io.Discard); err != nil {
				t.Fatal(err)
			}
			elapsed := time.Since(start)
			peak := stop()
			if n != bigRows || failed != bigRows/1000 {
				t.Fatalf("rows = %d, failed = %d", n, failed)
			}
			t.Logf("%s: %d rows, file %.1f MB (generated in %v); open %v, total %v (%.0f rows/s); HeapInuse before %.1f MB, peak %.1f MB",
				c.name, n, float64(st.Size())/(1<<20), genTime.Round(time.Millisecond), openTime.Round(time.Millisecond),
				elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), float64(base.HeapInuse)/(1<<20), float64(peak)/(1<<20))
			if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
				t.Errorf("%d temporary files left behind, e.g. %s", len(entries), entries[0].Name())
			}
			if peak > 200<<20 {
				t.Errorf("HeapInuse peaked at %d MB, want under 200 MB", peak>>20)
			}
		})
	}
}
