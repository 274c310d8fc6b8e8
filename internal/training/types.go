package training

import "github.com/tiaojie/tiaojie/internal/store"

// Training is a session as pages show it (named here so pages depend on
// this capability, not on the store).
type Training = store.Training

// Kinds of uploaded file.
const (
	FileMaterial    = store.TrainingMaterial
	FileCertificate = store.TrainingCertificate
)
