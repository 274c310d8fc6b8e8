package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/ingest"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

var header = []string{"投诉编号", "登记时间", "投诉人", "联系电话", "被投诉人", "统一社会信用代码", "经营者地址", "投诉内容", "诉求", "涉及金额", "商品类别"}

func row(id, name, phone, desc, amount string) []any {
	return []any{id, "2026-11-20 09:30", name, phone, "上海某某健身有限公司", "", "浦东新区陆家嘴街道世纪大道1号", desc, "退还余额", amount, "服务-健身"}
}

func xlsxFile(t *testing.T, rows [][]any) (string, []byte) {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"12315投诉导出（2026-11-20）"}) // a title row above the header
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = h
	}
	f.SetSheetRow("Sheet1", "A2", &hdr)
	for i, r := range rows {
		f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+3), &r)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return "export.xlsx", buf.Bytes()
}

type world struct {
	db       *sqlstore.DB
	st       store.Store
	sealer   *pii.Sealer
	p        *platform.Services
	svc      *ingest.Service
	operator *auth.Principal
	office   store.OrgUnit
	cmt      store.OrgUnit
}

func newWorld(t *testing.T, e storetest.Engine) *world { return newWorldTB(t, e) }

func newWorldTB(t testing.TB, e storetest.Engine) *world {
	ctx := context.Background()
	st := e.Open(t, true)
	deadline.EnsureDefaultPolicies(ctx, st)
	sealer, _ := pii.NewSealer(bytes.Repeat([]byte{5}, 32))
	mk := func(parent int64, kind domain.OrgKind, code, name, abbr string) store.OrgUnit {
		u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: name, Abbr: abbr}
		if err := st.CreateOrgUnit(ctx, &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	city := mk(0, domain.OrgCity, "sh", "上海市", "")
	d := mk(city.ID, domain.OrgDistrict, "pd", "浦东新区", "")
	w := &world{db: st, st: st, sealer: sealer}
	w.cmt = mk(d.ID, domain.OrgCommittee, "pd-cmt", "浦东新区消费纠纷人民调解委员会", "浦")
	w.office = mk(d.ID, domain.OrgRegulatorOffice, "amr-ljz", "陆家嘴市场监管所", "")
	w.p = w.services(t)
	w.svc = w.p.Ingest
	w.operator = &auth.Principal{UserID: 0, DisplayName: "测试", Bindings: []store.Binding{{Role: domain.RoleRegulator, OrgID: w.office.ID, OrgPath: w.office.Path}}}
	return w
}

var testNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// services builds the platform on the world's database, as a process
// (re)starting on it does: a fresh job queue and nothing kept in memory.
func (w *world) services(t testing.TB) *platform.Services {
	t.Helper()
	p, err := platform.New(platform.Config{Store: w.db, Sealer: w.sealer, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:  func() time.Time { return testNow },
		Jobs: jobs.Config{Poll: 50 * time.Millisecond, Backoff: func(int) time.Duration { return 10 * time.Millisecond }}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *world) run(t *testing.T, name string, data []byte) (store.ImportBatch, error) {
	t.Helper()
	office, cmt, err := w.svc.Office(context.Background(), w.operator, "")
	if err != nil {
		t.Fatal(err)
	}
	if office.ID != w.office.ID || cmt.ID != w.cmt.ID {
		t.Fatalf("office resolution: %s %s", office.Name, cmt.Name)
	}
	var calls int
	b, err := w.svc.Import(context.Background(), w.operator, office, cmt, ingest.File{Name: name, Data: data},
		func(done, total int) { calls++ })
	if err == nil && calls == 0 {
		t.Error("no progress reported")
	}
	return b, err
}

func count(t *testing.T, st store.Store) int64 {
	p, err := st.ListCases(context.Background(), store.CaseQuery{Scope: store.Scope{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

func TestImport(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			rows := [][]any{
				row("1231520261120000001", "张伟", "13812345678", "健身房突然闭店，预付卡余额3000元无法退还。", "3000"),
				row("1231520261120000002", "李娜", "13912345678", "健身房突然闭店，私教课剩余12节无法上课。", "4,800.50"),
				row("1231520261120000003", "王强", "123", "健身房闭店，会员卡无法使用，要求退费。", "100"), // bad phone
				row("", "赵敏", "13712345678", "健身房闭店，会员卡无法使用，要求退费。", "100"),            // no complaint number
			}
			name, data := xlsxFile(t, rows)
			b, err := w.run(t, name, data)
			if err != nil {
				t.Fatal(err)
			}
			if b.Total != 4 || b.Imported != 2 || b.Failed != 2 || b.Status != "done" || len(b.Report) == 0 {
				t.Fatalf("first import: total %d imported %d failed %d status %s report %d bytes", b.Total, b.Imported, b.Failed, b.Status, len(b.Report))
			}
			c, err := w.st.GetCaseByExternalID(ctx, "1231520261120000002")
			if err != nil || c.ClaimFen != 480050 || c.Channel != domain.Channel12315 || c.DivertedByOrgID != w.office.ID || c.ConsumerName != "李娜" {
				t.Fatalf("imported case: %+v %v", c, err)
			}
			// The error report holds the original cells and a Chinese reason.
			rep, err := excelize.OpenReader(bytes.NewReader(b.Report))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := rep.GetRows(rep.GetSheetList()[0])
			if len(got) != 3 || got[0][len(got[0])-1] != "失败原因" || got[1][2] != "王强" || !strings.Contains(got[1][len(got[1])-1], "手机") {
				t.Fatalf("report rows: %q", got)
			}
			// The same file again adds nothing.
			before := count(t, w.st)
			b2, err := w.run(t, name, data)
			if err != nil || b2.Imported != 0 || b2.Skipped != 2 || b2.Failed != 2 || count(t, w.st) != before {
				t.Fatalf("second import: imported %d skipped %d failed %d %v", b2.Imported, b2.Skipped, b2.Failed, err)
			}
			// A changed row updates the complaint and records an event.
			rows[0] = row("1231520261120000001", "张伟", "13812345679", "健身房突然闭店，预付卡余额3500元无法退还，经营者失联。", "3500")
			_, data = xlsxFile(t, rows)
			b3, err := w.run(t, name, data)
			if err != nil || b3.Updated != 1 || b3.Skipped != 1 || count(t, w.st) != before {
				t.Fatalf("changed row: updated %d skipped %d %v", b3.Updated, b3.Skipped, err)
			}
			c, _ = w.st.GetCaseByExternalID(ctx, "1231520261120000001")
			evs, _ := w.st.ListEvents(ctx, c.ID)
			if c.ClaimFen != 350000 || !strings.Contains(c.Description, "失联") || c.Parties[0].PhoneMask != "138****5679" || evs[len(evs)-1].Type != "facts_updated" {
				t.Fatalf("updated case: %+v", c)
			}
			batches, _ := w.st.ListImportBatches(ctx, w.cmt.ID, 10)
			if len(batches) != 3 {
				t.Fatalf("batches: %d", len(batches))
			}
		})
	}
}

func TestBadFileImportsNothing(t *testing.T) {
	w := newWorld(t, storetest.Engines(t)[0])
	// A file whose content is not a spreadsheet (or nothing) is refused
	// before a batch is stored; a spreadsheet with the wrong columns fails
	// as a batch. Either way no case is written.
	cases := []struct {
		name   string
		data   []byte
		want   string
		status string
	}{
		{"junk.xlsx", bytes.Repeat([]byte{0x00, 0xff, 0x13}, 10000), "文件内容不是", ""},
		{"wrong.csv", []byte("姓名,电话\n张三,13812345678\n"), "缺少", "failed"},
		{"empty.csv", []byte(""), "文件为空", ""},
	}
	for _, tc := range cases {
		b, err := w.run(t, tc.name, tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) || b.Status != tc.status {
			t.Errorf("%s: status %s %v", tc.name, b.Status, err)
		}
		if count(t, w.st) != 0 {
			t.Fatalf("%s wrote cases", tc.name)
		}
	}
	// A GBK CSV imports.
	gbk := "投诉编号,登记时间,投诉人,联系电话,被投诉人,经营者地址,投诉内容,服务类别\n1231520261120000009,2026-11-20,张伟,13812345678,上海某某培训学校,浦东新区花木街道1号,培训学校停课后拒绝退还剩余学费。,教育培训\n"
	enc, err := encodeGBK(gbk)
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.run(t, "gbk.csv", enc)
	if err != nil || b.Imported != 1 {
		t.Fatalf("gbk: imported %d failed %d msg %s %v", b.Imported, b.Failed, b.Message, err)
	}
	// A principal of another district may not import for this office.
	other := &auth.Principal{Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: 999, OrgPath: "/999/"}}}
	if _, _, err := w.svc.Office(context.Background(), other, "amr-ljz"); !errors.Is(err, ingest.ErrForbidden) {
		t.Fatalf("foreign office: %v", err)
	}
}

func encodeGBK(s string) ([]byte, error) {
	return io.ReadAll(transform.NewReader(strings.NewReader(s), simplifiedchinese.GBK.NewEncoder()))
}

// bigExport is an .xlsx of n valid rows with external ids 12315202611%08d.
func bigExport(n int) []byte {
	f := excelize.NewFile()
	sw, _ := f.NewStreamWriter("Sheet1")
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = h
	}
	sw.SetRow("A1", hdr)
	for i := 0; i < n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		sw.SetRow(cell, row(fmt.Sprintf("12315202611%08d", i), "张伟", fmt.Sprintf("138%08d", i), fmt.Sprintf("健身房突然闭店，预付卡余额%d元无法退还。", i), "3000"))
	}
	sw.Flush()
	var buf bytes.Buffer
	f.Write(&buf)
	return buf.Bytes()
}

// BenchmarkImport imports a 5,000-row export in this process (the command
// line's path) into a fresh database per run (b.N runs); rows/s is reported.
func BenchmarkImport(b *testing.B) {
	const n = 5000
	data := bigExport(n)
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				w := newWorldTB(b, e)
				b.StartTimer()
				office, cmt, err := w.svc.Office(context.Background(), w.operator, "")
				if err != nil {
					b.Fatal(err)
				}
				bt, err := w.svc.Import(context.Background(), w.operator, office, cmt, ingest.File{Name: "x.xlsx", Data: data}, nil)
				if err != nil || bt.Imported != n {
					b.Fatalf("imported %d: %v", bt.Imported, err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
