package peer

import (
	"encoding/base64"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"time"

	sm "github.com/tiaojie/tiaojie/internal/smartmediation"
)

// putAnswer is the body of a successful PUT.
type putAnswer struct {
	FormatVersion string `json:"format_version"`
	PlatformID    string `json:"platform_id"`
	Revision      int    `json:"revision"`
	Unchanged     bool   `json:"unchanged"`
	Digest        string `json:"digest"`
}

func (s *Server) putCase(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		s.refuse(w, http.StatusBadRequest, apiError{Code: "bad_request", Message: "缺少Idempotency-Key请求头"})
		return
	}
	var rec sm.CaseRecord
	if !s.decode(w, r, &rec) {
		return
	}
	if rec.CaseCode != code {
		s.refuse(w, http.StatusUnprocessableEntity, apiError{Code: "invalid", Message: "路径中的案件编码与正文不一致",
			Fields: []sm.FieldError{{Field: "case_code", Message: "路径中的案件编码与正文不一致"}}})
		return
	}
	if err := rec.Validate(s.codes); err != nil {
		s.invalid(w, err)
		return
	}
	if rec.CommitteeCode != r.Header.Get("X-Tiaojie-Committee") {
		s.refuse(w, http.StatusForbidden, apiError{Code: "forbidden", Message: "不能报送其他调委会的案件"})
		return
	}
	if fe, ok := s.rejection(code); ok {
		s.refuse(w, http.StatusUnprocessableEntity, apiError{Code: "invalid", Message: fe.Message, Fields: []sm.FieldError{fe}})
		return
	}
	sum, _ := digest(rec)
	status, answer, refusal := s.storeCase(rec, sum, key, r.URL.Path)
	if refusal != nil {
		s.refuse(w, status, *refusal)
		return
	}
	if s.failAfterAccept() {
		writeJSON(w, http.StatusInternalServerError, apiError{Code: "internal", Message: "平台内部错误"})
		return
	}
	writeJSON(w, status, answer)
}

// storeCase upserts under the lock: the same code keeps its platform id,
// the same body changes nothing, another code with the same 案号 is a
// duplicate.
func (s *Server) storeCase(rec sm.CaseRecord, sum, key, path string) (int, putAnswer, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if used, ok := s.keys[key]; ok && used != path+" "+sum {
		return http.StatusUnprocessableEntity, putAnswer{}, &apiError{Code: "idempotency_key_reused", Message: "Idempotency-Key已用于另一请求正文"}
	}
	if other, ok := s.dockets[rec.DocketNumber]; ok && other != rec.CaseCode {
		return http.StatusConflict, putAnswer{}, &apiError{Code: "duplicate", ExistingPlatformID: s.cases[other].PlatformID,
			Message: "案号“" + rec.DocketNumber + "”已由案件编码" + other + "登记"}
	}
	if refusal := s.references(rec); refusal != nil {
		return http.StatusUnprocessableEntity, putAnswer{}, refusal
	}
	s.keys[key] = path + " " + sum
	st, ok := s.cases[rec.CaseCode]
	if ok && st.Digest == sum {
		s.counts.Unchanged++
		return http.StatusOK, putAnswer{sm.FormatVersion, st.PlatformID, st.Revision, true, st.Digest}, nil
	}
	status := http.StatusOK
	if !ok {
		st = &Stored{PlatformID: s.nextID("")}
		s.cases[rec.CaseCode] = st
		s.counts.Cases++
		status = http.StatusCreated
	} else {
		delete(s.dockets, st.Record.DocketNumber)
	}
	s.dockets[rec.DocketNumber] = rec.CaseCode
	st.Record, st.Digest, st.UpdatedAt = rec, sum, s.opts.Now().UTC()
	st.Revision++
	s.writes[rec.CaseCode]++
	s.counts.Accepted++
	return status, putAnswer{sm.FormatVersion, st.PlatformID, st.Revision, false, st.Digest}, nil
}

// references checks, when asked to, that what a case names was sent first.
func (s *Server) references(rec sm.CaseRecord) *apiError {
	if !s.opts.StrictReferences {
		return nil
	}
	var fields []sm.FieldError
	if s.orgs[rec.CommitteeCode] == nil {
		fields = append(fields, sm.FieldError{Field: "committee_code", Message: "调委会编码“" + rec.CommitteeCode + "”未登记"})
	}
	if rec.RoomCode != "" && s.orgs[rec.RoomCode] == nil {
		fields = append(fields, sm.FieldError{Field: "room_code", Message: "调解工作室编码“" + rec.RoomCode + "”未登记"})
	}
	for i, m := range rec.MediatorCodes {
		if s.mediators[m] == nil {
			fields = append(fields, sm.FieldError{Field: "mediator_codes." + strconv.Itoa(i), Message: "调解员编码“" + m + "”未登记"})
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &apiError{Code: "invalid", Message: fields[0].Message, Fields: fields}
}

// listAnswer is one page of the listing.
type listAnswer struct {
	FormatVersion string    `json:"format_version"`
	Items         []sm.Held `json:"items"`
	NextPageToken string    `json:"next_page_token"`
}

// listCases pages through a committee's cases by case code; the token is
// the last code of the previous page.
func (s *Server) listCases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	committee := q.Get("committee")
	if committee == "" {
		s.refuse(w, http.StatusBadRequest, apiError{Code: "bad_request", Message: "缺少committee参数"})
		return
	}
	if committee != r.Header.Get("X-Tiaojie-Committee") {
		s.refuse(w, http.StatusForbidden, apiError{Code: "forbidden", Message: "不能查看其他调委会的案件"})
		return
	}
	after := ""
	if t := q.Get("page_token"); t != "" {
		b, err := base64.RawURLEncoding.DecodeString(t)
		if err != nil || len(b) == 0 {
			s.refuse(w, http.StatusBadRequest, apiError{Code: "bad_request", Message: "page_token无效"})
			return
		}
		after = string(b)
	}
	size := s.opts.PageSize
	if n, err := strconv.Atoi(q.Get("page_size")); err == nil && n > 0 && n < size {
		size = n
	}
	s.mu.Lock()
	var codes []string
	for code, st := range s.cases {
		if st.Record.CommitteeCode == committee && code > after {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	a := listAnswer{FormatVersion: sm.FormatVersion, Items: []sm.Held{}}
	for i, code := range codes {
		if i == size {
			a.NextPageToken = base64.RawURLEncoding.EncodeToString([]byte(codes[i-1]))
			break
		}
		st := s.cases[code]
		a.Items = append(a.Items, sm.Held{CaseCode: code, PlatformID: st.PlatformID, Digest: st.Digest,
			Revision: st.Revision, UpdatedAt: st.UpdatedAt.Truncate(time.Second)})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, a)
}

// Case returns the case the peer holds under a case code.
func (s *Server) Case(code string) (Stored, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.cases[code]
	if !ok {
		return Stored{}, false
	}
	c := *st // callers may not reach the peer's own slices
	c.Record.MediatorCodes = slices.Clone(st.Record.MediatorCodes)
	c.Record.Parties = slices.Clone(st.Record.Parties)
	return c, true
}

// Writes is how many revisions of a case were stored (identical repeats
// and refused writes do not count).
func (s *Server) Writes(code string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes[code]
}

// Count returns the counters.
func (s *Server) Count() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts
}
