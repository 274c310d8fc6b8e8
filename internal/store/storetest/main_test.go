package storetest

import (
	"testing"
)

// TestMain copies a migrated template for each fresh database and drops the
// templates at the end.
func TestMain(m *testing.M) { Main(m) }
