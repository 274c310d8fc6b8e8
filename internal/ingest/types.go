package ingest

import "github.com/tiaojie/tiaojie/internal/store"

// Batch is an import's record as its page shows it (named here so pages
// depend on this capability, not on the store).
type Batch = store.ImportBatch
