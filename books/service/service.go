package service

import (
	"context"
	"time"

	"example.com/bookapp/books/domain"
	"example.com/bookapp/books/persistence/cachecheck"
	"github.com/google/uuid"
)

// The errors the service returns beyond field validation (errs.Invalid) and
// broken rules (errs.RuleBroken); each wraps an errs kind, which is what the
// app maps to a status.
var (
	ErrBookNotFound = domain.ErrBookNotFound // errs.NotFound (404), also for a soft-deleted book
)

// A Store keeps books and their reviews; *persistence.Store is the one the
// module uses.
type Store interface {
	AddBook(ctx context.Context, b *domain.Book) error
	Book(ctx context.Context, id uuid.UUID) (*domain.Book, []domain.Review, error)
	Update(ctx context.Context, id uuid.UUID, change func(*domain.Book) error) error
	AddReview(ctx context.Context, r domain.Review) (domain.Review, error)
	Tags(ctx context.Context) ([]string, error)
	// Choices returns every tag, in byte order, and the years in which
	// books not deleted were published, newest first.
	Choices(ctx context.Context) (tags []string, years []int, err error)
}

// Service is the books context's use cases but the book lists (see
// service/listbooks). A use case that depends on its caller takes it as a
// parameter, p: the administrator's use cases refuse anyone else with
// auth.ErrAdminsOnly (auth.ErrSignIn for an anonymous caller; the HTTP
// routes refuse them first, this is the second lock on the door), and
// AddReview signs the review with the caller's name.
type Service struct {
	store      Store
	checkCache CacheCheck
	now        func() time.Time
}

// A CacheCheck recomputes the books' cached columns and reports, and with
// fix repairs, what disagrees: cachecheck.Check over the context's pool.
type CacheCheck func(ctx context.Context, fix bool) (cachecheck.Report, error)

// New returns a Service over store that checks the cached columns with
// checkCache and reads the time from now (nil means time.Now).
func New(store Store, checkCache CacheCheck, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, checkCache: checkCache, now: now}
}
