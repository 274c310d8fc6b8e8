package peer

import (
	"net/http"
	"slices"

	sm "github.com/tiaojie/tiaojie/internal/smartmediation"
)

func (s *Server) putOrg(w http.ResponseWriter, r *http.Request) {
	var rec sm.OrgRecord
	if !s.decode(w, r, &rec) {
		return
	}
	if rec.Code != r.PathValue("code") {
		s.refuse(w, http.StatusUnprocessableEntity, apiError{Code: "invalid", Message: "路径中的编码与正文不一致",
			Fields: []sm.FieldError{{Field: "code", Message: "路径中的编码与正文不一致"}}})
		return
	}
	if err := rec.Validate(s.codes); err != nil {
		s.invalid(w, err)
		return
	}
	// A key sends its committee and the rooms under it, nothing else.
	if c := r.Header.Get("X-Tiaojie-Committee"); rec.Code != c && rec.ParentCode != c {
		s.refuse(w, http.StatusForbidden, apiError{Code: "forbidden", Message: "只能报送本调委会及其调解工作室"})
		return
	}
	s.upsert(w, s.orgs, "ORG", rec.Code, rec)
}

func (s *Server) putMediator(w http.ResponseWriter, r *http.Request) {
	var rec sm.MediatorRecord
	if !s.decode(w, r, &rec) {
		return
	}
	if rec.Code != r.PathValue("code") {
		s.refuse(w, http.StatusUnprocessableEntity, apiError{Code: "invalid", Message: "路径中的编码与正文不一致",
			Fields: []sm.FieldError{{Field: "code", Message: "路径中的编码与正文不一致"}}})
		return
	}
	if err := rec.Validate(s.codes); err != nil {
		s.invalid(w, err)
		return
	}
	if rec.CommitteeCode != r.Header.Get("X-Tiaojie-Committee") {
		s.refuse(w, http.StatusForbidden, apiError{Code: "forbidden", Message: "只能报送本调委会的调解员"})
		return
	}
	s.upsert(w, s.mediators, "MED", rec.Code, rec)
}

// upsert stores an org or mediator by code, unchanged when identical.
func (s *Server) upsert(w http.ResponseWriter, into map[string]*Entity, kind, code string, rec any) {
	sum, body := digest(rec)
	s.mu.Lock()
	e, ok := into[code]
	status, unchanged := http.StatusOK, ok && e.Digest == sum
	switch {
	case unchanged:
		s.counts.Unchanged++
	case !ok:
		e = &Entity{PlatformID: s.nextID(kind)}
		into[code] = e
		status = http.StatusCreated
		fallthrough
	default:
		e.Revision++
		e.Digest, e.Body = sum, body
		s.counts.Accepted++
	}
	answer := putAnswer{sm.FormatVersion, e.PlatformID, e.Revision, unchanged, e.Digest}
	s.mu.Unlock()
	writeJSON(w, status, answer)
}

// Org returns a committee or room the peer holds.
func (s *Server) Org(code string) (Entity, bool) { return s.entity(s.orgs, code) }

// Mediator returns a mediator the peer holds.
func (s *Server) Mediator(code string) (Entity, bool) { return s.entity(s.mediators, code) }

func (s *Server) entity(from map[string]*Entity, code string) (Entity, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := from[code]
	if !ok {
		return Entity{}, false
	}
	c := *e
	c.Body = slices.Clone(e.Body)
	return c, true
}
