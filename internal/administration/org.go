package administration

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/diversion"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// ErrCodeTaken: another unit already has the code.
var ErrCodeTaken = access.Conflict("代码已被使用")

// OrgNode is one unit of the tree with what the page shows beside it.
type OrgNode struct {
	Unit      store.OrgUnit
	Streets   []string // an office room's streets/towns
	Merchants []string // an enterprise room's merchants
	Children  []*OrgNode
}

// OrgTree is the part of the org tree the actor may see, and (for who
// manages the tree) the units a new unit may hang under.
type OrgTree struct {
	Root    *OrgNode // its children are the tops of what the actor sees
	Parents []store.OrgUnit
}

// Tree builds the org tree the actor may see: who manages the tree from the
// top sees all of it; anyone else who may read it sees the whole district
// of each unit they are bound to (their committee, its rooms, the partner
// units), or everything under a city binding.
func (s *Service) Tree(ctx context.Context, p *auth.Principal) (OrgTree, error) {
	if !p.Can(domain.PermOrgRead) && !p.Can(domain.PermOrgManage) {
		return OrgTree{}, access.ErrForbidden
	}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return OrgTree{}, fmt.Errorf("list org units: %w", err)
	}
	visible := orgVisible(p, units)
	nodes := map[int64]*OrgNode{}
	root := &OrgNode{}
	streets := map[int64][]string{} // by room
	for _, u := range units {       // in path order: a committee before its rooms
		if !visible(u) {
			continue
		}
		n := &OrgNode{Unit: u, Streets: streets[u.ID]}
		switch u.Kind {
		case domain.OrgCommittee:
			rs, err := s.Store.ListRoomStreets(ctx, u.ID)
			if err != nil {
				return OrgTree{}, fmt.Errorf("list streets of %d: %w", u.ID, err)
			}
			for _, x := range rs {
				streets[x.RoomID] = append(streets[x.RoomID], x.Street)
			}
		case domain.OrgEnterpriseRoom:
			ms, err := s.Store.ListRoomMerchants(ctx, u.ID)
			if err != nil {
				return OrgTree{}, fmt.Errorf("list merchants of %d: %w", u.ID, err)
			}
			for _, m := range ms {
				n.Merchants = append(n.Merchants, m.Name)
			}
		}
		nodes[u.ID] = n
		if parent, ok := nodes[u.ParentID]; ok {
			parent.Children = append(parent.Children, n)
		} else { // the top of what this actor sees
			root.Children = append(root.Children, n)
		}
	}
	sortTree(root)
	t := OrgTree{Root: root}
	if p.Can(domain.PermOrgManage) {
		t.Parents = reachable(p, domain.PermOrgManage, units)
	}
	return t, nil
}

// orgVisible says which units the tree shows (see Tree).
func orgVisible(p *auth.Principal, units []store.OrgUnit) func(store.OrgUnit) bool {
	if topLevel(p, domain.PermOrgManage) {
		return func(store.OrgUnit) bool { return true }
	}
	byID := map[int64]store.OrgUnit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	var prefixes []string
	for _, b := range p.Bindings {
		if !domain.RoleHas(b.Role, domain.PermOrgRead) && !domain.RoleHas(b.Role, domain.PermOrgManage) {
			continue
		}
		u, ok := byID[b.OrgID]
		for ok && u.Kind != domain.OrgDistrict && u.Kind != domain.OrgCity {
			u, ok = byID[u.ParentID]
		}
		if !ok {
			u, ok = byID[b.OrgID] // a unit outside any district: just its own subtree
		}
		if ok {
			prefixes = append(prefixes, u.Path)
		}
	}
	return func(u store.OrgUnit) bool {
		for _, pre := range prefixes {
			if strings.HasPrefix(u.Path, pre) {
				return true
			}
		}
		return false
	}
}

// sortTree orders siblings by kind (rooms of one kind together) and then by creation.
func sortTree(n *OrgNode) {
	slices.SortFunc(n.Children, func(a, b *OrgNode) int {
		if c := cmp.Compare(slices.Index(domain.OrgKinds, a.Unit.Kind), slices.Index(domain.OrgKinds, b.Unit.Kind)); c != 0 {
			return c
		}
		return cmp.Compare(a.Unit.ID, b.Unit.ID)
	})
	for _, c := range n.Children {
		sortTree(c)
	}
}

