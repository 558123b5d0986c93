package archtest

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// checker applies the rules to a loaded workspace.
type checker struct {
	cfg   *Config
	ws    *Workspace
	modOf map[string]string // package path -> module path ("" for std)

	allowedModules map[string]patterns // per layer
	testModules    patterns
	pureKernel     patterns
	deniedStd      patterns
	schemas        map[string]*Module // each context's schema (rule 10)

	violations []Violation
}

func newChecker(cfg *Config, ws *Workspace, modOf map[string]string) *checker {
	c := &checker{
		cfg:            cfg,
		ws:             ws,
		modOf:          modOf,
		allowedModules: map[string]patterns{},
		testModules:    compilePatterns(ws, cfg.TestModules),
		pureKernel:     compilePatterns(ws, cfg.PureKernel),
		deniedStd:      compilePatterns(ws, cfg.DeniedStd),
		schemas:        map[string]*Module{},
	}
	for layer, ms := range cfg.AllowedModules {
		c.allowedModules[layer] = compilePatterns(ws, ms)
	}
	for _, m := range ws.Modules {
		if m.Kind == KindContext {
			c.schemas[schemaOf(m)] = m
		}
	}
	return c
}

// target is what an import path refers to.
type target struct {
	path   string
	kind   Kind
	mod    *Module // the workspace module, for a workspace package
	layer  string  // the layer, for a package of a context ("" if unclassified)
	module string  // the module path, for a third-party package
}

// classify says what the package at path is.
func (c *checker) classify(path string) target {
	t := target{path: path}
	if m := c.ws.moduleOf(path); m != nil {
		t.kind, t.mod = m.Kind, m
		if m.Kind == KindContext {
			t.layer = c.ws.layerOf(c.cfg, m, path)
		}
		return t
	}
	mod, known := c.modOf[path]
	first, _, _ := strings.Cut(path, "/")
	switch {
	case known && mod == "" && !strings.Contains(first, "."):
		t.kind = KindStd
	case known && mod != "":
		t.kind, t.module = KindThirdParty, mod
	case !strings.Contains(first, "."):
		t.kind = KindStd
	default:
		// Not in the import graph (cannot happen after a clean load): take
		// the path for the module, so that a requirement check fails loudly.
		t.kind, t.module = KindThirdParty, path
	}
	return t
}

// layerOfPackage returns the layer of pkg ("" outside contexts).
func (c *checker) layerOfPackage(pkg *goPackage) string {
	if pkg.Module.Kind != KindContext {
		return ""
	}
	return c.ws.layerOf(c.cfg, pkg.Module, pkg.Path)
}

// checkWork reports every module that go.work uses but the config does not
// name (rule 8).
func (c *checker) checkWork() {
	name := filepath.Base(c.ws.GoWork)
	for i, u := range c.ws.work.Use {
		m := c.ws.Modules[i]
		if m.Kind != KindUnknown {
			continue
		}
		c.violations = append(c.violations, Violation{
			Rule:    RuleUnclassified,
			Pos:     Position{File: name, Line: u.Syntax.Start.Line, Col: u.Syntax.Start.LineRune},
			From:    m.Path,
			Message: fmt.Sprintf("module %s (%s) is not classified", m.Name, m.Path),
			Hint: fmt.Sprintf("go.work uses %s but the config does not say what it is; add it to contexts, kernel, apps, tools or devTools in archtest.json (its packages are not checked until then).",
				m.Name),
		})
	}
}

// checkPackage checks every import of every file of pkg, and the string
// literals read from a package of a context's data layer (rule 10).
func (c *checker) checkPackage(pkg *goPackage) {
	if pkg.Module.Kind == KindUnknown {
		return // reported once, on its go.work line
	}
	layer := c.layerOfPackage(pkg)
	if pkg.Module.Kind == KindContext && layer == "" {
		pos := Position{File: c.ws.short(pkg.Path)} // the directory, if there is no file
		if len(pkg.Files) > 0 {
			pos = pkg.Files[0].Package
		}
		c.violations = append(c.violations, Violation{
			Rule:    RuleUnclassified,
			Pos:     pos,
			From:    pkg.Path,
			Message: fmt.Sprintf("%s is in no layer", pkg.Path),
			Hint: fmt.Sprintf("every package of a context lives in a layer; move %s under %s/%s (or add its directory to layers in archtest.json).",
				c.ws.short(pkg.Path), pkg.Module.Name, "{"+strings.Join(c.cfg.Layers, ",")+"}"),
		})
		return
	}
	for _, f := range pkg.Files {
		for _, imp := range f.Imports {
			if imp.Path == "C" || imp.Path == pkg.Path {
				continue // cgo, or an external test importing its package
			}
			t := c.classify(imp.Path)
			rule, hint := c.importRule(pkg, layer, f.Test, t)
			if rule == 0 {
				continue
			}
			c.violations = append(c.violations, Violation{
				Rule:    rule,
				Pos:     imp.Pos,
				From:    pkg.Path,
				To:      imp.Path,
				Message: fmt.Sprintf("%s imports %s", pkg.Path, imp.Path),
				Hint:    hint,
			})
		}
		for _, lit := range f.Strings {
			c.checkLiteral(pkg, lit)
		}
	}
}

