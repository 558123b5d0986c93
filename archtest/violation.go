package archtest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
)

// Rule is a rule of docs/design/ARCHITECTURE.md, numbered as there.
type Rule int

// The rules.
const (
	RuleIsolation    Rule = 1  // a context imports no other context
	RuleLayerOrder   Rule = 2  // a package imports only lower layers
	RuleSameLayer    Rule = 3  // same layer only through a common package
	RulePurity       Rule = 4  // the domain stays pure
	RuleKernel       Rule = 5  // the kernel points inward
	RuleAppOnly      Rule = 6  // only the app imports a context's public API
	RuleRequirements Rule = 7  // go.mod follows the same graph
	RuleUnclassified Rule = 8  // nothing is unclassified
	RuleDevTools     Rule = 9  // developer tooling stays out of production code
	RuleData         Rule = 10 // a context's SQL names only its own schema

	// StaleException is not an architecture rule: it is an entry of the
	// exceptions file that no longer matches anything. Its number is no
	// rule's, so that rules can be added without renumbering it again; it
	// sorts after every rule.
	StaleException Rule = 99
)

var ruleNames = map[Rule]string{
	RuleIsolation:    "context isolation",
	RuleLayerOrder:   "layer order",
	RuleSameLayer:    "same layer",
	RulePurity:       "domain purity",
	RuleKernel:       "kernel points inward",
	RuleAppOnly:      "only app imports a context",
	RuleRequirements: "module requirements",
	RuleUnclassified: "unclassified",
	RuleDevTools:     "dev tools stay out of production",
	RuleData:         "data isolation",
	StaleException:   "stale exception",
}

// Name returns the rule's short name, "context isolation".
func (r Rule) Name() string { return ruleNames[r] }

// String returns the rule as the text report shows it:
// "rule 1 (context isolation)", or "stale exception".
func (r Rule) String() string {
	if r == StaleException {
		return r.Name()
	}
	return fmt.Sprintf("rule %d (%s)", int(r), r.Name())
}

// Violation is one broken rule at one place.
type Violation struct {
	Rule Rule
	Pos  Position
	// From and To are what the rule is about: the importing and the imported
	// package for an import, the requiring and the required module for a
	// go.mod requirement, the package or module for an unclassified one (To
	// is then empty), and for SQL naming another context's schema (rule 10)
	// the package of the Go file or the module of the .sql file, and the
	// module of the context that owns the schema. Exceptions match on them.
	From string
	To   string
	// Message says what happened: "a imports b".
	Message string
	// Hint says, in one sentence, why it is forbidden and how to fix it.
	Hint string
	// Reason is set on a violation allowed by an exception: the exception's
	// reason.
	Reason string
}

// MarshalJSON writes v flat, with the rule's name next to its number:
// {"rule": 1, "ruleName": "context isolation", "file": ..., "line": ...,
// "col": ..., "from": ..., "to": ..., "message": ..., "hint": ...}.
func (v Violation) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Rule     int    `json:"rule"`
		RuleName string `json:"ruleName"`
		File     string `json:"file"`
		Line     int    `json:"line"`
		Col      int    `json:"col"`
		From     string `json:"from"`
		To       string `json:"to,omitempty"`
		Message  string `json:"message"`
		Hint     string `json:"hint"`
		Reason   string `json:"reason,omitempty"`
	}{int(v.Rule), v.Rule.Name(), v.Pos.File, v.Pos.Line, v.Pos.Col, v.From, v.To, v.Message, v.Hint, v.Reason})
}

// compareViolations orders violations by rule, then place, then target.
func compareViolations(a, b Violation) int {
	return cmp.Or(
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Pos.File, b.Pos.File),
		cmp.Compare(a.Pos.Line, b.Pos.Line),
		cmp.Compare(a.Pos.Col, b.Pos.Col),
		cmp.Compare(a.From, b.From),
		cmp.Compare(a.To, b.To),
	)
}

func sortViolations(vs []Violation) {
	slices.SortFunc(vs, compareViolations)
}
