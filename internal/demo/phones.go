package demo

import (
	"context"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// staffPhones gives every demo account a synthetic mobile (139 0000 0001 …,
// sealed), where the sign-in SMS code goes when the security administrator
// turns the second factor on.
func staffPhones(ctx context.Context, st store.Store, sealer *pii.Sealer) error {
	if sealer == nil {
		return nil
	}
	us, err := st.ListUsers(ctx, store.UserQuery{Limit: 1000})
	if err != nil {
		return err
	}
	for i, u := range us {
		phone := fmt.Sprintf("139%08d", i+1)
		if err := st.SetUserPhone(ctx, u.ID, sealer.Seal(phone), domain.MaskMobile(phone)); err != nil {
			return fmt.Errorf("phone of %s: %w", u.Username, err)
		}
	}
	return nil
}
