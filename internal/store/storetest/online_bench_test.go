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
