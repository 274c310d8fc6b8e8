// Package memo remembers the results of pure functions by their whole
// input, within a bound: what a busy page computes again and again from the
// same values (a list row's markup, a case's figures from its stored facts)
// is computed once. The key is the input itself, so a changed input is a
// new key and never answers with a stale result.
package memo

import "sync"

// Memo holds up to Size results per generation in two generations: when the
// current one is full it becomes the old one and the older is dropped. A
// result asked for often stays (a hit in the old generation moves it
// forward) and memory stays within 2×Size without keeping an order.
type Memo[K comparable, V any] struct {
	Size int // results per generation; 0 means 4,096

	mu       sync.Mutex
	cur, old map[K]V
}

// Get is the result remembered for k.
func (m *Memo[K, V]) Get(k K) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.cur[k]; ok {
		return v, true
	}
	v, ok := m.old[k]
	if ok {
		m.put(k, v)
	}
	return v, ok
}

// Put remembers v for k.
func (m *Memo[K, V]) Put(k K, v V) {
	m.mu.Lock()
	m.put(k, v)
	m.mu.Unlock()
}

func (m *Memo[K, V]) put(k K, v V) {
	size := m.Size
	if size <= 0 {
		size = 4096
	}
	if m.cur == nil || len(m.cur) >= size {
		m.old, m.cur = m.cur, make(map[K]V, size)
	}
	m.cur[k] = v
}

// Len is how many results are held.
func (m *Memo[K, V]) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cur) + len(m.old)
}
