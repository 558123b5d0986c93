-- The first page of GET /api/books?sort=votes&pageSize=100, as the app sends
-- it: the statement built by books/persistence/listbooks (booksSQL, sort
-- ByVotes, no filter, no cursor), with the service's limit of pageSize + 1
-- (one more row says whether a next page exists). Run it with -M prepared,
-- since pgx prepares and caches its statements too. Keep it in step with
-- listbooks: `make bench-http` compares the endpoint with this.
SELECT b.id, b.title, b.authors_string, b.published_on, b.price_cents, b.actual_price_cents,
	coalesce(b.promotion_text, ''), b.reviews_count, b.average_votes, b.tag_names, b.created_at, b.deleted_at, b.copies_sold
FROM books.books b
WHERE deleted_at IS NULL
ORDER BY coalesce(average_votes, -1) DESC, id DESC
LIMIT 101;
