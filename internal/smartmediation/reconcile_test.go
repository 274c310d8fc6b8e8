package smartmediation_test

import (
	"fmt"
	"slices"
	"testing"

	sm "github.com/tiaojie/tiaojie/internal/smartmediation"
)

// Every combination for one case code: our side absent, or present with
// no, the same or another platform id and the same or another digest;
// their side absent or present.
func TestReconcileOneCase(t *testing.T) {
	const code, id, dg = "C-2026-000001", "SH-TJ-2026-000001", "d1"
	held := sm.Held{CaseCode: code, PlatformID: id, Digest: dg}
	type k = sm.MismatchKind
	tests := []struct {
		ours   *sm.Ours
		theirs bool
		want   []k
	}{
		{nil, false, nil},
		{nil, true, []k{sm.UnknownToUs}},
		{&sm.Ours{code, "", dg}, false, []k{sm.MissingOnPlatform}},
		{&sm.Ours{code, id, dg}, false, []k{sm.MissingOnPlatform}},
		{&sm.Ours{code, id, "d2"}, false, []k{sm.MissingOnPlatform}},
		{&sm.Ours{code, id, dg}, true, nil},
		{&sm.Ours{code, id, "d2"}, true, []k{sm.ContentDiffers}},
		{&sm.Ours{code, "", dg}, true, []k{sm.PlatformIDUnrecorded}},
		{&sm.Ours{code, "", "d2"}, true, []k{sm.PlatformIDUnrecorded, sm.ContentDiffers}},
		{&sm.Ours{code, "SH-TJ-2026-000009", dg}, true, []k{sm.PlatformIDDiffers}},
		{&sm.Ours{code, "SH-TJ-2026-000009", "d2"}, true, []k{sm.PlatformIDDiffers, sm.ContentDiffers}},
		{&sm.Ours{code, id, ""}, true, []k{sm.ContentDiffers}},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("ours=%v theirs=%v", tt.ours, tt.theirs)
		t.Run(name, func(t *testing.T) {
			var ours []sm.Ours
			var theirs []sm.Held
			if tt.ours != nil {
				ours = append(ours, *tt.ours)
			}
			if tt.theirs {
				theirs = append(theirs, held)
			}
			got := sm.Reconcile(ours, theirs)
			var kinds []k
			for _, m := range got {
				kinds = append(kinds, m.Kind)
				if m.CaseCode != code {
					t.Errorf("mismatch names %q", m.CaseCode)
				}
				if tt.ours != nil && (m.OurPlatformID != tt.ours.PlatformID || m.OurDigest != tt.ours.Digest) {
					t.Errorf("%s: our side %q/%q, want %q/%q", m.Kind, m.OurPlatformID, m.OurDigest, tt.ours.PlatformID, tt.ours.Digest)
				}
				if tt.theirs && (m.TheirPlatformID != id || m.TheirDigest != dg) {
					t.Errorf("%s: their side %q/%q", m.Kind, m.TheirPlatformID, m.TheirDigest)
				}
			}
			if !slices.Equal(kinds, tt.want) {
				t.Errorf("kinds = %v, want %v", kinds, tt.want)
			}
		})
	}
}

func TestReconcileMany(t *testing.T) {
	ours := []sm.Ours{
		{"c", "P3", "x"},  // content differs
		{"a", "P1", "d"},  // in step
		{"b", "P2", "d"},  // missing on platform
		{"a", "P9", "zz"}, // a repeated code of ours: the first counts
		{"e", "", "d"},    // id unrecorded
	}
	theirs := []sm.Held{
		{CaseCode: "e", PlatformID: "P5", Digest: "d"},
		{CaseCode: "a", PlatformID: "P1", Digest: "d"},
		{CaseCode: "d", PlatformID: "P4", Digest: "d"}, // unknown to us
		{CaseCode: "c", PlatformID: "P3", Digest: "d"},
		{CaseCode: "d", PlatformID: "P6", Digest: "q"}, // listed twice
		{CaseCode: "d", PlatformID: "P7", Digest: "r"}, // and thrice
	}
	got := sm.Reconcile(ours, theirs)
	want := []sm.Mismatch{
		{Kind: sm.MissingOnPlatform, CaseCode: "b", OurPlatformID: "P2", OurDigest: "d"},
		{Kind: sm.ContentDiffers, CaseCode: "c", OurPlatformID: "P3", TheirPlatformID: "P3", OurDigest: "x", TheirDigest: "d"},
		{Kind: sm.UnknownToUs, CaseCode: "d", TheirPlatformID: "P4", TheirDigest: "d"},
		{Kind: sm.DuplicateOnPlatform, CaseCode: "d", TheirPlatformID: "P6", TheirDigest: "q"},
		{Kind: sm.DuplicateOnPlatform, CaseCode: "d", TheirPlatformID: "P7", TheirDigest: "r"},
		{Kind: sm.PlatformIDUnrecorded, CaseCode: "e", TheirPlatformID: "P5", OurDigest: "d", TheirDigest: "d"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	if got := sm.Reconcile(nil, nil); len(got) != 0 {
		t.Errorf("nothing on either side: %v", got)
	}
	// The order does not depend on the inputs' order.
	slices.Reverse(theirs)
	ours[0], ours[2] = ours[2], ours[0]
	if again := sm.Reconcile(ours, theirs); len(again) != len(want) {
		t.Errorf("reordered inputs give %d mismatches", len(again))
	} else {
		for i := range want {
			if again[i].Kind != want[i].Kind || again[i].CaseCode != want[i].CaseCode {
				t.Errorf("reordered: %d is %s %s, want %s %s", i, again[i].Kind, again[i].CaseCode, want[i].Kind, want[i].CaseCode)
			}
		}
	}
}

func TestMismatchLabels(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range sm.MismatchKinds {
		l := k.Label()
		if l == string(k) || seen[l] {
			t.Errorf("kind %s needs its own Chinese label, has %q", k, l)
		}
		seen[l] = true
	}
	if sm.MismatchKind("x").Label() != "x" {
		t.Error("unknown kinds show as themselves")
	}
}
