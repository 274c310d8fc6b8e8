package sqlstore

import (
	"testing"
	"time"
)

// A remembered answer is found again only by the same statement with the
// same values: values whose characters run together the same way, or print
// alike unquoted, are other questions.
func TestMemoKey(t *testing.T) {
	q := "SELECT COUNT(*) FROM cases c WHERE c.description LIKE $1 AND c.consumer_name LIKE $2"
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	same := [][2][]any{
		{{"%a%", "%bc%"}, {"%a%", "%bc%"}},
		{{int64(3), day}, {int64(3), day}},
	}
	for _, p := range same {
		if memoKey(q, p[0]) != memoKey(q, p[1]) {
			t.Errorf("%v and %v: different keys for the same question", p[0], p[1])
		}
	}
	differ := [][2][]any{
		{{"%a%", "%bc%"}, {"%a%%b", "c%"}},
		{{"a b"}, {"a", "b"}},
		{{int64(12), int64(3)}, {int64(1), int64(23)}},
		{{"1"}, {int64(1)}},
		{{"x\x00y"}, {"x", "y"}},
	}
	for _, p := range differ {
		if memoKey(q, p[0]) == memoKey(q, p[1]) {
			t.Errorf("%v and %v: one key for two questions", p[0], p[1])
		}
	}
	if memoKey(q, nil) == memoKey(q+" ", nil) {
		t.Error("two statements, one key")
	}
}
