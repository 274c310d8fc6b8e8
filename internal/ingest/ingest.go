// Package ingest imports 12315 exports. An upload is stored with its file
// as a queued batch, in the transaction that enqueues its import job. The
// job checks the file whole before writing anything (a broken file imports
// nothing), then works through it in slices: each transaction registers new
// complaints, updates changed ones, skips unchanged ones and records failed
// rows, together with the batch's cursor. A slice that does not commit
// leaves the cursor where it was, so a job rescued after its process died
// resumes exactly there: no row is imported twice or skipped.
package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/importer"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service imports files.
type Service struct {
	Store  store.Store
	Intake *intake.Service
	Sealer *pii.Sealer
	Now    func() time.Time
	// Queue carries the import jobs: Upload enqueues one per batch.
	Queue *jobs.Queue
	// Dedup, when set, is the duplicate check bound to a slice's
	// transaction (the intake's own would write beside it).
	Dedup func(tx store.Store) intake.DuplicateChecker
	// Slice bounds one run of an import job; zero fields take the defaults.
	Slice Slice

	mu    sync.Mutex
	files map[int64]*openFile // files being read, by batch
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// MaxFile is the largest export accepted (a 100,000-row file is ~20 MB).
const MaxFile = 200 << 20

// File is an uploaded export.
type File struct {
	Name string
	Data []byte
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

// Upload stores the file as a queued batch and enqueues its import job, in
// one transaction: the batch exists exactly when its job does.
func (s *Service) Upload(ctx context.Context, p *auth.Principal, office, committee store.OrgUnit, f File) (store.ImportBatch, error) {
	if len(f.Data) > MaxFile {
		return store.ImportBatch{}, &domain.FieldError{Field: "file", Message: fmt.Sprintf("文件过大（上限%dMB）", MaxFile>>20)}
	}
	if err := sniffImport(f.Data); err != nil {
		return store.ImportBatch{}, err
	}
	if s.Queue == nil {
		return store.ImportBatch{}, errors.New("import: no job queue")
	}
	b := store.ImportBatch{CommitteeID: committee.ID, OfficeID: office.ID, Filename: f.Name, UploadedBy: p.UserID, Started: s.now(), File: f.Data}
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.CreateImportBatch(ctx, &b); err != nil {
			return err
		}
		return s.Queue.Enqueue(ctx, tx, "enqueue 12315 import", jobs.Insert(Args{BatchID: b.ID}, nil))
	})
	b.File = nil
	if err != nil {
		return b, fmt.Errorf("store import batch: %w", err)
	}
	return b, nil
}

// Import uploads the file and works its batch in this process until it ends
// (the command line, tests). A failed batch is returned with an error
// carrying its message.
func (s *Service) Import(ctx context.Context, p *auth.Principal, office, committee store.OrgUnit, f File, progress Progress) (store.ImportBatch, error) {
	b, err := s.Upload(ctx, p, office, committee, f)
	if err != nil {
		return b, err
	}
	return s.Run(ctx, b.ID, progress)
}

// Run works a batch in this process until it ends, in the slices its job
// would run. Should a server take the job meanwhile, the two take turns
// (each slice claims the batch) and the job then finds the batch ended.
func (s *Service) Run(ctx context.Context, id int64, progress Progress) (store.ImportBatch, error) {
	for {
		b, ended, err := s.Work(ctx, id, progress, nil)
		if err != nil {
			return b, err
		}
		if ended {
			if b.Status == "failed" {
				return b, errors.New(b.Message)
			}
			return b, nil
		}
	}
}

// importRow registers, updates or skips one row through in (bound to the
// slice's transaction tx); failures say why in Chinese.
func (s *Service) importRow(ctx context.Context, tx store.Store, in *intake.Service, p *auth.Principal, row importer.Row) (string, string) {
	if row.Err != "" {
		return "failed", row.Err
	}
	c := row.Complaint
	c.Channel = string(domain.Channel12315)
	if c.ExternalID == "" {
		return "failed", "缺少投诉编号：12315导入的每一行都须有投诉编号，以免重复登记"
	}
	existing, err := tx.GetCaseByExternalID(ctx, c.ExternalID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if _, _, err := in.Register(ctx, p, c, "12315:"+c.ExternalID); err != nil {
			_, msg := access.StatusOf(err)
			return "failed", msg
		}
		return "imported", ""
	case err != nil:
		return "failed", "系统错误，请重试"
	}
	return s.update(ctx, tx, p, existing, c)
}

// update applies a newer export of a known complaint; unchanged rows are skipped.
func (s *Service) update(ctx context.Context, tx store.Store, p *auth.Principal, c store.Case, in intake.Complaint) (string, string) {
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
	_, err := tx.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Facts: facts},
		store.Event{Type: "facts_updated", ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(), Note: "12315导出数据更新了投诉内容"})
	if err != nil {
		return "failed", "更新失败，请重试"
	}
	return "updated", ""
}

// ErrImportType: the upload is neither a workbook nor text, whatever its name.
var ErrImportType = &domain.FieldError{Field: "file", Message: "文件内容不是 .xlsx 或 .csv（按文件内容识别，改扩展名无效）"}

// sniffImport refuses, before anything is stored, a file whose content is
// not a 12315 export: a zip (.xlsx) or plain text (CSV in UTF-8, GBK or
// UTF-16) — not HTML, not a program, not an image, whatever its name.
func sniffImport(data []byte) error {
	if len(data) == 0 {
		return &domain.FieldError{Field: "file", Message: "文件为空"}
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil
	}
	typ := http.DetectContentType(data)
	if strings.HasPrefix(typ, "text/plain") || strings.HasPrefix(typ, "text/csv") {
		return nil
	}
	return ErrImportType
}
