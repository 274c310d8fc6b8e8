package importer

import (
	"bytes"
	"crypto/rand"
	"io"
	mrand "math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/xuri/excelize/v2"
)

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkGoodRows(t *testing.T, rows []Row, n int) {
	t.Helper()
	if len(rows) != n {
		t.Fatalf("rows = %d, want %d", len(rows), n)
	}
	for _, r := range rows {
		if r.Err != "" {
			t.Errorf("line %d: %s", r.Line, r.Err)
		}
		if r.Complaint.MerchantName != "上海某某健身有限公司" || r.Complaint.Category != "服务-健身" ||
			r.Complaint.ClaimAmountFen != 123450 {
			t.Errorf("line %d: %+v", r.Line, r.Complaint)
		}
	}
}

func TestCSVEncodings(t *testing.T) {
	text := csvText(",", []string{"12315投诉明细"}, stdHeader, goodRow(1), goodRow(2))
	utf16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(csvText("\t", stdHeader, goodRow(1), goodRow(2))))
	for name, b := range map[string][]byte{
		"utf8.csv":     []byte(text),
		"utf8bom.csv":  append([]byte{0xEF, 0xBB, 0xBF}, text...),
		"gbk.csv":      gbk(t, text),
		"utf16le.txt":  utf16le,
		"tab.csv":      []byte(csvText("\t", stdHeader, goodRow(1), goodRow(2))),
		"gbk-tab.csv":  gbk(t, csvText("\t", []string{"标题"}, stdHeader, goodRow(1), goodRow(2))),
		"lf-only.csv":  []byte(strings.ReplaceAll(text, "\r\n", "\n")),
		"no-final.csv": []byte(strings.TrimSuffix(text, "\r\n")),
	} {
		t.Run(name, func(t *testing.T) {
			rd := mustOpen(t, name, b)
			if h := rd.Header(); len(h) != len(stdHeader) || h[1] != "投诉编号" {
				t.Fatalf("header = %q", h)
			}
			rows := readAll(t, rd)
			checkGoodRows(t, rows, 2)
			if rows[0].Complaint.ComplainantName != "张三1" {
				t.Errorf("name = %q", rows[0].Complaint.ComplainantName)
			}
		})
	}
}

func TestCSVLineNumbersQuotedNewlinesEmptyLines(t *testing.T) {
	r2 := goodRow(2)
	r2[10] = "第一行说明，\n第二行说明：健身房关门了"
	text := csvText(",", stdHeader, goodRow(1), r2) + "\r\n,,,,\r\n" + csvText(",", goodRow(3))
	rows := readAll(t, mustOpen(t, "q.csv", []byte(text)))
	checkGoodRows(t, rows, 3)
	if rows[0].Line != 2 || rows[1].Line != 3 || rows[2].Line != 7 {
		t.Errorf("lines = %d %d %d", rows[0].Line, rows[1].Line, rows[2].Line)
	}
	if !strings.Contains(rows[1].Complaint.Description, "\n") {
		t.Errorf("quoted newline lost: %q", rows[1].Complaint.Description)
	}
}

func TestCSVHeaderProblems(t *testing.T) {
	_, err := open(t, "w.csv", []byte("a,b,c\n1,2,3\n"))
	wantErrContains(t, err, "未找到表头", "投诉编号（可用列名")
	_, err = open(t, "m.csv", []byte("投诉编号,投诉人,投诉内容,被投诉人\nA,B,C,D\n"))
	wantErrContains(t, err, "缺少必需的列：联系电话（可用列名", "统一社会信用代码或经营者地址")
	_, err = open(t, "e.csv", []byte("\r\n\r\n"))
	wantErrContains(t, err, "文件为空")
	_, err = open(t, "z.csv", nil)
	wantErrContains(t, err, "文件为空")
	// Only a header: no rows, no error.
	rows := readAll(t, mustOpen(t, "h.csv", []byte(csvText(",", stdHeader))))
	if len(rows) != 0 {
		t.Errorf("rows = %d", len(rows))
	}
}

