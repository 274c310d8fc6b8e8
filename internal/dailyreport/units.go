package dailyreport

import (
	"context"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Units lists the committees and rooms whose reports p reads, each
// committee before its rooms.
func (s *Service) Units(ctx context.Context, p *auth.Principal) ([]store.OrgUnit, error) {
	if p == nil || !p.Can(domain.PermReportRead) {
		return nil, access.Forbidden("无权查看日报")
	}
	return s.unitsInScope(ctx, p)
}
