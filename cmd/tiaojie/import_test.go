package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/config"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// TestImportWithoutOffice: `tiaojie import 12315 FILE` without --office
// imports as diverted by the district's first 市场监管所 and writes the failed
// rows' report next to the file, as docs/operations.md says.
func TestImportWithoutOffice(t *testing.T) {
	engines := []string{"sqlite"}
	if os.Getenv(storetest.EnvPostgres) != "" {
		engines = append(engines, "postgres")
	}
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"TIAOJIE_DATA_DIR": dir}
			if engine == "postgres" {
				vars["TIAOJIE_DATABASE_URL"] = storetest.SchemaURL(t)
				vars["TIAOJIE_SECRET_KEY"] = testKey
			}
			env := envFrom(vars)
			ctx := context.Background()
			var out bytes.Buffer
			if err := run(ctx, []string{"demo", "--cases", "0"}, &out, env); err != nil {
				t.Fatalf("demo: %v %s", err, out.String())
			}
			f := excelize.NewFile()
			f.SetSheetRow("Sheet1", "A1", &[]any{"投诉编号", "登记时间", "投诉人", "联系电话", "被投诉人", "统一社会信用代码", "经营者地址", "投诉内容", "诉求", "涉及金额", "商品类别"})
			f.SetSheetRow("Sheet1", "A2", &[]any{"1231520261120000901", "2026-11-20 09:30", "张伟", "13812345678", "上海某某健身有限公司", "",
				"浦东新区陆家嘴街道世纪大道1号", "健身房突然闭店，预付卡余额3000元无法退还。", "退还余额", "3000", "服务-健身"})
			f.SetSheetRow("Sheet1", "A3", &[]any{"1231520261120000902", "2026-11-20 09:40", "王强", "123", "上海某某健身有限公司", "",
				"浦东新区陆家嘴街道世纪大道1号", "健身房闭店，会员卡无法使用，要求退费。", "退费", "100", "服务-健身"})
			file := filepath.Join(dir, "export.xlsx")
			if err := f.SaveAs(file); err != nil {
				t.Fatal(err)
			}
			out.Reset()
			if err := run(ctx, []string{"import", "12315", file}, &out, env); err != nil {
				t.Fatalf("import without --office: %v\n%s", err, out.String())
			}
			report := filepath.Join(dir, "export_导入失败明细.xlsx")
			for _, want := range []string{"分流单位：陆家嘴市场监管所 → 浦东新区消费纠纷人民调解委员会", "新增 1", "失败 1", report} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
			rep, err := excelize.OpenFile(report)
			if err != nil {
				t.Fatalf("failure report: %v", err)
			}
			rows, _ := rep.GetRows(rep.GetSheetList()[0])
			if len(rows) != 2 || rows[1][2] != "王强" || !strings.Contains(fmt.Sprint(rows[1]), "手机") {
				t.Errorf("report rows %q", rows)
			}
		})
	}
}

// cancelAt is the command's output; it cancels the import once the progress
// line shows mark (as Ctrl-C would).
type cancelAt struct {
	bytes.Buffer
	mark   string
	cancel context.CancelFunc
}

func (w *cancelAt) Write(p []byte) (int, error) {
	if strings.Contains(string(p), w.mark) {
		w.cancel()
	}
	return w.Buffer.Write(p)
}

