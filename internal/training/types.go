package training

import "github.com/tiaojie/tiaojie/internal/store"

// Training is a session as pages show it (named here so pages depend on
// this capability, not on the store).
type Training = store.Training

// Cursor is a page's place in the sessions: a day, then an id.
type Cursor = store.DayCursor

// Kinds of uploaded file.
const (
	FileMaterial    = store.TrainingMaterial
	FileCertificate = store.TrainingCertificate
)
