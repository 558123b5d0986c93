// Package devtools is the root of bookapp's developer tooling, its own
// module so that its name says what it is: pglocal (a PostgreSQL server from
// the installed binaries, for tests and `make run`), testdb (a database per
// test, cloned from a migrated template), clocktest (a settable clock),
// natslocal (a NATS server in the process, for the split deployment's tests
// and `make run-split`) and devsecret (development passwords kept in a
// file).
//
// Test files anywhere may import it, and so may the apps (for the zero-setup
// development cluster); the production code of the contexts and of the
// kernel may not, which archtest checks (rule 9). It imports only the kernel,
// the standard library and third-party modules. The kernel's own tests use
// it too, so the shared and devtools modules require each other: a module
// cycle that Go allows, through test files only.
package devtools
