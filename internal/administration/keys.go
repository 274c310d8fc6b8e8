package administration

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// ErrNoKey: no such key in the actor's scope, or it is revoked already.
var ErrNoKey = access.NotFound("密钥不存在或已吊销")

// KeyRow is a machine key with the name of the unit it acts for.
type KeyRow struct {
	Token store.Token
	Org   string
}

// KeyList is what the keys page shows: the keys of units in the actor's
// scope, and the units a new key may act for.
type KeyList struct {
	Keys  []KeyRow
	Units []store.OrgUnit
}

// Keys lists the machine keys of units within the actor's user.manage scope.
func (s *Service) Keys(ctx context.Context, p *auth.Principal) (KeyList, error) {
	if !p.Can(domain.PermUserManage) {
		return KeyList{}, access.ErrForbidden
	}
	ts, err := s.Store.ListTokens(ctx, "key")
	if err != nil {
		return KeyList{}, fmt.Errorf("list keys: %w", err)
	}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return KeyList{}, fmt.Errorf("list org units: %w", err)
	}
	byID := map[int64]store.OrgUnit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	d := KeyList{Units: reachable(p, domain.PermUserManage, units)}
	for _, t := range ts {
		if u, ok := byID[t.OrgID]; ok && p.Reaches(domain.PermUserManage, u.Path) {
			d.Keys = append(d.Keys, KeyRow{t, u.Name})
		}
	}
	return d, nil
}

// IssueKey makes a machine key for a unit in the actor's scope, valid for
// days (0: without end); the secret is returned this once only.
func (s *Service) IssueKey(ctx context.Context, p *auth.Principal, name string, orgID int64, days int) (string, store.Token, error) {
	if !p.Can(domain.PermUserManage) {
		return "", store.Token{}, access.ErrForbidden
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 50 || days < 0 || days > 3650 {
		return "", store.Token{}, &domain.FieldError{Field: "name", Message: "请填写名称（不超过50个字）和0至3650天的有效期"}
	}
	org, err := s.Store.GetOrgUnit(ctx, orgID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.Reaches(domain.PermUserManage, org.Path)) {
		return "", store.Token{}, &domain.FieldError{Field: "org", Message: "所属单位不存在"}
	}
	if err != nil {
		return "", store.Token{}, fmt.Errorf("get org unit: %w", err)
	}
	var exp *time.Time
	if days > 0 {
		t := s.now().AddDate(0, 0, days)
		exp = &t
	}
	plain, t, err := s.Issuer.IssueKey(ctx, name, org.ID, exp)
	if err != nil {
		return "", store.Token{}, err
	}
	return plain, t, nil
}

// RevokeKey revokes a machine key of a unit in the actor's scope.
func (s *Service) RevokeKey(ctx context.Context, p *auth.Principal, id int64) error {
	list, err := s.Keys(ctx, p)
	if err != nil {
		return err
	}
	found := false
	for _, k := range list.Keys {
		found = found || (k.Token.ID == id && k.Token.RevokedAt == nil)
	}
	if !found {
		return ErrNoKey
	}
	err = s.Store.RevokeToken(ctx, id, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return ErrNoKey
	}
	if err != nil {
		return fmt.Errorf("revoke key: %w", err)
	}
	return nil
}
