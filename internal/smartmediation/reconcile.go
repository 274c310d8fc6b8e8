package smartmediation

import (
	"slices"
	"strings"
)

// Ours is one case as we know it: its code, the platform id we recorded
// ("" when no answer reached us) and the digest of the record built now.
type Ours struct {
	CaseCode   string
	PlatformID string
	Digest     string
}

// MismatchKind says how our side and the platform's differ on one case.
type MismatchKind string

const (
	// MissingOnPlatform: we have the case, the platform does not: send it.
	MissingOnPlatform MismatchKind = "missing_on_platform"
	// UnknownToUs: the platform holds a case code we do not have.
	UnknownToUs MismatchKind = "unknown_to_us"
	// PlatformIDDiffers: both hold the case under different platform ids.
	PlatformIDDiffers MismatchKind = "platform_id_differs"
	// PlatformIDUnrecorded: the platform holds it, we never recorded its id
	// (an accepted write whose answer was lost): record theirs.
	PlatformIDUnrecorded MismatchKind = "platform_id_unrecorded"
	// ContentDiffers: the platform's last accepted body is not what we would
	// send now: send it again.
	ContentDiffers MismatchKind = "content_differs"
	// DuplicateOnPlatform: the platform lists one case code more than once.
	DuplicateOnPlatform MismatchKind = "duplicate_on_platform"
)

// MismatchKinds lists every kind in report order.
var MismatchKinds = []MismatchKind{MissingOnPlatform, UnknownToUs, PlatformIDDiffers, PlatformIDUnrecorded, ContentDiffers, DuplicateOnPlatform}

var mismatchLabels = map[MismatchKind]string{
	MissingOnPlatform:    "平台上没有该案件",
	UnknownToUs:          "平台上有本系统没有的案件",
	PlatformIDDiffers:    "平台编号不一致",
	PlatformIDUnrecorded: "本系统未记录平台编号",
	ContentDiffers:       "平台上的内容不是最新",
	DuplicateOnPlatform:  "平台重复列出该案件",
}

// Label is the Chinese name of the kind.
func (k MismatchKind) Label() string {
	if l, ok := mismatchLabels[k]; ok {
		return l
	}
	return string(k)
}

// Mismatch is one difference found by Reconcile.
type Mismatch struct {
	Kind            MismatchKind
	CaseCode        string
	OurPlatformID   string
	TheirPlatformID string
	OurDigest       string
	TheirDigest     string
}

// Reconcile compares what we have with what the platform holds and lists
// every difference, ordered by case code, then by kind. A case can differ
// in its id and its content at once. When ours lists a code twice the
// first entry counts; when theirs does, each extra entry is reported.
func Reconcile(ours []Ours, theirs []Held) []Mismatch {
	mine := map[string]Ours{}
	for _, o := range ours {
		if _, dup := mine[o.CaseCode]; !dup {
			mine[o.CaseCode] = o
		}
	}
	held := map[string]Held{}
	var out []Mismatch
	for _, h := range theirs {
		if _, dup := held[h.CaseCode]; dup {
			out = append(out, Mismatch{Kind: DuplicateOnPlatform, CaseCode: h.CaseCode, TheirPlatformID: h.PlatformID, TheirDigest: h.Digest})
			continue
		}
		held[h.CaseCode] = h
	}
	for code, o := range mine {
		h, ok := held[code]
		m := Mismatch{CaseCode: code, OurPlatformID: o.PlatformID, OurDigest: o.Digest, TheirPlatformID: h.PlatformID, TheirDigest: h.Digest}
		if !ok {
			m.Kind = MissingOnPlatform
			out = append(out, m)
			continue
		}
		switch {
		case o.PlatformID == "":
			m.Kind = PlatformIDUnrecorded
			out = append(out, m)
		case o.PlatformID != h.PlatformID:
			m.Kind = PlatformIDDiffers
			out = append(out, m)
		}
		if o.Digest != h.Digest {
			m.Kind = ContentDiffers
			out = append(out, m)
		}
	}
	for code, h := range held {
		if _, ok := mine[code]; !ok {
			out = append(out, Mismatch{Kind: UnknownToUs, CaseCode: code, TheirPlatformID: h.PlatformID, TheirDigest: h.Digest})
		}
	}
	slices.SortStableFunc(out, func(a, b Mismatch) int {
		if c := strings.Compare(a.CaseCode, b.CaseCode); c != 0 {
			return c
		}
		return slices.Index(MismatchKinds, a.Kind) - slices.Index(MismatchKinds, b.Kind)
	})
	return out
}
