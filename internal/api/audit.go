package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/audittrail"
	"github.com/tiaojie/tiaojie/internal/auth"
)

// AuditEntryJSON is one entry of the audit trail.
type AuditEntryJSON struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	ActorKind  string    `json:"actor_kind"`
	ActorID    int64     `json:"actor_id"`
	Actor      string    `json:"actor"`
	Role       string    `json:"role"`
	UnitID     int64     `json:"unit_id"`
	Action     string    `json:"action"`
	Object     string    `json:"object"`
	Before     string    `json:"before_digest"`
	After      string    `json:"after_digest"`
	RequestID  string    `json:"request_id"`
	ClientAddr string    `json:"client_addr"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// AuditPage is a page of entries, newest first; next_before pages on.
type AuditPage struct {
	Entries    []AuditEntryJSON `json:"entries"`
	NextBefore int64            `json:"next_before,omitempty"`
}

// ListAudit searches the audit trail within the caller's scope:
// ?from=&to= (dates, inclusive), actor=, object= (case:42 or case:), before= (seq).
func (a *API) ListAudit(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	q := audittrail.Query{From: v.Get("from"), To: v.Get("to"), Actor: v.Get("actor"), Object: v.Get("object")}
	if s := v.Get("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			Fail(w, http.StatusBadRequest, "before 应为正整数（上一页最后一条的序号）")
			return
		}
		q.BeforeSeq = n
	}
	res, err := a.AuditTrail.Search(r.Context(), auth.From(r.Context()), q)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := AuditPage{Entries: []AuditEntryJSON{}, NextBefore: res.NextSeq}
	for _, e := range res.Entries {
		out.Entries = append(out.Entries, AuditEntryJSON{Seq: e.Seq, At: e.At, ActorKind: e.Actor.Kind, ActorID: e.Actor.ID, Actor: e.Actor.Name,
			Role: e.Actor.Role, UnitID: e.Actor.UnitID, Action: e.Action, Object: e.Object, Before: e.Before, After: e.After,
			RequestID: e.Actor.RequestID, ClientAddr: e.Actor.Addr, PrevHash: e.Prev, Hash: e.Hash})
	}
	writeJSON(w, http.StatusOK, out)
}
