package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

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
