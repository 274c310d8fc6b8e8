package sqlstore

import "strings"

// fenced is a walk of one index under its own conditions (index, in
// order when order is given) with the other conditions (filters) after an
// OFFSET 0 fence, which PostgreSQL neither flattens nor pushes conditions
// into: a plan made once, without the values (readGeneric), is then that
// walk whatever they are; beside the index's conditions, a scope's path
// ranges made it a bitmap of the path indexes. The subquery is named c,
// so the filters read as they would on the table; cols must hold every
// column they read (docs/decisions.md "PostgreSQL: the clock lists
// planned once, their filters after a fence").
func fenced(cols, from string, index []string, order string, filters []string) string {
	s := `(SELECT ` + cols + ` FROM ` + from + ` WHERE ` + strings.Join(index, " AND ") + order + ` OFFSET 0) c`
	if len(filters) > 0 {
		s += ` WHERE ` + strings.Join(filters, " AND ")
	}
	return s
}
