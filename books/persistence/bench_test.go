package persistence_test

import (
	"context"
	"testing"

	"example.com/bookapp/books/domain"
	"example.com/bookapp/books/persistence"
)

// BenchmarkAddReview adds reviews to one book from many goroutines at once,
// the worst case for the counters on its row, each way of keeping them:
//
//	increment  AddReview: one statement, UPDATE ... SET reviews_count = reviews_count + 1 and the INSERT
//	increment-tx  the same as a transaction of two statements
//	row-lock  SELECT ... FOR UPDATE, count in the domain, UPDATE, INSERT
//
// Run it on its own: go test -run '^$' -bench AddReview -benchtime 3s ./persistence/
func BenchmarkAddReview(b *testing.B) {
	ways := []struct {
		name string
		add  func(*persistence.Store) func(context.Context, domain.Review) error
	}{
		{"increment", func(s *persistence.Store) func(context.Context, domain.Review) error { return s.AddReviewOnly }},
		{"increment-tx", func(s *persistence.Store) func(context.Context, domain.Review) error { return s.AddReviewTwoStatements }},
		{"row-lock", func(s *persistence.Store) func(context.Context, domain.Review) error { return s.AddReviewLocked }},
	}
	for _, way := range ways {
		b.Run(way.name, func(b *testing.B) {
			store, pool := newStore(b)
			book := mustAddBook(b, store, nil)
			add := way.add(store)
			ctx := context.Background()
			b.SetParallelism(4) // 4 goroutines per CPU, all on one book
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := add(ctx, mustReview(b, book.ID(), 4, now)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			if n := queryRow[int](b, pool, `SELECT reviews_count FROM books.books WHERE id = $1`, book.ID()); n != queryRow[int](b, pool, `SELECT count(*)::int FROM books.reviews`) {
				b.Errorf("reviews_count %d does not match the reviews stored", n)
			}
		})
	}
}
