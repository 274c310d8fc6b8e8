package consent_test

import (
	"testing"

	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// TestMain copies a migrated template for each fresh database and drops the
// templates at the end.
func TestMain(m *testing.M) { storetest.Main(m) }