func TestCSVBadRowsAndLazyQuotes(t *testing.T) {
	bad := goodRow(2)
	bad[2], bad[12] = "2026-13-45", "1.234"
	text := csvText(",", stdHeader, goodRow(1), bad) + `3,C3,2026-03-02,王"五,13800000003,,店,` + testCredit + `,地址,健身,描述描述描述描述描述描述,,1` + "\n"
	rows := readAll(t, mustOpen(t, "b.csv", []byte(text)))
	if len(rows) != 3 {
		t.Fatalf("rows = %d", len(rows))
	}
	if rows[1].Err != "登记时间“2026-13-45”无法识别；涉及金额“1.234”最多保留两位小数" {
		t.Errorf("bad row: %q", rows[1].Err)
	}
	if rows[2].Err != "" || rows[2].Complaint.ComplainantName != `王"五` {
		t.Errorf("lazy quote row: %+v", rows[2])
	}
}

// TestJunk: random bytes, random text without line breaks, an unterminated
// quote and zip-looking junk must fail fast with a clear message, reading in
// bounded memory.
func TestJunk(t *testing.T) {
	const size = 10 << 20
	random := make([]byte, size)
	rand.Read(random)
	letters := make([]byte, size)
	rng := mrand.New(mrand.NewPCG(1, 2))
	for i := range letters {
		letters[i] = "abcdefghij,;\" "[rng.IntN(14)]
	}
	quote := append([]byte(csvText(",", stdHeader)+`1,"`), bytes.Repeat([]byte("很长的描述"), size/15)...)
	quoteLines := append([]byte(csvText(",", stdHeader)+`1,"`), bytes.Repeat([]byte("一行又一行\n"), size/16)...)
	cases := map[string]struct {
		b    []byte
		want string
	}{
		"random.xlsx":     {random, "不是有效的 .xlsx 或 .csv 文件"},
		"random-pk.xlsx":  {append([]byte("PK\x03\x04"), random...), "不是有效的 .xlsx 或 .csv 文件"},
		"letters.csv":     {letters, "过长"},
		"open-quote.csv":  {quote, "过长"},
		"quote-lines.csv": {quoteLines, "引号不配对"},
		"binary-text.csv": {append([]byte("投诉编号,投诉人\n\x00\x01\x02"), random[:1000]...), "不是有效的 .xlsx 或 .csv 文件"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			rd, err := open(t, name, c.b)
			if err == nil {
				for {
					if _, err = rd.Next(); err != nil {
						break
					}
				}
			}
			runtime.ReadMemStats(&after)
			wantErrContains(t, err, c.want)
			t.Logf("%s: %v after %v, %d MB allocated", name, err, time.Since(start).Round(time.Millisecond),
				(after.TotalAlloc-before.TotalAlloc)>>20)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
				t.Errorf("allocated %d MB for a %d MB file", grew>>20, len(c.b)>>20)
			}
		})
	}
}

// TestSkipCountsAsNext: Skip passes over exactly the rows Next returns
// (blank lines and rows with bad values alike) and ends as Next does.
func TestSkipCountsAsNext(t *testing.T) {
	bad := goodRow(2)
	bad[2] = "2026-13-45"
	text := csvText(",", stdHeader, goodRow(1), bad) + "\r\n,,,,\r\n\r\n" + csvText(",", goodRow(3), goodRow(4))
	xl := xlsxFile(t, func(f *excelize.File) {
		setRows(t, f, "Sheet1", stdHeader, goodRow(1), nil, goodRow(2), bad)
	})
	for name, data := range map[string][]byte{"s.csv": []byte(text), "s.xlsx": xl, "bad.csv": []byte(text + "\"unterminated,")} {
		want := 0
		rd := mustOpen(t, name, data)
		var nextErr error
		for {
			if _, nextErr = rd.Next(); nextErr != nil {
				break
			}
			want++
		}
		rd.Close()
		got := 0
		rd = mustOpen(t, name, data)
		var skipErr error
		for {
			if skipErr = rd.Skip(); skipErr != nil {
				break
			}
			got++
		}
		rd.Close()
		if got != want || (skipErr == io.EOF) != (nextErr == io.EOF) {
			t.Errorf("%s: Skip passed %d rows ending with %v, Next returned %d ending with %v", name, got, skipErr, want, nextErr)
		}
	}
}
