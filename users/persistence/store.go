package persistence

import (
	"context"
	"errors"
	"fmt"
	"time"

	"example.com/bookapp/shared/pgtx"
	"example.com/bookapp/users/domain"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The PostgreSQL error codes and constraint names the store translates.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
	emailIndex          = "users_email_lower_key"
)

// A Store reads and writes the users schema. It holds every SQL statement of
// the context; all times it stores come from the caller, so that the service's
// clock, not the database's, decides expiry and lockout.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a Store over pool, whose database holds the migrations of
// Migrations.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool}
}

// CreateUser stores a new account with its password hash, or returns
// domain.ErrEmailTaken when another account has the email in any case.
func (s *Store) CreateUser(ctx context.Context, u *domain.User, passwordHash string) error {
	// One statement, so the account and its hash are stored together or not
	// at all without a transaction's extra round trips.
	_, err := s.pool.Exec(ctx, `
		WITH account AS (
			INSERT INTO users.users (id, email, name, roles, created_at)
			VALUES ($1, $2, $3, $4, $5)
			RETURNING id
		)
		INSERT INTO users.passwords (user_id, hash, updated_at)
		SELECT id, $6, $5 FROM account`,
		u.ID(), u.Email(), u.Name(), u.Roles(), u.CreatedAt(), passwordHash)
	if violates(err, uniqueViolation, emailIndex) {
		return domain.ErrEmailTaken
	}
	return pgtx.Wrap("users: create user", err)
}

// EnsureAdmin creates u with its password hash or, when an account already
// has u's email, gives that account the admin role and the password hash,
// keeping its id and name. It returns the account's id. It is idempotent and
// safe to run from several instances at once.
func (s *Store) EnsureAdmin(ctx context.Context, u *domain.User, passwordHash string) (uuid.UUID, error) {
	var id uuid.UUID
	err := s.pool.QueryRow(ctx, `
		WITH account AS (
			INSERT INTO users.users AS u (id, email, name, roles, created_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT ((lower(email))) DO UPDATE
				SET roles = CASE WHEN 'admin' = ANY (u.roles) THEN u.roles ELSE u.roles || 'admin'::text END
			RETURNING id
		)
		INSERT INTO users.passwords AS p (user_id, hash, updated_at)
		SELECT id, $6, $5 FROM account
		ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at
		RETURNING user_id`,
		u.ID(), u.Email(), u.Name(), u.Roles(), u.CreatedAt(), passwordHash).Scan(&id)
	return id, pgtx.Wrap("users: ensure admin", err)
}

// Credentials returns the id and password hash of the account with email
// (compared case-insensitively), or domain.ErrUserNotFound.
func (s *Store) Credentials(ctx context.Context, email string) (uuid.UUID, string, error) {
	var (
		id   uuid.UUID
		hash string
	)
	_, err := pgtx.Read(ctx, s.pool, func() (struct{}, error) {
		return struct{}{}, s.pool.QueryRow(ctx, `
			SELECT u.id, p.hash
			FROM users.users u
			JOIN users.passwords p ON p.user_id = u.id
			WHERE lower(u.email) = lower($1)`,
			email).Scan(&id, &hash)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, "", domain.ErrUserNotFound
	}
	return id, hash, pgtx.Wrap("users: read credentials", err)
}

// SetPasswordHash replaces the password hash of account id, or returns
// domain.ErrUserNotFound.
func (s *Store) SetPasswordHash(ctx context.Context, id uuid.UUID, hash string, now time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users.passwords SET hash = $2, updated_at = $3 WHERE user_id = $1`, id, hash, now)
	if err != nil {
		return pgtx.Wrap("users: set password hash", err)
	}
	if tag.RowsAffected() == 0 {
		return domain.ErrUserNotFound
	}
	return nil
}

// ReserveLoginAttempt records a sign-in attempt for email at now as a
// failure, unless email already has limit failures since now-window, in which
// case it records nothing and returns domain.ErrLockedOut. It returns the
// failure's id: a caller whose attempt succeeds forgets it with
// ForgetLoginAttempt.
//
// Recording the attempt before the password is checked, under a per-email
// transaction-scoped advisory lock, makes the limit exact under concurrency:
// however many attempts race, at most limit passwords are ever checked per
// window. It also deletes the email's failures that have left the window.
func (s *Store) ReserveLoginAttempt(ctx context.Context, email string, now time.Time, window time.Duration, limit int) (uuid.UUID, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.Nil, fmt.Errorf("new login attempt id: %w", err)
	}
	since := now.Add(-window)
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Serialises the attempts on one email (and, rarely, on another whose
		// key collides); released at commit.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('users.login_failures:' || $1, 0))`, email); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM users.login_failures WHERE email = $1 AND failed_at < $2`, email, since); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO users.login_failures (id, email, failed_at)
			SELECT $1, $2, $3
			WHERE (SELECT count(*) FROM users.login_failures WHERE email = $2 AND failed_at >= $4) < $5`,
			id, email, now, since, limit)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return domain.ErrLockedOut
		}
		return nil
	})
	if errors.Is(err, domain.ErrLockedOut) {
		return uuid.Nil, err
	}
	return id, pgtx.Wrap("users: reserve login attempt", err)
}

