// Package audit holds the pure parts of the audit trail (审计日志): who is
// acting (carried in the request's context down to the store, which appends
// one entry per committed transaction), the entry's canonical form, and the
// hash chain that makes a changed byte detectable.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Actor kinds.
const (
	KindUser   = "user"   // a signed-in person
	KindKey    = "key"    // a machine client's API key
	KindParty  = "party"  // a consumer or merchant through a personal link or the public form
	KindSystem = "system" // sweeps, the demo generator, the command line
)

// Actor is who caused a change, as the request knew them.
type Actor struct {
	Kind      string
	ID        int64  // user or key id
	Name      string // username, key name, or a description ("公众", "当事人链接")
	Role      string // the role binding the route was entered with
	UnitID    int64  // the org unit of that binding
	UnitPath  string // its materialised path, so auditors see their own subtree
	RequestID string
	Addr      string // client address
}

type ctxKey struct{}

// With returns ctx carrying the actor.
func With(ctx context.Context, a Actor) context.Context { return context.WithValue(ctx, ctxKey{}, a) }

// From returns the actor in ctx, or the system actor when there is none:
// every write is attributed to someone.
func From(ctx context.Context) Actor {
	if a, ok := ctx.Value(ctxKey{}).(Actor); ok {
		return a
	}
	return Actor{Kind: KindSystem, Name: "系统"}
}

// Entry is one line of the trail.
type Entry struct {
	Seq    int64
	At     time.Time
	Actor  Actor
	Action string // what was done, e.g. "apply case event" or "reveal phone"
	Object string // what it was done to, e.g. "case:42"; "" when the action names no single object
	// Before and After are SHA-256 digests: After of the values written,
	// Before the After of the previous entry about the same object.
	Before, After string
	Prev, Hash    string // the chain: Hash covers Prev and every field above
}

// Genesis is the Prev of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Canonical time: microseconds, UTC — what both engines store exactly.
func Canonical(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// ComputeHash is the entry's hash over its fields in a fixed order; a field
// cannot bleed into the next because each is length-prefixed.
func (e Entry) ComputeHash() string {
	var b strings.Builder
	put := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	put(e.Prev)
	put(strconv.FormatInt(e.Seq, 10))
	put(Canonical(e.At).Format(time.RFC3339Nano))
	put(e.Actor.Kind)
	put(strconv.FormatInt(e.Actor.ID, 10))
	put(e.Actor.Name)
	put(e.Actor.Role)
	put(strconv.FormatInt(e.Actor.UnitID, 10))
	put(e.Actor.UnitPath)
	put(e.Actor.RequestID)
	put(e.Actor.Addr)
	put(e.Action)
	put(e.Object)
	put(e.Before)
	put(e.After)
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// Break is the first entry where the chain does not hold.
type Break struct {
	Seq    int64
	Reason string // Chinese, for the operator
}

func (b Break) Error() string { return fmt.Sprintf("审计日志第 %d 条：%s", b.Seq, b.Reason) }

// Verifier checks entries handed to it in sequence order.
type Verifier struct {
	prev    string
	nextSeq int64
	Checked int64
}

// NewVerifier starts at the beginning of the chain.
func NewVerifier() *Verifier { return &Verifier{prev: Genesis, nextSeq: 1} }

// Check takes the next entry; it returns a *Break at the first one that does
// not follow from the entries before it.
func (v *Verifier) Check(e Entry) error {
	switch {
	case e.Seq != v.nextSeq:
		return &Break{Seq: e.Seq, Reason: fmt.Sprintf("序号不连续（应为 %d），有条目被删除或插入", v.nextSeq)}
	case e.Prev != v.prev:
		return &Break{Seq: e.Seq, Reason: "与前一条的链接不符，前一条或本条已被改动"}
	case e.ComputeHash() != e.Hash:
		return &Break{Seq: e.Seq, Reason: "内容与其哈希值不符，本条已被改动"}
	}
	v.prev, v.nextSeq = e.Hash, e.Seq+1
	v.Checked++
	return nil
}

// Head is the hash the next entry must link to.
func (v *Verifier) Head() string { return v.prev }

// Walker reads the stored trail in chain order (store.Store has it).
type Walker interface {
	WalkAudit(ctx context.Context, fn func(Entry) error) (headSeq int64, headHash string, err error)
}

// VerifyChain checks every stored entry and that the chain ends where the
// head says, so a removed tail is caught too. It returns how many entries
// held and, at the first that does not, a *Break.
func VerifyChain(ctx context.Context, w Walker) (int64, error) {
	v := NewVerifier()
	headSeq, headHash, err := w.WalkAudit(ctx, v.Check)
	if err != nil {
		return v.Checked, err
	}
	if v.Checked != headSeq || v.Head() != headHash {
		return v.Checked, &Break{Seq: v.Checked + 1, Reason: fmt.Sprintf("链尾与记录的链头不符（应有 %d 条，实有 %d 条），有条目被删除", headSeq, v.Checked)}
	}
	return v.Checked, nil
}