// NewOrgUnit is a unit to add; Streets only for an office room.
type NewOrgUnit struct {
	ParentID int64 // 0: a new top-level unit
	Kind     domain.OrgKind
	Name     string
	Code     string
	Abbr     string   // a committee's case-number abbreviation
	Streets  []string // the streets/towns an office room covers
}

// CreateOrgUnit adds a unit under a parent of a kind it may hang under,
// within the actor's org.manage scope, with its streets in the same
// transaction. A street another room of the committee covers is refused.
func (s *Service) CreateOrgUnit(ctx context.Context, p *auth.Principal, in NewOrgUnit) (store.OrgUnit, error) {
	if !p.Can(domain.PermOrgManage) {
		return store.OrgUnit{}, access.ErrForbidden
	}
	u := store.OrgUnit{ParentID: in.ParentID, Kind: in.Kind, Name: strings.TrimSpace(in.Name),
		Code: strings.TrimSpace(in.Code), Abbr: strings.TrimSpace(in.Abbr)}
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		var parent store.OrgUnit
		switch {
		case u.ParentID != 0:
			var err error
			parent, err = tx.GetOrgUnit(ctx, u.ParentID)
			if errors.Is(err, store.ErrNotFound) || (err == nil && !p.Reaches(domain.PermOrgManage, parent.Path)) {
				return &domain.FieldError{Field: "parent", Message: "上级单位不存在"}
			}
			if err != nil {
				return fmt.Errorf("get parent: %w", err)
			}
		case !topLevel(p, domain.PermOrgManage):
			return &domain.FieldError{Field: "parent", Message: "请选择上级单位"}
		}
		if err := validateUnit(u, parent.Kind, in.Streets); err != nil {
			return err
		}
		if err := tx.CreateOrgUnit(ctx, &u); errors.Is(err, store.ErrConflict) {
			return ErrCodeTaken
		} else if err != nil {
			return fmt.Errorf("create org unit: %w", err)
		}
		if len(in.Streets) == 0 {
			return nil
		}
		existing, err := tx.ListRoomStreets(ctx, u.ParentID)
		if err != nil {
			return fmt.Errorf("list room streets: %w", err)
		}
		if err := diversion.StreetsFree(existing, u.ID, in.Streets); err != nil {
			return err
		}
		if err := tx.SetRoomStreets(ctx, u.ID, in.Streets); err != nil {
			return fmt.Errorf("set room streets: %w", err)
		}
		return nil
	})
	if err != nil {
		return store.OrgUnit{}, err
	}
	return u, nil
}

// validateUnit checks a new unit against its parent's kind.
func validateUnit(u store.OrgUnit, parentKind domain.OrgKind, streets []string) error {
	msg := func(field, m string) error { return &domain.FieldError{Field: field, Message: m} }
	switch {
	case !u.Kind.Valid():
		return msg("kind", "请选择单位类型")
	case !domain.CanHangUnder(u.Kind, parentKind):
		under := "根节点"
		if parentKind != "" {
			under = parentKind.Label()
		}
		return msg("parent", fmt.Sprintf("%s不能设在%s之下", u.Kind.Label(), under))
	case domain.CheckLine("name", u.Name) != nil:
		return domain.CheckLine("name", u.Name)
	case domain.CheckLine("abbr", u.Abbr) != nil:
		return domain.CheckLine("abbr", u.Abbr)
	case u.Name == "" || utf8.RuneCountInString(u.Name) > 100:
		return msg("name", "请填写名称（不超过100个字）")
	case !validCode(u.Code, 40):
		return msg("code", "代码应为3至40位字母、数字、下划线或连字符")
	case u.Kind == domain.OrgCommittee && (utf8.RuneCountInString(u.Abbr) < 1 || utf8.RuneCountInString(u.Abbr) > 2):
		return msg("abbr", "调委会须填写1至2个字的案号简称")
	case u.Kind != domain.OrgCommittee && u.Abbr != "":
		return msg("abbr", "只有调委会需要案号简称")
	case u.Kind != domain.OrgOfficeRoom && len(streets) > 0:
		return msg("streets", "只有联合人民调解工作室可以设置辖区街镇")
	}
	for _, st := range streets {
		if utf8.RuneCountInString(st) > 50 {
			return msg("streets", "街镇名称不超过50个字")
		}
	}
	return nil
}