// TestImportInterrupted: an import stopped part-way says exactly how many
// records it saved (they are in the database) and where a server will go
// on; a server's worker then finishes it with every row once. A file that
// cannot be read says nothing was written.
func TestImportInterrupted(t *testing.T) {
	engines := []string{"sqlite"}
	if os.Getenv(storetest.EnvPostgres) != "" {
		engines = append(engines, "postgres")
	}
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"TIAOJIE_DATA_DIR": dir}
			if engine == "postgres" {
				vars["TIAOJIE_DATABASE_URL"] = storetest.SchemaURL(t)
				vars["TIAOJIE_SECRET_KEY"] = testKey
			}
			env := envFrom(vars)
			ctx := context.Background()
			var out bytes.Buffer
			if err := run(ctx, []string{"demo", "--cases", "0"}, &out, env); err != nil {
				t.Fatalf("demo: %v %s", err, out.String())
			}
			// A transaction carries 1,000 rows (ingest.Slice): the import is
			// stopped after the first.
			const n, bad = 2500, 25
			f := excelize.NewFile()
			f.SetSheetRow("Sheet1", "A1", &[]any{"投诉编号", "登记时间", "投诉人", "联系电话", "被投诉人", "统一社会信用代码", "经营者地址", "投诉内容", "诉求", "涉及金额", "商品类别"})
			for i := 0; i < n; i++ {
				phone := fmt.Sprintf("139%08d", i)
				if i%100 == 0 {
					phone = "123"
				}
				f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &[]any{fmt.Sprintf("12315202611%08d", i), "2026-11-20 09:30", "张伟", phone,
					"上海某某健身有限公司", "", "浦东新区陆家嘴街道世纪大道1号", "健身房突然闭店，预付卡余额无法退还。", "退还余额", "3000", "服务-健身"})
			}
			file := filepath.Join(dir, "export.xlsx")
			if err := f.SaveAs(file); err != nil {
				t.Fatal(err)
			}
			stop, cancel := context.WithCancel(ctx)
			defer cancel()
			w := &cancelAt{mark: "1000/2500", cancel: cancel}
			err := run(stop, []string{"import", "12315", file}, w, env)
			if err == nil {
				t.Fatalf("an interrupted import succeeded:\n%s", w.String())
			}
			for _, want := range []string{"导入中断", "前 1000 条（共 2500 条）已保存", "新增 990", "失败 10", "将从第 1001 条自动继续"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message lacks %q: %v", want, err)
				}
			}
			cfg, err := config.Load("import", nil, env)
			if err != nil {
				t.Fatal(err)
			}
			db, err := openStore(ctx, cfg, false)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			cases := func() int64 {
				p, err := db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}})
				if err != nil {
					t.Fatal(err)
				}
				return p.Total
			}
			if c := cases(); c != 990 {
				t.Fatalf("the message says 990 new cases, the database has %d", c)
			}
			// A server takes the batch's job and finishes it.
			s, err := sealer(cfg)
			if err != nil {
				t.Fatal(err)
			}
			p, err := platform.New(platform.Config{Store: db, Sealer: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			batches, _ := db.ListActiveImportBatches(ctx)
			if len(batches) != 1 || batches[0].Done != 1000 {
				t.Fatalf("interrupted batch: %+v", batches)
			}
			if err := p.Start(ctx); err != nil {
				t.Fatal(err)
			}
			var b store.ImportBatch
			for deadline := time.Now().Add(time.Minute); !b.Ended(); time.Sleep(50 * time.Millisecond) {
				if b, err = db.GetImportBatch(ctx, batches[0].ID); err != nil || time.Now().After(deadline) {
					t.Fatalf("the server did not finish the import: %s %v", b.Status, err)
				}
			}
			sctx, scancel := context.WithTimeout(ctx, 10*time.Second)
			p.Shutdown(sctx)
			scancel()
			if b.Status != "done" || b.Imported != n-bad || b.Failed != bad || cases() != n-bad {
				t.Fatalf("resumed: %s +%d x%d, %d cases", b.Status, b.Imported, b.Failed, cases())
			}
			// Junk: nothing written, and the message says so.
			junk := filepath.Join(dir, "junk.xlsx")
			os.WriteFile(junk, bytes.Repeat([]byte("PK\x03\x04junk"), 100), 0o644)
			out.Reset()
			err = run(ctx, []string{"import", "12315", junk}, &out, env)
			if err == nil || !strings.Contains(err.Error(), "未写入任何数据") || !strings.Contains(err.Error(), "文件无法读取") {
				t.Fatalf("junk file: %v", err)
			}
			if c := cases(); c != n-bad {
				t.Fatalf("junk file changed the cases: %d", c)
			}
		})
	}
}
