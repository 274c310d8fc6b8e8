package store

import "context"

type bulkKey struct{}

// WithBulkWrites marks the transactions begun under ctx (InTx and the
// writes it wraps) as bulk: many rows each, no caller waiting on one of
// them. An engine may trade a single write's latency for throughput there
// (SQLite keeps such a transaction's statement journals in a temporary
// file instead of memory: docs/decisions.md "SQLite: an import's statement
// journals on file").
func WithBulkWrites(ctx context.Context) context.Context {
	return context.WithValue(ctx, bulkKey{}, true)
}

// BulkWrites reports whether ctx carries WithBulkWrites.
func BulkWrites(ctx context.Context) bool {
	b, _ := ctx.Value(bulkKey{}).(bool)
	return b
}
