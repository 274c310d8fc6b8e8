package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/tiaojie/tiaojie/"

// pkg is one package of the tree as its non-test sources say.
type pkg struct {
	path    string   // relative to the module root, e.g. internal/web
	imports []string // module-relative for our packages, as written for others
	files   map[string]*ast.File
}

func load(t *testing.T) map[string]*pkg {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found from %s: %v", root, err)
	}
	out := map[string]*pkg{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		p := out[rel]
		if p == nil {
			p = &pkg{path: rel, files: map[string]*ast.File{}}
			out[rel] = p
		}
		for _, im := range f.Imports {
			s, _ := strconv.Unquote(im.Path.Value)
			s = strings.TrimPrefix(s, module)
			if !slices.Contains(p.imports, s) {
				p.imports = append(p.imports, s)
			}
		}
		full, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		p.files[path] = full
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// pure packages hold rules only: no storage, network, files or logging.
var pure = []string{"internal/domain", "internal/calendar", "internal/routing", "internal/dedup", "internal/evidence", "internal/audit", "internal/evaluation", "internal/roomstandard", "internal/grading", "internal/warning", "internal/reportrules", "internal/subsidy", "internal/purchase", "internal/statforms", "internal/anonymize", "internal/feedbackrules", "internal/hotspot", "internal/bulletinrules"}

// ioStd are the standard packages that do I/O.
var ioStd = []string{"database/sql", "net", "net/http", "os", "os/exec", "log", "log/slog", "io/fs", "embed"}

// upper layers: nothing below them may import them.
var upper = []string{"cmd/tiaojie", "internal/server", "internal/web", "internal/api", "internal/platform"}

func ours(imp string) bool {
	return strings.HasPrefix(imp, "internal/") || strings.HasPrefix(imp, "cmd/")
}

func TestPurePackagesDoNoIO(t *testing.T) {
	pkgs := load(t)
	for _, name := range pure {
		p := pkgs[name]
		if p == nil {
			t.Fatalf("%s not found", name)
		}
		for _, imp := range p.imports {
			switch {
			case slices.Contains(ioStd, imp):
				t.Errorf("%s is pure but imports %s", name, imp)
			case ours(imp) && !slices.Contains(pure, imp):
				t.Errorf("%s is pure but imports %s, which is not", name, imp)
			}
		}
	}
}

func TestLowerLayersDoNotImportUpper(t *testing.T) {
	for name, p := range load(t) {
		if slices.Contains(upper, name) || name == "internal/demo" || name == "internal/benchmark" || name == "internal/archtest" {
			continue // the demo and the benchmark drive the platform as a whole
		}
		for _, imp := range p.imports {
			if slices.Contains(upper, imp) {
				t.Errorf("%s imports %s, a layer above it", name, imp)
			}
		}
	}
}

// The store knows nothing of the capabilities that use it.
func TestStoreImportsNoCapability(t *testing.T) {
	for name, p := range load(t) {
		if !strings.HasPrefix(name, "internal/store") {
			continue
		}
		for _, imp := range p.imports {
			if ours(imp) && !strings.HasPrefix(imp, "internal/store") && imp != "internal/domain" && imp != "internal/audit" {
				t.Errorf("%s imports %s", name, imp)
			}
		}
	}
}

// Pages and the API reach data only through capabilities: they may use the
// store's types (store.Case …) but never hold or call the Store itself, nor
// import an engine.
func TestPagesAndAPINeverCallTheStore(t *testing.T) {
	pkgs := load(t)
	for _, name := range []string{"internal/web", "internal/api"} {
		p := pkgs[name]
		for _, imp := range p.imports {
			if strings.HasPrefix(imp, "internal/store/") {
				t.Errorf("%s imports the engine package %s", name, imp)
			}
		}
		for file, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == "store" && sel.Sel.Name == "Store" {
						t.Errorf("%s uses store.Store: pages and the API call capabilities", filepath.Base(file))
					}
					// pg.Desk.Store.GetCase …: reaching through a service to its store.
					if inner, ok := sel.X.(*ast.SelectorExpr); ok && inner.Sel.Name == "Store" {
						if _, ok := inner.X.(*ast.SelectorExpr); ok {
							t.Errorf("%s reaches a service's Store (…%s.Store.%s): call the capability instead", filepath.Base(file), exprName(inner.X), sel.Sel.Name)
						}
					}
				}
				return true
			})
		}
	}
}

func exprName(e ast.Expr) string {
	if s, ok := e.(*ast.SelectorExpr); ok {
		return s.Sel.Name
	}
	return "?"
}

// Go refuses import cycles when building; this says which packages form
// one before anyone tries.
func TestNoImportCycles(t *testing.T) {
	pkgs := load(t)
	state := map[string]int{} // 0 new, 1 on the path, 2 done
	var path []string
	var visit func(string)
	visit = func(n string) {
		switch state[n] {
		case 1:
			t.Fatalf("import cycle: %s → %s", strings.Join(path, " → "), n)
		case 2:
			return
		}
		state[n] = 1
		path = append(path, n)
		if p := pkgs[n]; p != nil {
			for _, imp := range p.imports {
				if ours(imp) {
					visit(imp)
				}
			}
		}
		path = path[:len(path)-1]
		state[n] = 2
	}
	for n := range pkgs {
		visit(n)
	}
}