// importRule returns the rule that pkg (in layer) importing t breaks, and the
// hint, or 0.
func (c *checker) importRule(pkg *goPackage, layer string, test bool, t target) (Rule, string) {
	m := pkg.Module
	var rule Rule
	var hint string
	if t.kind == KindDevTools && !test && (m.Kind == KindContext || m.Kind == KindKernel) {
		return RuleDevTools, fmt.Sprintf("%s is developer tooling, for tests and local runs; production code of %s may not import it: use it from a _test.go file, or from an app.",
			t.mod.Name, an(m.Kind))
	}
	switch m.Kind {
	case KindDevTools:
		if t.mod != nil && t.mod != m && t.kind != KindKernel {
			rule = RuleDevTools
			hint = fmt.Sprintf("developer tooling imports only %s, the standard library and third-party modules, so that any test may use it; %s may not import %s.",
				c.cfg.Kernel, m.Name, t.mod.Name)
		}
	case KindContext:
		rule, hint = c.contextImport(pkg, layer, test, t)
	case KindKernel:
		if t.mod != nil && (t.kind == KindContext || t.kind == KindApp || t.kind == KindTool) {
			rule = RuleKernel
			hint = fmt.Sprintf("the shared kernel points inward and may not import %s; move the code into %s, or declare a contract in %s that %s implements.",
				t.mod.Name, t.mod.Name, m.Name, t.mod.Name)
		}
	case KindApp, KindTool:
		switch {
		case t.kind == KindContext && m.Kind == KindTool:
			rule = RuleAppOnly
			hint = fmt.Sprintf("only an app imports a context; %s is a tool and may not import %s.", m.Name, t.mod.Name)
		case t.kind == KindContext && t.layer != "" && t.layer != SetupLayer && !slices.Contains(c.cfg.PublicLayers, t.layer):
			rule = RuleAppOnly
			public := []string{t.mod.Name + " (the setup package)"}
			for _, l := range c.cfg.PublicLayers {
				public = append(public, t.mod.Name+"/"+l+"/...")
			}
			hint = fmt.Sprintf("%s is private to %s; the app may import only %s, so expose what it needs there.",
				t.layer, t.mod.Name, strings.Join(public, " and "))
		case (t.kind == KindApp || t.kind == KindTool) && t.mod != m:
			rule = RuleRequirements
			hint = fmt.Sprintf("nothing depends on %s (%s); move what both need into %s.", t.mod.Name, an(t.kind), c.cfg.Kernel)
		}
	}
	if rule != 0 {
		return rule, hint
	}
	return c.requirement(pkg, t)
}

// contextImport applies rules 1 to 4 to an import of a context package.
func (c *checker) contextImport(pkg *goPackage, layer string, test bool, t target) (Rule, string) {
	m := pkg.Module
	pure := layer == c.cfg.PureLayer
	switch t.kind {
	case KindStd:
		if pure && c.deniedStd.match(t.path) {
			return RulePurity, fmt.Sprintf("%s code stays pure (values, rules, errors) and may not use %s; do that in a higher layer (or the app) and pass plain values down.",
				layer, t.path)
		}
	case KindContext:
		if t.mod != m {
			return RuleIsolation, fmt.Sprintf("%s may not import %s; ask %s through the broker or a contract in %s.",
				m.Name, t.mod.Name, t.mod.Name, c.cfg.Kernel)
		}
		if t.layer == "" {
			return 0, "" // the target is reported as unclassified
		}
		from, to := c.cfg.rank(layer), c.cfg.rank(t.layer)
		switch {
		case to > from:
			return RuleLayerOrder, fmt.Sprintf("%s sits above %s in %s and a layer imports only lower layers; move what %s needs down, or declare an interface in %s that %s implements.",
				t.layer, layer, m.Name, c.ws.short(pkg.Path), layer, t.layer)
		case to == from && !c.hasCommon(t):
			return RuleSameLayer, fmt.Sprintf("%s and %s are both in the %s layer; move what they share into a package with %q in its path (such as %s/%s/%s).",
				c.ws.short(pkg.Path), c.ws.short(t.path), layer, c.cfg.CommonMarker, m.Name, layer, c.cfg.CommonMarker)
		}
	case KindKernel:
		if pure && !c.pureKernel.match(t.path) {
			return RulePurity, fmt.Sprintf("%s may import only the pure parts of %s (%s); move the code that needs %s to a higher layer.",
				layer, t.mod.Name, c.pureKernel.texts(), c.ws.short(t.path))
		}
	case KindDevTools:
		return 0, "" // test files only: production code is rule 9, above
	case KindApp, KindTool, KindUnknown:
		return RuleIsolation, fmt.Sprintf("a context imports only itself, %s, the standard library and third-party modules; %s may not import %s.",
			c.cfg.Kernel, m.Name, t.mod.Name)
	case KindThirdParty:
		// The layer's list first: a domain importing pgx is a purity
		// problem whatever go.mod says.
		allowed, restricted := c.allowedModules[layer]
		if restricted && !allowed.match(t.module) && !(test && c.testModules.match(t.module)) {
			rule := RuleIsolation
			if pure {
				rule = RulePurity
			}
			return rule, fmt.Sprintf("%s may import only these third-party modules: %s (allowedModules in archtest.json); move the code that needs %s to another layer.",
				layer, allowed.texts(), t.module)
		}
		if !m.requires[t.module] {
			return RuleIsolation, fmt.Sprintf("%s does not require %s, so %s does not build on its own; run go get %s in %s, or drop the import.",
				m.GoMod, t.module, m.Name, t.module, m.Name)
		}
	}
	return 0, ""
}

