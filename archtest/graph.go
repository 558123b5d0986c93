package archtest

import (
	"cmp"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// Graph is the module and layer dependency graph of a workspace: a node per
// layer of each context (with at least one package) and per other module, an
// edge wherever a non-test file of one node imports a package of another.
type Graph struct {
	Nodes []Node // apps, contexts (setup layer first), kernel, tools
	Edges []Edge // sorted by node order
}

// Node is a layer of a context, or a whole module of another kind.
type Node struct {
	ID     string // "books/service", "books/setup", "shared"
	Module string // the module's name
	Layer  string // the layer, for a context; "" otherwise
	Kind   Kind
}

// Edge is a dependency between two nodes.
type Edge struct {
	From, To  string // node IDs
	Imports   int    // how many import specs it stands for
	Violation bool   // at least one of them breaks a rule (not excepted)
}

// buildGraph builds the graph of pkgs; violations are the kept violations,
// whose edges are marked.
func buildGraph(cfg *Config, ws *Workspace, pkgs []*goPackage, violations []Violation) *Graph {
	nodeOf := func(path string) (Node, bool) {
		m := ws.moduleOf(path)
		if m == nil || m.Kind == KindUnknown {
			return Node{}, false
		}
		if m.Kind != KindContext {
			return Node{ID: m.Name, Module: m.Name, Kind: m.Kind}, true
		}
		layer := ws.layerOf(cfg, m, path)
		if layer == "" {
			return Node{}, false
		}
		return Node{ID: m.Name + "/" + layer, Module: m.Name, Layer: layer, Kind: m.Kind}, true
	}

	nodes := map[string]Node{}
	edges := map[[2]string]*Edge{}
	for _, pkg := range pkgs {
		from, ok := nodeOf(pkg.Path)
		if !ok {
			continue
		}
		nodes[from.ID] = from
		for _, f := range pkg.Files {
			if f.Test {
				continue
			}
			for _, imp := range f.Imports {
				to, ok := nodeOf(imp.Path)
				if !ok || to.ID == from.ID {
					continue
				}
				nodes[to.ID] = to
				key := [2]string{from.ID, to.ID}
				if edges[key] == nil {
					edges[key] = &Edge{From: from.ID, To: to.ID}
				}
				edges[key].Imports++
			}
		}
	}
	for _, v := range violations {
		if !strings.HasSuffix(v.Pos.File, ".go") || v.To == "" || v.Rule == RuleData {
			continue // only imports are edges; SQL naming a schema is none
		}
		from, ok1 := nodeOf(v.From)
		to, ok2 := nodeOf(v.To)
		if e := edges[[2]string{from.ID, to.ID}]; ok1 && ok2 && e != nil {
			e.Violation = true
		}
	}

	order := nodeOrder(cfg)
	g := &Graph{}
	for _, n := range nodes {
		g.Nodes = append(g.Nodes, n)
	}
	slices.SortFunc(g.Nodes, func(a, b Node) int { return cmp.Compare(order(a), order(b)) })
	rank := map[string]int{}
	for i, n := range g.Nodes {
		rank[n.ID] = i
	}
	for _, e := range edges {
		g.Edges = append(g.Edges, *e)
	}
	slices.SortFunc(g.Edges, func(a, b Edge) int {
		return cmp.Or(cmp.Compare(rank[a.From], rank[b.From]), cmp.Compare(rank[a.To], rank[b.To]))
	})
	return g
}

// nodeOrder returns a function that orders nodes top-down as a reader of the
// architecture expects: apps, then each context from its setup layer down
// to its lowest layer, then the kernel, then tools; modules in config order.
func nodeOrder(cfg *Config) func(Node) int {
	var modules []string
	modules = append(modules, cfg.Apps...)
	modules = append(modules, cfg.Contexts...)
	modules = append(modules, cfg.Kernel)
	modules = append(modules, cfg.Tools...)
	layers := len(cfg.Layers) + 1
	return func(n Node) int {
		i := slices.Index(modules, n.Module)
		if i < 0 {
			i = len(modules) // cannot happen: unknown modules have no node
		}
		l := 0
		if n.Layer != "" {
			l = layers - 1 - cfg.rank(n.Layer) // setup first
		}
		return i*layers + l
	}
}

var nonIdent = regexp.MustCompile(`[^A-Za-z0-9_]`)

// mermaidID turns a node ID into a Mermaid identifier.
func mermaidID(id string) string { return nonIdent.ReplaceAllString(id, "_") }

// label is how a node is shown: the layer name inside its context's box, the
// module name otherwise.
func (n Node) label() string {
	if n.Layer == SetupLayer {
		return n.Module + " (setup)"
	}
	if n.Layer != "" {
		return n.Layer
	}
	return n.Module
}

// WriteMermaid writes g as a Mermaid flowchart, one box per context. The
// output depends only on the graph, so it can be committed and diffed.
func (g *Graph) WriteMermaid(w io.Writer) error {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	g.eachGroup(func(module string, nodes []Node) {
		if nodes[0].Layer == "" {
			fmt.Fprintf(&b, "    %s[%q]\n", mermaidID(nodes[0].ID), nodes[0].label())
			return
		}
		fmt.Fprintf(&b, "    subgraph %s_context[%q]\n", mermaidID(module), module)
		for _, n := range nodes {
			fmt.Fprintf(&b, "        %s[%q]\n", mermaidID(n.ID), n.label())
		}
		b.WriteString("    end\n")
	})
	for _, e := range g.Edges {
		arrow := "-->"
		if e.Violation {
			arrow = "-. violation .->"
		}
		fmt.Fprintf(&b, "    %s %s %s\n", mermaidID(e.From), arrow, mermaidID(e.To))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteDOT writes g as a Graphviz digraph, one cluster per context; edges
// that break a rule are red.
func (g *Graph) WriteDOT(w io.Writer) error {
	var b strings.Builder
	b.WriteString("digraph archtest {\n    rankdir=TB;\n    node [shape=box];\n")
	g.eachGroup(func(module string, nodes []Node) {
		if nodes[0].Layer == "" {
			fmt.Fprintf(&b, "    %q;\n", nodes[0].ID)
			return
		}
		fmt.Fprintf(&b, "    subgraph %q {\n        label=%q;\n", "cluster_"+module, module)
		for _, n := range nodes {
			fmt.Fprintf(&b, "        %q [label=%q];\n", n.ID, n.label())
		}
		b.WriteString("    }\n")
	})
	for _, e := range g.Edges {
		attr := ""
		if e.Violation {
			attr = ` [color=red, label="violation"]`
		}
		fmt.Fprintf(&b, "    %q -> %q%s;\n", e.From, e.To, attr)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// eachGroup calls f for each module's run of nodes, in node order.
func (g *Graph) eachGroup(f func(module string, nodes []Node)) {
	for i := 0; i < len(g.Nodes); {
		j := i + 1
		for j < len(g.Nodes) && g.Nodes[j].Module == g.Nodes[i].Module {
			j++
		}
		f(g.Nodes[i].Module, g.Nodes[i:j])
		i = j
	}
}
