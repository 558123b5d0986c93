-- A book's newest reviews first (the detail shows 20), and the per-book
-- aggregates the cache check recomputes.
CREATE INDEX reviews_book_id_idx ON books.reviews (book_id, created_at DESC, id DESC);
