package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Overview is what the import page offers the actor: the 市场监管所 they may
// import for, and the recent batches of the committees they may see.
type Overview struct {
	Offices []store.OrgUnit
	Batches []store.ImportBatch
}

// Overview lists the offices and recent batches within the actor's reach.
func (s *Service) Overview(ctx context.Context, p *auth.Principal) (Overview, error) {
	var o Overview
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return o, fmt.Errorf("list org units: %w", err)
	}
	var committees []store.OrgUnit
	for _, u := range units {
		if u.Kind == domain.OrgCommittee && (p.Reaches(domain.PermImport, u.Path) || officeInDistrict(p, units, u)) {
			committees = append(committees, u)
		}
	}
	for _, u := range units {
		if u.Kind == domain.OrgRegulatorOffice && (p.Reaches(domain.PermImport, u.Path) || len(committees) > 0 && p.Has(domain.RoleCommittee)) {
			o.Offices = append(o.Offices, u)
		}
	}
	for _, c := range committees {
		bs, err := s.Store.ListImportBatches(ctx, c.ID, 20)
		if err != nil {
			return o, fmt.Errorf("list import batches of committee %d: %w", c.ID, err)
		}
		o.Batches = append(o.Batches, bs...)
	}
	return o, nil
}

// officeInDistrict: a 市场监管所 binding sees its district committee's imports.
func officeInDistrict(p *auth.Principal, units []store.OrgUnit, committee store.OrgUnit) bool {
	for _, u := range units {
		if u.Kind == domain.OrgRegulatorOffice && p.Reaches(domain.PermImport, u.Path) &&
			strings.HasPrefix(u.Path, strings.TrimSuffix(committee.Path, fmt.Sprintf("%d/", committee.ID))) {
			return true
		}
	}
	return false
}

// ErrNoBatch: the batch does not exist or is outside the actor's reach.
var ErrNoBatch = access.NotFound("导入批次不存在")

// BatchView is one import batch with the name of the office it came from.
type BatchView struct {
	Batch  store.ImportBatch
	Office string
}

// Batch loads a batch the actor may see: one for a committee or an office
// within their import permission.
func (s *Service) Batch(ctx context.Context, p *auth.Principal, id int64) (BatchView, error) {
	b, err := s.Store.GetImportBatch(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return BatchView{}, ErrNoBatch
	} else if err != nil {
		return BatchView{}, fmt.Errorf("get import batch %d: %w", id, err)
	}
	c, err := s.unit(ctx, b.CommitteeID)
	if err != nil {
		return BatchView{}, err
	}
	o, err := s.unit(ctx, b.OfficeID)
	if err != nil {
		return BatchView{}, err
	}
	if (c.ID == 0 || !p.Reaches(domain.PermImport, c.Path)) && (o.ID == 0 || !p.Reaches(domain.PermImport, o.Path)) {
		return BatchView{}, ErrNoBatch
	}
	return BatchView{Batch: b, Office: o.Name}, nil
}

// unit loads an org unit; an unknown one is the zero unit.
func (s *Service) unit(ctx context.Context, id int64) (store.OrgUnit, error) {
	u, err := s.Store.GetOrgUnit(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.OrgUnit{}, nil
	} else if err != nil {
		return u, fmt.Errorf("get org unit %d: %w", id, err)
	}
	return u, nil
}

// OfficeByID resolves the diverting 市场监管所 chosen on the upload form
// (0: the actor's own, see Office).
func (s *Service) OfficeByID(ctx context.Context, p *auth.Principal, id int64) (store.OrgUnit, store.OrgUnit, error) {
	code := ""
	if id != 0 {
		u, err := s.unit(ctx, id)
		if err != nil {
			return store.OrgUnit{}, store.OrgUnit{}, err
		}
		if u.ID == 0 {
			return store.OrgUnit{}, store.OrgUnit{}, &domain.FieldError{Field: "office", Message: "分流单位不存在"}
		}
		code = u.Code
	}
	return s.Office(ctx, p, code)
}
