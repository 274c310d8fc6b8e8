package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/config"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/ingest"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store"
)

const importUsage = "usage: tiaojie import 12315 FILE [--office CODE] [--report FAILED.xlsx] [settings flags]"

// importCmd imports a 12315 export into the configured database, as diverted
// by the named office (default: defaultOffice).
func importCmd(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	if len(args) < 2 || args[0] != "12315" || strings.HasPrefix(args[1], "-") {
		return errors.New(importUsage)
	}
	path, rest := args[1], args[2:]
	var office, reportPath string
	var cfgArgs []string
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--office" || a == "-office" || a == "--report" || a == "-report":
			if i+1 >= len(rest) {
				return fmt.Errorf("%s needs a value\n%s", a, importUsage)
			}
			if strings.Contains(a, "office") {
				office = rest[i+1]
			} else {
				reportPath = rest[i+1]
			}
			i++
		case strings.HasPrefix(a, "--office="):
			office = strings.TrimPrefix(a, "--office=")
		case strings.HasPrefix(a, "--report="):
			reportPath = strings.TrimPrefix(a, "--report=")
		default:
			cfgArgs = append(cfgArgs, a)
		}
	}
	cfg, err := config.Load("import", cfgArgs, getenv)
	if err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("打开文件失败：%w", err)
	}
	if st.Size() > ingest.MaxFile {
		return fmt.Errorf("文件过大（%d MB，上限%dMB）", st.Size()>>20, ingest.MaxFile>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("读取文件失败：%w", err)
	}
	db, s, err := openReady(ctx, cfg, out)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := platform.New(platform.Config{Store: db, Sealer: s, Log: newLogger(os.Stderr, cfg.LogLevel), Dedup: dedupSettings(cfg)})
	if err != nil {
		return err
	}
	svc := p.Ingest
	// The command line acts for the committee of the whole database.
	units, err := db.ListOrgUnits(ctx)
	if err != nil {
		return err
	}
	operator := &auth.Principal{DisplayName: "命令行导入"}
	for _, u := range units {
		if u.Kind == domain.OrgCity || (u.ParentID == 0) {
			operator.Bindings = append(operator.Bindings, store.Binding{Role: domain.RoleCommittee, OrgID: u.ID, OrgPath: u.Path, OrgName: u.Name})
		}
	}
	if len(operator.Bindings) == 0 {
		return errors.New("数据库中没有组织机构，请先运行 tiaojie demo 或建立组织机构")
	}
	if office == "" {
		if office, err = defaultOffice(units); err != nil {
			return err
		}
	}
	off, committee, err := svc.Office(ctx, operator, office)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "导入 %s（分流单位：%s → %s）\n", filepath.Base(path), off.Name, committee.Name)
	// The batch and its job are stored first, then worked here slice by
	// slice; if this process stops, a running server resumes the job at
	// the last committed row.
	b, err := svc.Upload(ctx, operator, off, committee, ingest.File{Name: filepath.Base(path), Data: data})
	if err != nil {
		return fmt.Errorf("导入失败，未写入任何数据：%w", err)
	}
	b, err = svc.Run(ctx, b.ID, progressPrinter(out, "导入进度"))
	fmt.Fprintln(out)
	if errors.Is(err, context.Canceled) {
		err = errors.New("已取消")
	}
	switch {
	case err != nil && b.Status == "failed":
		// The message says how far the import got and where it stopped.
		return fmt.Errorf("批次 %d %s", b.ID, b.Message)
	case err != nil && b.Done == 0:
		return fmt.Errorf("导入中断（批次 %d），未写入任何数据：%w；启动服务（tiaojie serve）后将自动继续", b.ID, err)
	case err != nil:
		return fmt.Errorf("导入中断（批次 %d）：%w。前 %d 条（共 %d 条）已保存：新增 %d，更新 %d，未变跳过 %d，失败 %d；启动服务（tiaojie serve）后将从第 %d 条自动继续",
			b.ID, err, b.Done, b.Total, b.Imported, b.Updated, b.Skipped, b.Failed, b.Done+1)
	}
	fmt.Fprintf(out, "共 %d 条：新增 %d，更新 %d，未变跳过 %d，失败 %d（批次 %d）\n", b.Total, b.Imported, b.Updated, b.Skipped, b.Failed, b.ID)
	if b.Failed > 0 {
		if reportPath == "" {
			reportPath = strings.TrimSuffix(path, filepath.Ext(path)) + "_导入失败明细.xlsx"
		}
		if err := os.WriteFile(reportPath, b.Report, 0o644); err != nil {
			return fmt.Errorf("写失败明细：%w", err)
		}
		fmt.Fprintf(out, "失败明细已写入 %s\n", reportPath)
	}
	return nil
}

// defaultOffice is the office a 12315 export comes from when --office is not
// given: the first-created 市场监管所 of the first-created district that has
// a mediation committee — with one district, its first office.
func defaultOffice(units []store.OrgUnit) (string, error) {
	byID := map[int64]store.OrgUnit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	var committee, office store.OrgUnit
	for _, u := range units {
		if u.Kind == domain.OrgCommittee && (committee.ID == 0 || u.ID < committee.ID) {
			committee = u
		}
	}
	if district, ok := byID[committee.ParentID]; ok {
		for _, u := range units {
			if u.Kind == domain.OrgRegulatorOffice && strings.HasPrefix(u.Path, district.Path) && (office.ID == 0 || u.ID < office.ID) {
				office = u
			}
		}
	}
	if office.ID == 0 {
		return "", errors.New("找不到设有人民调解委员会的区的市场监管所，请用 --office 指定分流的市场监管所（代码或名称）")
	}
	return office.Code, nil
}
