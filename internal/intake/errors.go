package intake

import (
	"errors"
	"net/http"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// StatusOf maps an intake error to the HTTP status and the Chinese message
// pages and the API answer with; unknown errors are 500 with a generic message.
func StatusOf(err error) (int, string) {
	var ve *ValidationError
	var dup *ErrDuplicate
	var te *domain.TransitionError
	switch {
	case errors.As(err, &ve):
		return http.StatusUnprocessableEntity, ve.Error()
	case errors.As(err, &dup):
		return http.StatusConflict, dup.Error()
	case errors.As(err, &te):
		return http.StatusConflict, te.Message
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, ErrNotFound.Error()
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden, ErrForbidden.Error()
	case errors.Is(err, ErrNoCommittee):
		return http.StatusForbidden, ErrNoCommittee.Error()
	case errors.Is(err, ErrStale):
		return http.StatusConflict, ErrStale.Error()
	}
	return http.StatusInternalServerError, "系统暂时无法完成操作，请稍后再试"
}
