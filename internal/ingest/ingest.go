// Package ingest imports 12315 exports: it reads a file with the importer,
// checks it whole before writing anything, then registers new complaints,
// updates changed ones, skips unchanged ones and reports failed rows.
package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"io"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/importer"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service imports files.
type Service struct {
	Store  store.Store
	Intake *intake.Service
	Sealer *pii.Sealer
	Now    func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// File is an uploaded export.
type File struct {
	Name string
	Data io.ReaderAt
	Size int64
}

// Result is what an import did.
type Result struct {
	Batch store.ImportBatch
}

// Progress is told how many rows are done out of how many.
type Progress func(done, total int)

// ErrForbidden: the actor may not import for this office.
var ErrForbidden = access.Forbidden("无权导入：须为调委会工作人员或该市场监管所工作人员")

// Office resolves the diverting 市场监管所: the one named, else the actor's
// own office binding, else the first office of the committee's district.
func (s *Service) Office(ctx context.Context, p *auth.Principal, code string) (store.OrgUnit, store.OrgUnit, error) {
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return store.OrgUnit{}, store.OrgUnit{}, fmt.Errorf("list org units: %w", err)
	}
	byID := map[int64]store.OrgUnit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	district := func(u store.OrgUnit) store.OrgUnit {
		for u.Kind != domain.OrgDistrict && u.ParentID != 0 {
			u = byID[u.ParentID]
		}
		return u
	}
	var office store.OrgUnit
	switch {
	case code != "":
		for _, u := range units {
			if u.Code == code || u.Name == code {
				office = u
			}
		}
		if office.Kind != domain.OrgRegulatorOffice && office.Kind != domain.OrgRegulatorBureau {
			return office, store.OrgUnit{}, &domain.FieldError{Field: "office", Message: "找不到市场监管所“" + code + "”"}
		}
	default:
		for _, b := range p.Bindings {
			if u := byID[b.OrgID]; u.Kind == domain.OrgRegulatorOffice && domain.RoleHas(b.Role, domain.PermImport) {
				office = u
				break
			}
		}
		if office.ID == 0 {
			// A committee member imports on behalf of the district's first office.
			for _, b := range p.Bindings {
				if u := byID[b.OrgID]; domain.RoleHas(b.Role, domain.PermImport) {
					d := district(u)
					for _, x := range units {
						if x.Kind == domain.OrgRegulatorOffice && district(x).ID == d.ID {
							office = x
							break
						}
					}
				}
				if office.ID != 0 {
					break
				}
			}
		}
		if office.ID == 0 {
			return office, store.OrgUnit{}, &domain.FieldError{Field: "office", Message: "找不到分流的市场监管所，请指定"}
		}
	}
	// The actor must reach the office or its district's committee.
	d := district(office)
	var committee store.OrgUnit
	for _, u := range units {
		if u.Kind == domain.OrgCommittee && u.ParentID == d.ID {
			committee = u
			break
		}
	}
	if committee.ID == 0 {
		return office, committee, &domain.FieldError{Field: "office", Message: "该市场监管所所在区没有消费纠纷人民调解委员会"}
	}
	if !p.Reaches(domain.PermImport, office.Path) && !p.Reaches(domain.PermImport, committee.Path) {
		return office, committee, ErrForbidden
	}
	return office, committee, nil
}

// Import checks the whole file first (a bad file imports nothing), then
// writes it row by row. It records a batch with counts and the error report.
// onStart, when given, learns the batch id as soon as the batch exists.
func (s *Service) Import(ctx context.Context, p *auth.Principal, office, committee store.OrgUnit, f File, progress Progress, onStart func(int64)) (store.ImportBatch, error) {
	batch := store.ImportBatch{CommitteeID: committee.ID, OfficeID: office.ID, Filename: f.Name, UploadedBy: p.UserID, Started: s.now()}
	if err := s.Store.CreateImportBatch(ctx, &batch); err != nil {
		return batch, err
	}
	if onStart != nil {
		onStart(batch.ID)
	}
	err := s.run(ctx, office, f, &batch, progress)
	if err != nil {
		batch.Status, batch.Message = "failed", err.Error()
	} else {
		batch.Status = "done"
	}
	if ferr := s.Store.FinishImportBatch(context.WithoutCancel(ctx), batch); ferr != nil && err == nil {
		err = ferr
	}
	return batch, err
}

