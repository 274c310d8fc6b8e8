package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// BenchmarkConversation measures the online-mediation reads on a busy case
// (5,000 messages) of a mediator with 200 open cases that all have talk:
// opening the page (newest 500), a stream's look for what is new, and the
// desk's list of channels awaiting a reply.
func BenchmarkConversation(b *testing.B) {
	for _, e := range Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			f := newFixture(b, db)
			med := store.User{Username: "bm", DisplayName: "调解员", PasswordHash: "x", Active: true}
			db.CreateUser(ctx, &med)
			var busy store.Case
			var last int64
			for i := 0; i < 200; i++ {
				c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, fmt.Sprintf("B%04d", i)))
				if err != nil {
					b.Fatal(err)
				}
				db.AssignCase(ctx, c.ID, c.Version, []int64{med.ID}, 0, store.CaseChange{Status: domain.StatusMediating}, store.Event{Type: "assign"})
				n := 3
				if i == 0 {
					busy, n = c, 5000
				}
				for j := 0; j < n; j++ {
					ch := []string{store.ChannelJoint, store.ChannelConsumer, store.ChannelMerchant}[j%3]
					author := []string{"mediator", "consumer", "merchant"}[j%3]
					m := store.Message{CaseID: c.ID, Channel: ch, Author: author, AuthorName: author, Body: "关于退款金额的意见，第" + fmt.Sprint(j) + "条"}
					if err := db.AddMessage(ctx, &m); err != nil {
						b.Fatal(err)
					}
					last = m.ID
				}
			}
			all := []string{store.ChannelJoint, store.ChannelConsumer, store.ChannelMerchant}
			b.Run("page", func(b *testing.B) {
				for b.Loop() {
					if ms, err := db.ListMessages(ctx, store.MessageQuery{CaseID: busy.ID, Channels: all}); err != nil || len(ms) != 500 {
						b.Fatal(len(ms), err)
					}
				}
			})
			b.Run("stream-look", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.ListMessages(ctx, store.MessageQuery{CaseID: busy.ID, Channels: all[:2], AfterID: last - 10}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("awaiting-reply", func(b *testing.B) {
				for b.Loop() {
					if th, err := db.ListAwaitingReply(ctx, med.ID); err != nil || len(th) == 0 {
						b.Fatal(len(th), err)
					}
				}
			})
		})
	}
}

// BenchmarkAwaitingReplyYears measures the desk's channels awaiting a reply
// for a mediator with 20 open cases with talk and years of closed ones,
// beside 5,000 open cases of another mediator (issue 17): the read must follow the open cases, not every case the
// mediator was ever assigned.
func BenchmarkAwaitingReplyYears(b *testing.B) {
	for _, e := range Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			f := newFixture(b, db)
			med := store.User{Username: "bm", DisplayName: "调解员", PasswordHash: "x", Active: true}
			db.CreateUser(ctx, &med)
			for _, c := range insertCases(b, db, f, 20) {
				db.AssignCase(ctx, c.ID, c.Version, []int64{med.ID}, 0, store.CaseChange{Status: domain.StatusMediating}, store.Event{Type: "assign"})
				m := store.Message{CaseID: c.ID, Channel: store.ChannelConsumer, Author: "consumer", AuthorName: "张", Body: "请尽快处理"}
				if err := db.AddMessage(ctx, &m); err != nil {
					b.Fatal(err)
				}
			}
			// Other mediators' open cases: the committee's work in hand.
			busy := store.User{Username: "bm2", DisplayName: "调解员乙", PasswordHash: "x", Active: true}
			db.CreateUser(ctx, &busy)
			others := insertCases(b, db, f, 5000)
			if _, err := db.Writer().ExecContext(ctx, `UPDATE cases SET presiding_id = $1, status = 'mediating' WHERE id BETWEEN $2 AND $3`,
				busy.ID, others[0].ID, others[len(others)-1].ID); err != nil {
				b.Fatal(err)
			}
			closed := 0
			for _, n := range []int{2000, 20000} {
				cs := insertCases(b, db, f, n-closed)
				w := db.Writer()
				if _, err := w.ExecContext(ctx, `INSERT INTO case_mediators (case_id, user_id, presiding, assigned_at)
					SELECT id, $1, $2, $3 FROM cases WHERE id BETWEEN $4 AND $5`, med.ID, true, t0, cs[0].ID, cs[len(cs)-1].ID); err != nil {
					b.Fatal(err)
				}
				if _, err := w.ExecContext(ctx, `UPDATE cases SET presiding_id = $1, status = 'archived' WHERE id BETWEEN $2 AND $3`,
					med.ID, cs[0].ID, cs[len(cs)-1].ID); err != nil {
					b.Fatal(err)
				}
				if _, err := w.ExecContext(ctx, `ANALYZE`); err != nil {
					b.Fatal(err)
				}
				closed = n
				b.Run(fmt.Sprintf("closed=%d", n), func(b *testing.B) {
					for b.Loop() {
						if th, err := db.ListAwaitingReply(ctx, med.ID); err != nil || len(th) != 20 {
							b.Fatal(len(th), err)
						}
					}
				})
			}
		})
	}
}