// ForgetLoginAttempt deletes the failure ReserveLoginAttempt recorded for an
// attempt that succeeded.
func (s *Store) ForgetLoginAttempt(ctx context.Context, id uuid.UUID) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM users.login_failures WHERE id = $1`, id)
	return pgtx.Wrap("users: forget login attempt", err)
}

// CreateSession stores a new session, and deletes the account's sessions that
// have expired.
func (s *Store) CreateSession(ctx context.Context, sess domain.Session) error {
	_, err := s.pool.Exec(ctx, `
		WITH expired AS (
			DELETE FROM users.sessions WHERE user_id = $2 AND expires_at <= $3
		)
		INSERT INTO users.sessions (token_hash, user_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4)`,
		sess.TokenHash(), sess.UserID(), sess.CreatedAt(), sess.ExpiresAt())
	return pgtx.Wrap("users: create session", err)
}

// RevokeSession ends the live session whose token has the hash tokenHash, or
// returns domain.ErrInvalidToken when there is none (unknown, expired or
// already revoked).
func (s *Store) RevokeSession(ctx context.Context, tokenHash []byte, now time.Time) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE users.sessions SET revoked_at = $2
		WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2`,
		tokenHash, now)
	if err != nil {
		return pgtx.Wrap("users: revoke session", err)
	}
	if tag.RowsAffected() == 0 {
		return domain.ErrInvalidToken
	}
	return nil
}

// UserBySession returns the account of the live session whose token has the
// hash tokenHash, or domain.ErrInvalidToken. It runs on every authenticated
// request: one primary-key lookup joined to the account by primary key.
func (s *Store) UserBySession(ctx context.Context, tokenHash []byte, now time.Time) (*domain.User, error) {
	u, err := pgtx.Read(ctx, s.pool, func() (*domain.User, error) {
		return scanUser(s.pool.QueryRow(ctx, `
			SELECT u.id, u.email, u.name, u.roles, u.created_at
			FROM users.sessions s
			JOIN users.users u ON u.id = s.user_id
			WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.revoked_at IS NULL`,
			tokenHash, now))
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrInvalidToken
	}
	return u, pgtx.Wrap("users: read session", err)
}

// UserByID returns account id, or domain.ErrUserNotFound.
func (s *Store) UserByID(ctx context.Context, id uuid.UUID) (*domain.User, error) {
	u, err := pgtx.Read(ctx, s.pool, func() (*domain.User, error) {
		return scanUser(s.pool.QueryRow(ctx, `
			SELECT id, email, name, roles, created_at FROM users.users WHERE id = $1`, id))
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrUserNotFound
	}
	return u, pgtx.Wrap("users: read user", err)
}

func scanUser(row pgx.Row) (*domain.User, error) {
	var u domain.StoredUser
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Roles, &u.CreatedAt); err != nil {
		return nil, err
	}
	return domain.RestoreUser(u), nil
}

// Address returns the delivery address of account userID, or
// domain.ErrNoAddress when it has none (or there is no such account).
func (s *Store) Address(ctx context.Context, userID uuid.UUID) (domain.Address, error) {
	var a domain.StoredAddress
	_, err := pgtx.Read(ctx, s.pool, func() (struct{}, error) {
		return struct{}{}, s.pool.QueryRow(ctx, `
			SELECT line1, line2, city, postcode, country FROM users.addresses WHERE user_id = $1`,
			userID).Scan(&a.Line1, &a.Line2, &a.City, &a.Postcode, &a.Country)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Address{}, domain.ErrNoAddress
	}
	if err != nil {
		return domain.Address{}, pgtx.Wrap("users: read address", err)
	}
	return domain.RestoreAddress(a), nil
}

// SetAddress sets or replaces the delivery address of account userID, or
// returns domain.ErrUserNotFound.
func (s *Store) SetAddress(ctx context.Context, userID uuid.UUID, a domain.Address, now time.Time) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO users.addresses (user_id, line1, line2, city, postcode, country, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (user_id) DO UPDATE SET
			line1 = excluded.line1, line2 = excluded.line2, city = excluded.city,
			postcode = excluded.postcode, country = excluded.country, updated_at = excluded.updated_at`,
		userID, a.Line1(), a.Line2(), a.City(), a.Postcode(), a.Country(), now)
	if violates(err, foreignKeyViolation, "") {
		return domain.ErrUserNotFound
	}
	return pgtx.Wrap("users: set address", err)
}

// violates reports whether err is a PostgreSQL error with code and, unless
// constraint is "", on that constraint.
func violates(err error, code, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code && (constraint == "" || pgErr.ConstraintName == constraint)
}
