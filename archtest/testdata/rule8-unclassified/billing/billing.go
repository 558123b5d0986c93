// Package billing is a module the config does not name.
package billing

// Name names it.
const Name = "billing"
