package web

import (
	"html/template"
	"io/fs"
	"strings"
	"testing"
)

// Each page is the layout plus its own file and nothing of another page's:
// Load (the layout parsed once and cloned) defines, for every page, the same
// templates with the same trees as parsing the two files together does.
func TestLoadEachPageIsLayoutPlusItsFile(t *testing.T) {
	var pg Pages
	if err := pg.Load(); err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.pages) != len(names)-1 || len(pg.pages) < 50 {
		t.Fatalf("%d pages loaded from %d files", len(pg.pages), len(names))
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		want, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			t.Fatal(err)
		}
		got := pg.pages[base]
		if got == nil {
			t.Fatalf("page %s not loaded", base)
		}
		trees := func(x *template.Template) map[string]string {
			m := map[string]string{}
			for _, d := range x.Templates() {
				if d.Tree != nil && d.Tree.Root != nil {
					m[d.Name()] = d.Tree.Root.String()
				}
			}
			return m
		}
		w, g := trees(want), trees(got)
		if len(w) != len(g) {
			t.Errorf("page %s: %d templates, want %d", base, len(g), len(w))
		}
		for name, tree := range w {
			if g[name] != tree {
				t.Errorf("page %s: template %q differs from the layout and page parsed together", base, name)
			}
		}
		if got.Lookup("layout") == nil {
			t.Errorf("page %s has no layout", base)
		}
	}
}

// BenchmarkLoad is the templates' share of a server's start-up.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		var pg Pages
		if err := pg.Load(); err != nil {
			b.Fatal(err)
		}
	}
}
