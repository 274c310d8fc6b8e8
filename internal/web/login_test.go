package web

import "testing"

// next after sign-in stays on this site: anything a browser could read as
// another host (after dropping tabs and newlines, or reading "\" as "/")
// lands on "/".
func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "/",
		"/":                        "/",
		"/cases":                   "/cases",
		"/cases/42?tab=events#top": "/cases/42?tab=events#top",
		"/desk?q=%E5%BC%A0":        "/desk?q=%E5%BC%A0",
		"/%09/evil.example":        "/", // decodes to a tab
		"/\t/evil.example":         "/",
		"/\n/evil.example":         "/",
		"/\r\n/evil.example":       "/",
		"//evil.example":           "/",
		"///evil.example":          "/",
		"/\\evil.example":          "/",
		"\\\\evil.example":         "/",
		"/\\/evil.example":         "/",
		"https://evil.example":     "/",
		"http:/evil.example":       "/",
		"javascript:alert(1)":      "/",
		"evil.example":             "/",
		"/ /evil.example":          "/",
		"/\u3000/evil.example":     "/",
		"/\x00/evil.example":       "/",
		"/\x7f/evil.example":       "/",
		"/cases\u202e":             "/",
		"/%2F/evil.example":        "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