// hasCommon reports whether the path of t below its module has an element
// containing the common marker.
func (c *checker) hasCommon(t target) bool {
	rel := strings.TrimPrefix(t.path, t.mod.Path+"/")
	for _, e := range strings.Split(rel, "/") {
		if strings.Contains(e, c.cfg.CommonMarker) {
			return true
		}
	}
	return false
}

// requirement applies rule 7 to an import that no other rule forbids: the
// importing module's go.mod must require the imported module, or the module
// builds only inside the workspace.
func (c *checker) requirement(pkg *goPackage, t target) (Rule, string) {
	m := pkg.Module
	switch {
	case t.mod != nil && t.mod != m && !m.requires[t.mod.Path]:
		return RuleRequirements, fmt.Sprintf("%s does not require %s, so %s builds only inside the workspace; add the require and replace %s => %s.",
			m.GoMod, t.mod.Path, m.Name, t.mod.Path, m.relDir(t.mod))
	case t.kind == KindThirdParty && !m.requires[t.module]:
		return RuleRequirements, fmt.Sprintf("%s does not require %s, so %s builds only inside the workspace; run go get %s in %s.",
			m.GoMod, t.module, m.Name, t.module, m.Name)
	}
	return 0, ""
}

// mayRequire says which kinds of workspace module a module of each kind may
// require: the module graph of rule 7.
var mayRequire = map[Kind][]Kind{
	KindContext:  {KindKernel, KindDevTools},
	KindKernel:   {KindDevTools}, // for its tests: a module cycle that go allows
	KindApp:      {KindContext, KindKernel, KindDevTools},
	KindTool:     {KindKernel, KindDevTools},
	KindDevTools: {KindKernel},
}

// checkGoMod applies rule 7 to the require list of m's go.mod.
func (c *checker) checkGoMod(m *Module) {
	if m.Kind == KindUnknown {
		return
	}
	for _, r := range m.file.Require {
		w := c.ws.byPath[r.Mod.Path]
		if w == nil || w.Kind == KindUnknown || w == m {
			continue // third-party, or reported on go.work
		}
		var hint string
		switch {
		case w.Kind == KindApp || w.Kind == KindTool:
			hint = fmt.Sprintf("nothing depends on %s (%s); remove the require (and its replace) from %s.", w.Name, an(w.Kind), m.GoMod)
		case !slices.Contains(mayRequire[m.Kind], w.Kind):
			hint = fmt.Sprintf("%s (%s) may not depend on %s (%s); remove the require (and its replace) from %s%s.",
				m.Name, an(m.Kind), w.Name, an(w.Kind), m.GoMod, c.viaKernel(m, w))
		case m.replaceDir(w.Path) != w.Dir:
			hint = fmt.Sprintf("%s requires %s without a replace to its directory, so %s builds only inside the workspace; add replace %s => %s.",
				m.GoMod, w.Path, m.Name, w.Path, m.relDir(w))
		default:
			continue
		}
		c.violations = append(c.violations, Violation{
			Rule:    RuleRequirements,
			Pos:     Position{File: m.GoMod, Line: r.Syntax.Start.Line, Col: r.Syntax.Start.LineRune},
			From:    m.Path,
			To:      w.Path,
			Message: fmt.Sprintf("%s requires %s", m.Path, w.Path),
			Hint:    hint,
		})
	}
}

// viaKernel suggests the kernel as the way between two contexts.
func (c *checker) viaKernel(m, w *Module) string {
	if m.Kind == KindContext && w.Kind == KindContext {
		return fmt.Sprintf(" and reach %s through %s", w.Name, c.cfg.Kernel)
	}
	return ""
}

// an names a kind with its article: "a context", "an app".
func an(k Kind) string {
	switch k {
	case KindApp, KindUnknown:
		return "an " + k.String()
	case KindKernel:
		return "the kernel"
	case KindDevTools:
		return "developer tooling"
	}
	return "a " + k.String()
}
