package web

import (
	"fmt"
	"html/template"
	"strings"
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
// fifty. At most twice as many are held (memo.Memo), about 1.5 kB each.
const rowMemoSize = 5000

type rowKey struct {
	tmpl string
	row  listRow
}

// row is the template function {{row "name" .}}: the markup of the row
// template name for r, from the memo or rendered and remembered.
func (pg *Pages) row(name string, r listRow) (template.HTML, error) {
	k := rowKey{name, r}
	if h, ok := pg.memo.Get(k); ok {
		return h, nil
	}
	var b strings.Builder
	if err := pg.rows.ExecuteTemplate(&b, name, r); err != nil {
		return "", fmt.Errorf("row %s: %w", name, err)
	}
	h := template.HTML(b.String())
	pg.memo.Put(k, h)
	return h, nil
}
