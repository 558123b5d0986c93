// Package infrastructure is the users context's edge: what it offers other
// contexts and what it needs from outside its domain. It holds the argon2id
// password hasher (Argon2id, with parameters documented on
// OWASPArgon2Params), the implementation of the shared contract
// contracts.AddressProvider that orders uses (AddressProvider), and the
// administrator bootstrap from BOOKAPP_ADMIN_EMAIL and BOOKAPP_ADMIN_PASSWORD
// (AdminBootstrap, AdminFromEnv). It sits above persistence and below service.
package infrastructure
