// Package archtest is the architecture lint of a Go workspace of modules laid
// out as a modular monolith: it loads every package of every module that
// go.work uses, classifies each one as a layer of a bounded context, the shared
// kernel, an app, a tool or developer tooling, and reports every import,
// go.mod requirement and SQL name of another context's schema that breaks the
// rules in docs/design/ARCHITECTURE.md.
//
// Check runs the whole lint; the archtest command (cmd/archtest) is a thin
// front end to it. The rules are numbered as in the architecture document:
//
//  1. Context isolation: a context imports only itself, the kernel, the
//     standard library and third-party modules its go.mod requires.
//  2. Layer order: a package imports only lower layers of its own context.
//  3. Same layer: only packages with a "common" path element may be imported
//     from the same layer.
//  4. Domain purity: the pure layer imports only the standard library (minus
//     a deny list), allowed third-party modules and the pure kernel packages.
//  5. The kernel points inward: it imports no context, app or tool.
//  6. Only an app imports a context, and only its setup and public layers.
//  7. Module requirements follow the same graph.
//  8. Nothing is unclassified.
//  9. Developer tooling stays out of production: no non-test code of a
//     context or the kernel imports a dev-tools module, which itself
//     imports only the kernel.
//  10. Data isolation: a context's SQL (its .sql files, and the string
//     literals of its data layer that hold an SQL keyword) names no other
//     context's schema.
//
// What a module is, the layer names and order, the purity lists and the data
// layer come from a Config (archtest.json at the workspace root); deliberate
// exceptions come from an Exceptions file (archtest-exceptions.json).
package archtest
