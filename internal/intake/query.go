package intake

import (
	"net/url"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// ParseListQuery reads case-list filters shared by the page and the API; it
// returns a Chinese message for a bad value.
func ParseListQuery(v url.Values) (store.CaseQuery, string) {
	var q store.CaseQuery
	q.Text = v.Get("q")
	if s := v.Get("status"); s != "" {
		if !domain.Status(s).Valid() {
			return q, "状态参数无效"
		}
		q.Statuses = []domain.Status{domain.Status(s)}
	}
	if s := v.Get("room"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return q, "工作室参数无效"
		}
		q.RoomID = id
	}
	for _, f := range []struct {
		key string
		dst **time.Time
		add int
	}{{"from", &q.From, 0}, {"to", &q.To, 1}} {
		if s := v.Get(f.key); s != "" {
			d, err := calendar.ParseDate(s)
			if err != nil {
				return q, "日期格式应为 YYYY-MM-DD"
			}
			t := d.AddDays(f.add).Time() // "to" includes the whole day
			*f.dst = &t
		}
	}
	if s := v.Get("after"); s != "" {
		c, err := store.ParseListCursor(s)
		if err != nil {
			return q, store.BadCursorMessage
		}
		q.After = c
	}
	return q, ""
}

// PartyHash is the keyed hash a search text finds parties by when it is a
// mobile number (spaces, dashes, full-width digits and +86 allowed) or a
// resident identity number; "" for any other text. Phones and identity
// numbers are stored sealed, so a text search cannot see them.
func (s *Service) PartyHash(text string) string {
	if s.Sealer == nil {
		return ""
	}
	if m := domain.NormalizeMobile(text); domain.ValidateMobile(m) == nil {
		return s.Sealer.Hash(m)
	}
	if id := domain.NormalizeIDNumber(text); domain.ValidateIDNumber(id) == nil {
		return s.Sealer.Hash(id)
	}
	return ""
}
