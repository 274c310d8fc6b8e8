package sqlstore

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// A term's plan lasts termPlanFor, and the memory never holds more than
// maxTermPlans terms.
func TestTermPlansExpireAndStayBounded(t *testing.T) {
	var p termPlans
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	if tp := p.get("健身", t0); tp.dense || tp.grams != nil {
		t.Fatalf("an unseen term has a plan: %+v", tp)
	}
	p.put("健身", t0, termPlan{dense: true, grams: []string{"健身"}})
	if tp := p.get("健身", t0.Add(termPlanFor-time.Second)); !tp.dense || !slices.Equal(tp.grams, []string{"健身"}) {
		t.Errorf("a plan was forgotten before it expired: %+v", tp)
	}
	if tp := p.get("健身", t0.Add(termPlanFor)); tp.dense || tp.grams != nil {
		t.Errorf("a plan outlived termPlanFor: %+v", tp)
	}
	if tp := p.get("健身", t0); tp.dense {
		t.Error("an expired plan came back")
	}
	for i := range maxTermPlans + 10 {
		p.put(fmt.Sprint(i), t0, termPlan{dense: true})
		if len(p.at) > maxTermPlans {
			t.Fatalf("%d terms held, bound %d", len(p.at), maxTermPlans)
		}
	}
	var none *termPlans
	none.put("健身", t0, termPlan{dense: true})
	if none.get("健身", t0).dense {
		t.Error("a store without the memory knows a term")
	}
}
