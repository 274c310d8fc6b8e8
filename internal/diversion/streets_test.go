package diversion_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/diversion"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

func TestStreetsByCommitteeScope(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			c, err := w.div.Committee(ctx, w.committeeP, 0)
			if err != nil || c.ID != w.committee.ID {
				t.Fatalf("committee of its staff: %+v %v", c, err)
			}
			if _, err := w.div.Committee(ctx, w.regulatorP, 0); !errors.Is(err, diversion.ErrNoCommittee) {
				t.Fatalf("regulator's committee: %v", err)
			}
			if _, err := w.div.Committee(ctx, w.xhP, w.committee.ID); !errors.Is(err, diversion.ErrNoCommittee) {
				t.Fatalf("徐汇 picks 浦东's committee: %v", err)
			}
			streets, err := w.div.Streets(ctx, w.committeeP, w.committee)
			if err != nil || strings.Join(streets[w.lujiazui.ID], "、") != "陆家嘴街道" {
				t.Fatalf("streets: %v %v", streets, err)
			}
			if _, err := w.div.Streets(ctx, w.xhP, w.committee); !errors.Is(err, access.ErrForbidden) {
				t.Fatalf("徐汇 reads 浦东's streets: %v", err)
			}
			// Another committee's staff, a room that is not an office room, a street another room holds.
			if _, err := w.div.SaveStreets(ctx, w.xhP, w.committee, w.huamu.ID, []string{"张江镇"}); !errors.Is(err, access.ErrForbidden) {
				t.Fatalf("徐汇 sets 浦东's streets: %v", err)
			}
			if _, err := w.div.SaveStreets(ctx, w.committeeP, w.committee, w.mall.ID, []string{"张江镇"}); access.Fields(err)["room"] == "" {
				t.Fatalf("streets on an enterprise room: %v", err)
			}
			if _, err := w.div.SaveStreets(ctx, w.committeeP, w.committee, w.huamu.ID, []string{"花木街道", "陆家嘴街道"}); statusOf(err) != 409 {
				t.Fatalf("a street of another room: %v", err)
			}
			if got, _ := w.div.Streets(ctx, w.committeeP, w.committee); strings.Join(got[w.huamu.ID], "、") != "花木街道" {
				t.Fatalf("a refused save changed the streets: %v", got[w.huamu.ID])
			}
			room, err := w.div.SaveStreets(ctx, w.committeeP, w.committee, w.huamu.ID, []string{"花木街道", "张江镇"})
			if err != nil || room.ID != w.huamu.ID {
				t.Fatal(err)
			}
			got, _ := w.div.Streets(ctx, w.committeeP, w.committee)
			slices.Sort(got[w.huamu.ID])
			if strings.Join(got[w.huamu.ID], "、") != "张江镇、花木街道" {
				t.Fatalf("saved streets: %v", got[w.huamu.ID])
			}
		})
	}
}

func statusOf(err error) int { s, _ := access.StatusOf(err); return s }
