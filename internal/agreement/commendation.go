package agreement

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evidence"
	"github.com/tiaojie/tiaojie/internal/store"
)

// CommendationKinds are what parties give.
var CommendationKinds = domain.Reasons{{Code: "banner", Label: "锦旗"}, {Code: "letter", Label: "感谢信"}, {Code: "other", Label: "其他表扬"}}

// RecordCommendation records a banner, letter or other thanks a party gave,
// with a photo (checked by content, its metadata stripped). It can come any
// time after mediation began, until the file is archived.
func (s *Service) RecordCommendation(ctx context.Context, p *auth.Principal, caseID int64, c store.Commendation) (store.Commendation, error) {
	cs, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return c, err
	}
	switch cs.Status {
	case domain.StatusMediating, domain.StatusAgreed, domain.StatusPerforming, domain.StatusFollowedUp, domain.StatusTerminated:
	default:
		return c, &domain.FieldError{Field: "kind", Message: "案件当前状态不能登记表扬（调解开始后至归档前可以登记）"}
	}
	if !CommendationKinds.Has(c.Kind) {
		return c, &domain.FieldError{Field: "kind", Message: "请选择表扬形式"}
	}
	if c.Giver != "consumer" && c.Giver != "merchant" {
		return c, &domain.FieldError{Field: "giver", Message: "请选择赠送方"}
	}
	c.Note = strings.TrimSpace(c.Note)
	if utf8.RuneCountInString(c.Note) > 200 || !utf8.ValidString(c.Note) || strings.ContainsFunc(c.Note, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) {
		return c, &domain.FieldError{Field: "note", Message: "内容（如锦旗文字）不超过200字"}
	}
	if len(c.Photo) > 0 {
		typ, err := evidence.Picture(c.Photo)
		if err != nil {
			return c, err
		}
		c.Photo = evidence.StripMetadata(c.Photo, typ)
		sum := sha256.Sum256(c.Photo)
		c.PhotoType, c.PhotoSHA = typ, hex.EncodeToString(sum[:])
	} else {
		c.Photo = nil
	}
	c.CaseID, c.RecordedBy, c.RecordedAt = cs.ID, p.UserID, s.now()
	note := domain.PartyWord(c.Giver) + "赠送" + CommendationKinds.Label(c.Kind)
	if c.Note != "" {
		note += "：" + c.Note
	}
	// The kind is in the data as well as in the note, for evaluation (锦旗 and 感谢信 are counted apart).
	ev := store.Event{Type: "commendation", ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(), Note: note,
		Data: fmt.Sprintf(`{"kind":%q}`, c.Kind)}
	err = retryStale(func() error { return s.Store.AddCommendation(ctx, &c, ev) })
	return c, stale(err)
}
