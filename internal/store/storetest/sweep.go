package storetest

import (
	"context"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
)

// AllCases reads every case of st, oldest id first, by pages keyed on the
// last id seen (each page an index seek; an offset would walk every earlier
// row again).
func AllCases(t testing.TB, st store.Store) []store.Case {
	t.Helper()
	var out []store.Case
	q := store.CaseQuery{Scope: store.Scope{All: true}, ByID: true, Limit: 500}
	for {
		p, err := st.ListCases(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Cases...)
		if len(p.Cases) < q.Limit {
			return out
		}
		q.AfterID = p.Cases[len(p.Cases)-1].ID
	}
}
