package archtest

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
)

// Kind is what a module (or an imported package) is to the architecture.
type Kind int

// The kinds of module and of imported package.
const (
	KindUnknown    Kind = iota // a workspace module the config does not name
	KindContext                // a bounded context
	KindKernel                 // the shared kernel
	KindApp                    // a composition root
	KindTool                   // a tool such as archtest
	KindDevTools               // developer tooling for tests and local runs
	KindStd                    // the standard library
	KindThirdParty             // a module outside the workspace
)

// String returns the kind as the config file and the reports name it.
func (k Kind) String() string {
	switch k {
	case KindContext:
		return "context"
	case KindKernel:
		return "kernel"
	case KindApp:
		return "app"
	case KindTool:
		return "tool"
	case KindDevTools:
		return "dev tools"
	case KindStd:
		return "std"
	case KindThirdParty:
		return "third-party"
	}
	return "unknown"
}

// Workspace is a go.work file and the modules it uses.
type Workspace struct {
	Root    string    // absolute directory of go.work
	GoWork  string    // absolute path of go.work
	Modules []*Module // in go.work order

	work   *modfile.WorkFile
	byPath map[string]*Module
	byName map[string]*Module
}

// Module is one module the workspace uses.
type Module struct {
	Name  string // use directory relative to Root, slash-separated: "books"
	Path  string // module path: "example.com/bookapp/books"
	Dir   string // absolute directory
	GoMod string // go.mod relative to Root, slash-separated, for reports
	Kind  Kind

	file     *modfile.File
	requires map[string]bool // module paths required by go.mod
}

// FindGoWork returns the go.work file in dir or the nearest directory above
// it, the way the go command finds it when GOWORK is unset.
func FindGoWork(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; {
		f := filepath.Join(d, "go.work")
		if st, err := os.Stat(f); err == nil && !st.IsDir() {
			return f, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.work in %s or any directory above it", abs)
		}
		d = parent
	}
}

// LoadWorkspace parses the go.work file at goWork and the go.mod file of each
// module it uses, and gives each module its kind from cfg.
func LoadWorkspace(goWork string, cfg *Config) (*Workspace, error) {
	goWork, err := filepath.Abs(goWork)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(goWork)
	if err != nil {
		return nil, err
	}
	wf, err := modfile.ParseWork(goWork, data, nil)
	if err != nil {
		return nil, err
	}
	ws := &Workspace{
		Root:   filepath.Dir(goWork),
		GoWork: goWork,
		work:   wf,
		byPath: map[string]*Module{},
		byName: map[string]*Module{},
	}
	if len(wf.Use) == 0 {
		return nil, fmt.Errorf("%s uses no module", goWork)
	}
	for _, u := range wf.Use {
		dir := u.Path
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(ws.Root, dir)
		}
		dir = filepath.Clean(dir)
		name, err := filepath.Rel(ws.Root, dir)
		if err != nil {
			return nil, err
		}
		m, err := loadModule(ws, filepath.ToSlash(name), dir)
		if err != nil {
			return nil, err
		}
		m.Kind = cfg.role(m.Name)
		if other, ok := ws.byPath[m.Path]; ok {
			return nil, fmt.Errorf("%s: modules %s and %s both have path %s", goWork, other.Name, m.Name, m.Path)
		}
		ws.Modules = append(ws.Modules, m)
		ws.byPath[m.Path] = m
		ws.byName[m.Name] = m
	}
	return ws, nil
}

func loadModule(ws *Workspace, name, dir string) (*Module, error) {
	goMod := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(goMod)
	if err != nil {
		return nil, err
	}
	f, err := modfile.Parse(goMod, data, nil)
	if err != nil {
		return nil, err
	}
	if f.Module == nil {
		return nil, fmt.Errorf("%s: no module directive", goMod)
	}
	rel, err := filepath.Rel(ws.Root, goMod)
	if err != nil {
		return nil, err
	}
	m := &Module{
		Name:     name,
		Path:     f.Module.Mod.Path,
		Dir:      dir,
		GoMod:    filepath.ToSlash(rel),
		file:     f,
		requires: map[string]bool{},
	}
	for _, r := range f.Require {
		m.requires[r.Mod.Path] = true
	}
	return m, nil
}

// moduleOf returns the workspace module whose path is the longest prefix of
// the package path p, or nil.
func (ws *Workspace) moduleOf(p string) *Module {
	for q := p; ; {
		if m, ok := ws.byPath[q]; ok {
			return m
		}
		i := strings.LastIndexByte(q, '/')
		if i < 0 {
			return nil
		}
		q = q[:i]
	}
}

// layerOf returns the layer of package p of context module m: SetupLayer for
// the module's root package, the first path element below the module if it
// is a layer, and "" otherwise (an unclassified package).
func (ws *Workspace) layerOf(cfg *Config, m *Module, p string) string {
	rel := strings.TrimPrefix(strings.TrimPrefix(p, m.Path), "/")
	if rel == "" {
		return SetupLayer
	}
	first, _, _ := strings.Cut(rel, "/")
	if cfg.rank(first) >= 0 && first != SetupLayer {
		return first
	}
	return ""
}

// short returns p with its module path replaced by the module's name
// ("books/service/listbooks"), for the hints; p is returned unchanged if it is
// not in the workspace.
func (ws *Workspace) short(p string) string {
	m := ws.moduleOf(p)
	if m == nil {
		return p
	}
	return m.Name + strings.TrimPrefix(p, m.Path)
}

// expand replaces a leading module name in the pattern text with the module's
// path. The longest matching name wins ("modules/books" over "modules").
func (ws *Workspace) expand(text string) string {
	best := ""
	for name := range ws.byName {
		if (text == name || strings.HasPrefix(text, name+"/")) && len(name) > len(best) {
			best = name
		}
	}
	if best == "" {
		return text
	}
	return ws.byName[best].Path + strings.TrimPrefix(text, best)
}

// replaceDir returns the directory that m's go.mod replaces module path p
// with, resolved against m's directory, or "" if there is no local replace.
func (m *Module) replaceDir(p string) string {
	for _, r := range m.file.Replace {
		if r.Old.Path != p || !modfile.IsDirectoryPath(r.New.Path) {
			continue
		}
		d := filepath.FromSlash(r.New.Path)
		if !filepath.IsAbs(d) {
			d = filepath.Join(m.Dir, d)
		}
		return filepath.Clean(d)
	}
	return ""
}

// relDir returns the path from module m's directory to module to's, as a
// replace directive would spell it.
func (m *Module) relDir(to *Module) string {
	rel, err := filepath.Rel(m.Dir, to.Dir)
	if err != nil {
		return to.Dir
	}
	rel = path.Clean(filepath.ToSlash(rel))
	if rel != ".." && !strings.HasPrefix(rel, "../") {
		rel = "./" + rel
	}
	return rel
}
