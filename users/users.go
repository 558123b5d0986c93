// Package users is the setup package (the front door) of the users bounded
// context: accounts, sign-in, roles and delivery addresses. New wires the
// context's layers over a database pool and hands the app what every
// context's setup package hands it — the schema's migrations (Migrations),
// the HTTP routes (Routes) and their part of the OpenAPI document (OpenAPI),
// the broker handlers (RegisterHandlers) — and what only users
// has: the bearer-token check of the app's authentication middleware
// (Authenticator), the implementation of the shared address contract for
// orders (AddressProvider) and the administrator bootstrap. It is the top
// layer of the context, and the only package of it the app imports.
package users

import (
	"context"
	"log/slog"
	"time"

	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/contracts"
	"example.com/bookapp/shared/migrate"
	"example.com/bookapp/shared/web"
	"example.com/bookapp/users/httpapi"
	"example.com/bookapp/users/infrastructure"
	"example.com/bookapp/users/persistence"
	"example.com/bookapp/users/service"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options configure the module; the zero value is production's defaults.
type Options struct {
	// TokenTTL is how long a bearer token stays valid after sign-in; zero
	// means 24 hours.
	TokenTTL time.Duration
	// Now is the clock; nil means time.Now. Tests move time with it.
	Now func() time.Time
	// PasswordHashing sets the cost of argon2id for new password hashes;
	// a zero field keeps OWASP's recommendation (19 MiB, 2 passes, 1
	// thread). Lower it only in tests: a hash should cost tens of
	// milliseconds. New panics on parameters argon2id cannot use (memory
	// below 8 KiB per thread).
	PasswordHashing HashingParams
}

// HashingParams are argon2id's cost parameters.
type HashingParams struct {
	MemoryKiB   uint32 // memory per hash, in KiB
	Iterations  uint32 // passes over that memory
	Parallelism uint8  // threads (lanes)
}

// argon2 returns p with its zero fields set to OWASP's values.
func (p HashingParams) argon2() infrastructure.Argon2Params {
	params := infrastructure.OWASPArgon2Params()
	if p.MemoryKiB != 0 {
		params.Memory = p.MemoryKiB
	}
	if p.Iterations != 0 {
		params.Time = p.Iterations
	}
	if p.Parallelism != 0 {
		params.Threads = p.Parallelism
	}
	return params
}

// Module is the users context, wired.
type Module struct {
	service   *service.Service
	addresses *infrastructure.AddressProvider
	admins    *infrastructure.AdminBootstrap
}

// New wires the users context over pool, whose database must hold the
// migrations of Migrations. It starts nothing and does no I/O.
func New(pool *pgxpool.Pool, opts Options) *Module {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	store := persistence.NewStore(pool)
	hasher := infrastructure.NewArgon2id(opts.PasswordHashing.argon2())
	return &Module{
		service:   service.New(store, hasher, now, service.Options{TokenTTL: opts.TokenTTL}),
		addresses: infrastructure.NewAddressProvider(store),
		admins:    infrastructure.NewAdminBootstrap(store, hasher, now),
	}
}

// Routes mounts the context's HTTP endpoints on mux (see httpapi.Routes),
// whose requests must have been through web.Authenticate with
// Authenticator.
func (m *Module) Routes(mux web.Mux, log *slog.Logger) {
	httpapi.Routes(mux, log, m.service)
	httpapi.Pages(mux, log, m.service)
}

// RegisterHandlers registers the context's broker handlers with b: the
// sign-in check and the delivery address, under infrastructure.Authenticate
// and infrastructure.DeliveryAddress, for processes that do not run users
// (in one process, the app hands over Authenticator and AddressProvider
// instead).
func (m *Module) RegisterHandlers(b *broker.Broker) error {
	return infrastructure.RegisterRemote(b, m.service, m.addresses)
}

// Remote callers: how long, and how many, a process without the users
// context keeps the callers it learnt from users. A sign-out (or an expiry)
// takes effect there within RemoteSessionTTL.
const (
	RemoteSessionTTL   = 5 * time.Second
	RemoteSessionLimit = 10_000
)

// RemoteAuthenticator resolves bearer tokens and session cookies by asking
// the users context over b, for a process that does not run it; it keeps
// each caller for RemoteSessionTTL. Call it at wiring time (it declares the
// name it asks, for b's Verify).
func RemoteAuthenticator(b *broker.Broker) web.Authenticator {
	return infrastructure.NewRemoteAuthenticator(b, RemoteSessionTTL, RemoteSessionLimit, time.Now)
}

// RemoteAddressProvider is the address contract for a process that does not
// run users: it asks the users context over b, and answers
// contracts.ErrNoAddress as AddressProvider does. Call it at wiring time.
func RemoteAddressProvider(b *broker.Broker) contracts.AddressProvider {
	return infrastructure.NewRemoteAddresses(b)
}

// Authenticator resolves bearer tokens to callers, for the app's
// web.Authenticate middleware.
func (m *Module) Authenticator() web.Authenticator { return m.service }

// Service returns the context's use cases, for the context's own tests (the
// app reaches them over HTTP).
func (m *Module) Service() *service.Service { return m.service }

// AddressProvider returns the users context's implementation of the shared
// contract, for the app to hand to orders.
func (m *Module) AddressProvider() contracts.AddressProvider { return m.addresses }

// EnsureAdmin creates the account email with the admin role, or gives an
// existing account the admin role and password; name is used only for a new
// account. The credentials must be valid as for a registration (errs.Invalid
// otherwise). It is idempotent and safe when several instances start at once.
func (m *Module) EnsureAdmin(ctx context.Context, email, password, name string) error {
	_, err := m.admins.EnsureAdmin(ctx, infrastructure.AdminCredentials{Email: email, Password: password, Name: name})
	return err
}

// EnsureAdminFromEnv runs EnsureAdmin with the credentials in
// BOOKAPP_ADMIN_EMAIL and BOOKAPP_ADMIN_PASSWORD, read through getenv
// (os.Getenv), and the name "Administrator". It reports whether both were
// set; it does nothing when neither is, and fails when only one is.
func (m *Module) EnsureAdminFromEnv(ctx context.Context, getenv func(string) string) (bool, error) {
	c, ok, err := infrastructure.AdminFromEnv(getenv)
	if !ok || err != nil {
		return false, err
	}
	if _, err := m.admins.EnsureAdmin(ctx, c); err != nil {
		return false, err
	}
	return true, nil
}

// Migrations returns the users context's schema migrations, which the app
// applies at start-up before it serves.
func Migrations() migrate.Source {
	return persistence.Migrations()
}

// OpenAPI returns the context's part of the API's OpenAPI document, which
// the app merges with the others' and serves at /openapi.json.
func OpenAPI() []byte { return httpapi.OpenAPI() }