func (s *Service) open(f File) (*importer.Reader, error) {
	r, err := importer.Open(f.Data, f.Size, f.Name)
	if err != nil {
		return nil, err
	}
	r.Now = s.now
	return r, nil
}

func (s *Service) run(ctx context.Context, office store.OrgUnit, f File, batch *store.ImportBatch, progress Progress) error {
	// Pass 1: read everything; a file-level error stops here with nothing written.
	r, err := s.open(f)
	if err != nil {
		return err
	}
	total := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			r.Close()
			return err
		}
		total++
	}
	r.Close()
	batch.Total = total
	if total == 0 {
		return errors.New("文件中没有投诉记录")
	}
	// Pass 2: write.
	r, err = s.open(f)
	if err != nil {
		return err
	}
	defer r.Close()
	report, err := importer.NewReportWriter(r.Header())
	if err != nil {
		return err
	}
	machine := &auth.Principal{UserID: batch.UploadedBy, DisplayName: "12315导入（" + office.Name + "）",
		Bindings: []store.Binding{{Role: domain.RoleRegulator, OrgID: office.ID, OrgPath: office.Path, OrgName: office.Name}}}
	done := 0
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("导入被中断：%w", err)
		}
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		done++
		switch outcome, msg := s.importRow(ctx, machine, row); outcome {
		case "imported":
			batch.Imported++
		case "updated":
			batch.Updated++
		case "skipped":
			batch.Skipped++
		default:
			batch.Failed++
			row.Err = msg
			if err := report.Add(row); err != nil {
				return err
			}
		}
		if progress != nil && (done%200 == 0 || done == total) {
			progress(done, total)
		}
		if done%1000 == 0 {
			batch.Status = "running"
			if err := s.Store.FinishImportBatch(ctx, *batch); err != nil {
				return fmt.Errorf("report import progress: %w", err)
			}
		}
	}
	if batch.Failed > 0 {
		var buf bytes.Buffer
		if _, err := report.WriteTo(&buf); err != nil {
			return err
		}
		batch.Report = buf.Bytes()
	}
	return nil
}

// importRow registers, updates or skips one row; failures say why in Chinese.
func (s *Service) importRow(ctx context.Context, p *auth.Principal, row importer.Row) (string, string) {
	if row.Err != "" {
		return "failed", row.Err
	}
	in := row.Complaint
	in.Channel = string(domain.Channel12315)
	if in.ExternalID == "" {
		return "failed", "缺少投诉编号：12315导入的每一行都须有投诉编号，以免重复登记"
	}
	existing, err := s.Store.GetCaseByExternalID(ctx, in.ExternalID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if _, _, err := s.Intake.Register(ctx, p, in, "12315:"+in.ExternalID); err != nil {
			_, msg := access.StatusOf(err)
			return "failed", msg
		}
		return "imported", ""
	case err != nil:
		return "failed", "系统错误，请重试"
	}
	return s.update(ctx, p, existing, in)
}

// update applies a newer export of a known complaint; unchanged rows are skipped.
func (s *Service) update(ctx context.Context, p *auth.Principal, c store.Case, in intake.Complaint) (string, string) {
	if err := in.Validate(s.now()); err != nil {
		_, msg := access.StatusOf(err)
		return "failed", msg
	}
	var consumer store.Party
	for _, x := range c.Parties {
		if x.Kind == "consumer" {
			consumer = x
		}
	}
	phoneHash := s.Sealer.Hash(in.Phone)
	same := c.Description == in.Description && c.Claim == in.Claim && c.ClaimFen == in.ClaimAmountFen &&
		c.Category == in.Category && consumer.Name == in.ComplainantName && consumer.PhoneHash == phoneHash
	if same {
		return "skipped", ""
	}
	next := consumer
	next.Name = in.ComplainantName
	if consumer.PhoneHash != phoneHash {
		next.PhoneSealed, next.PhoneHash, next.PhoneMask = s.Sealer.Seal(in.Phone), phoneHash, domain.MaskMobile(in.Phone)
	}
	facts := &store.Facts{Category: in.Category, Description: in.Description, Claim: in.Claim, ClaimFen: in.ClaimAmountFen, Consumer: next}
	_, err := s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Facts: facts},
		store.Event{Type: "facts_updated", ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(), Note: "12315导出数据更新了投诉内容"})
	if err != nil {
		return "failed", "更新失败，请重试"
	}
	return "updated", ""
}
