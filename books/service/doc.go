// Package service holds the books context's use cases, one method per thing a
// user can do, speaking DTOs. It is the context's public API: together with the
// module's setup package, the only part of books that the app may import.
package service
