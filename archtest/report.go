package archtest

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteText writes the report for people: each violation as
// "file:line:col: rule N (name): message" and its hint indented below,
// grouped by rule and sorted, then a summary line. With verbose, the
// violations allowed by exceptions follow, each with its reason.
func (r *Report) WriteText(w io.Writer, verbose bool) error {
	var b strings.Builder
	writeGroup := func(vs []Violation, allowed bool) {
		for i, v := range vs {
			if i > 0 && v.Rule != vs[i-1].Rule {
				b.WriteByte('\n')
			}
			what := v.Rule.String()
			if allowed {
				what = "allowed, " + what
			}
			fmt.Fprintf(&b, "%s: %s: %s\n    %s\n", v.Pos, what, v.Message, v.Hint)
			if allowed {
				fmt.Fprintf(&b, "    reason: %s\n", v.Reason)
			}
		}
	}
	writeGroup(r.Violations, false)
	if verbose && len(r.Allowed) > 0 {
		if len(r.Violations) > 0 {
			b.WriteByte('\n')
		}
		writeGroup(r.Allowed, true)
	}
	if len(r.Violations) > 0 || verbose && len(r.Allowed) > 0 {
		b.WriteByte('\n')
	}
	for _, c := range r.Cycles {
		fmt.Fprintf(&b, "archtest: %s (a violation above makes it)\n", c)
	}
	fmt.Fprintf(&b, "archtest: %s, %s, %d allowed by exception\n",
		plural(r.Packages, "package"), plural(len(r.Violations), "violation"), len(r.Allowed))
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// WriteJSON writes the report for tools:
//
//	{"root": ..., "packages": N, "violations": [...], "allowed": [...], "cycles": [...]}
//
// where each violation is as Violation.MarshalJSON writes it. The violation
// lists are never null; cycles is left out when there is none.
func (r *Report) WriteJSON(w io.Writer) error {
	out := struct {
		Root       string      `json:"root"`
		Packages   int         `json:"packages"`
		Violations []Violation `json:"violations"`
		Allowed    []Violation `json:"allowed"`
		Cycles     []string    `json:"cycles,omitempty"`
	}{r.Root, r.Packages, r.Violations, r.Allowed, r.Cycles}
	if out.Violations == nil {
		out.Violations = []Violation{}
	}
	if out.Allowed == nil {
		out.Allowed = []Violation{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
