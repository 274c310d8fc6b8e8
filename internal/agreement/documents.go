package agreement

import (
	"context"
	"errors"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/store"
)

// The frozen documents of a case, served to whoever may read the case. Only
// "not there" is a refusal: any other failure to read one is an error, never
// an answer of "no document".

// Refusals when a document does not exist (yet).
var (
	ErrNoDocument = access.NotFound("案件没有已生效的书面调解协议")
	ErrNoArchive  = access.NotFound("案件尚未归档")
	ErrNoPhoto    = access.NotFound("照片不存在")
)

// Document is the effective written agreement's PDF and its SHA-256.
func (s *Service) Document(ctx context.Context, p *auth.Principal, caseID int64) (pdf []byte, sha string, err error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, false)
	if err != nil {
		return nil, "", err
	}
	pdf, sha, err = s.Store.GetAgreementDocument(ctx, c.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", ErrNoDocument
	} else if err != nil {
		return nil, "", fmt.Errorf("get agreement document of case %d: %w", c.ID, err)
	}
	return pdf, sha, nil
}

// ArchiveFile is the frozen case file (ErrNoArchive before archiving, and for
// cases archived before the platform).
func (s *Service) ArchiveFile(ctx context.Context, p *auth.Principal, caseID int64) (store.Archive, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, false)
	if err != nil {
		return store.Archive{}, err
	}
	a, err := s.Store.GetArchive(ctx, c.ID)
	if errors.Is(err, store.ErrNotFound) {
		return a, ErrNoArchive
	} else if err != nil {
		return a, fmt.Errorf("get archive of case %d: %w", c.ID, err)
	}
	return a, nil
}

// CommendationPhoto is the photo of a recorded commendation with its content type.
func (s *Service) CommendationPhoto(ctx context.Context, p *auth.Principal, caseID, id int64) ([]byte, string, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, false)
	if err != nil {
		return nil, "", err
	}
	photo, typ, err := s.Store.GetCommendationPhoto(ctx, c.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", ErrNoPhoto
	} else if err != nil {
		return nil, "", fmt.Errorf("get photo of commendation %d: %w", id, err)
	}
	return photo, typ, nil
}
