// Package archtest holds no code: its test reads the source tree and fails
// when an import breaks the layers docs/architecture.md describes.
package archtest
