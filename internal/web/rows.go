package web

import (
	"fmt"
	"html/template"
	"strings"
	"sync"
)

// A list page (the case list, the desks) renders up to fifty rows, and each
// row's fourteen values went through html/template's escapers by
// reflection: 17 µs a row, nine tenths of the case list's rendering
// (docs/performance.md). A row's markup depends on nothing but its
// listRow (the row templates in templates/rows/ are executed with the row
// as their only data), so it is remembered by the row's whole value: the
// same case shown unchanged to the next reader costs a map lookup, and a
// case that changed is a different key, never a stale row.

// rowMemoSize is the rows remembered per generation: a hundred pages of
// fifty. At most twice as many are held (rowMemo), about 1.5 kB each.
const rowMemoSize = 5000

type rowKey struct {
	tmpl string
	row  listRow
}

// rowMemo remembers rendered rows in two generations: when the current one
// is full it becomes the old one and the older is dropped, so a row read
// often stays (a hit in the old generation moves it forward) and memory is
// bounded without keeping an order.
type rowMemo struct {
	mu       sync.Mutex
	cur, old map[rowKey]template.HTML
}

func (m *rowMemo) get(k rowKey) (template.HTML, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if h, ok := m.cur[k]; ok {
		return h, true
	}
	h, ok := m.old[k]
	if ok {
		m.putLocked(k, h)
	}
	return h, ok
}

func (m *rowMemo) put(k rowKey, h template.HTML) {
	m.mu.Lock()
	m.putLocked(k, h)
	m.mu.Unlock()
}

func (m *rowMemo) putLocked(k rowKey, h template.HTML) {
	if m.cur == nil || len(m.cur) >= rowMemoSize {
		m.old, m.cur = m.cur, make(map[rowKey]template.HTML, rowMemoSize)
	}
	m.cur[k] = h
}

// size is how many rows are held.
func (m *rowMemo) size() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cur) + len(m.old)
}

// row is the template function {{row "name" .}}: the markup of the row
// template name for r, from the memo or rendered and remembered.
func (pg *Pages) row(name string, r listRow) (template.HTML, error) {
	k := rowKey{name, r}
	if h, ok := pg.memo.get(k); ok {
		return h, nil
	}
	var b strings.Builder
	if err := pg.rows.ExecuteTemplate(&b, name, r); err != nil {
		return "", fmt.Errorf("row %s: %w", name, err)
	}
	h := template.HTML(b.String())
	pg.memo.put(k, h)
	return h, nil
}
