// Package evaluation holds the pure rules of performance evaluation (绩效评估):
// the facts of one case derived from its event log, versioned scoring
// schemes, the score of a subject (mediator, room, committee) over a period
// and rankings. It does no I/O: callers load events and pass them in, so a
// rollup, a rebuild and a test all compute the same figures. The definitions
// are written out in docs/evaluation.md.
package evaluation

import (
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// Event is one entry of a case's event log, as the store keeps it
// (store.Event maps field by field; the store is not imported so this
// package stays pure). Type is a domain.Action or a note type such as
// "received", "performed", "commendation".
type Event struct {
	Type       string
	At         time.Time
	FromStatus domain.Status
	ToStatus   domain.Status
	ActorID    int64
	ReasonCode string
	Note       string
	Data       string // JSON; see the keys read in facts.go
}

// Case is what Derive needs of one case: a few columns of its row that no
// event carries, and its events in log order.
type Case struct {
	ID int64
	// ReceivedAt is when the complaint reached the committee (the row's
	// received_at; may be earlier than its "received" event when entered late).
	ReceivedAt time.Time
	// PolicyID is the deadline policy the case runs under (0 = the one in
	// force on the day it was received).
	PolicyID int64
	// PresidingID is the row's presiding mediator. Assignment events do not
	// carry the mediator's id today, so it is the fallback; a case's presiding
	// mediator cannot change after closure, so on a closed case it is the
	// presiding mediator at closure.
	PresidingID int64
	// AgreementTerms is the number of terms of the case's agreement (0 when
	// unknown): "performed" events record one term each.
	AgreementTerms int
	// ClaimFen is the amount claimed; Diverted whether market regulation
	// diverted the complaint (both from the row, for the headline).
	ClaimFen int64
	Diverted bool
	// Parties is how many parties the case has (当事人数).
	Parties int
	Events  []Event
}
