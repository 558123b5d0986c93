-- The year=YYYY filter under the default order: the year's books, newest
-- first, found by an equality on the leading expression and read in order,
-- however few books the year has. The publication-date sort needs no such
-- index (a year is a range of books_published_idx). published_on itself is
-- included so that the index alone answers the year's expression.
CREATE INDEX books_year_newest_idx ON books.books ((extract(year FROM published_on)), created_at DESC, id DESC) INCLUDE (average_votes, published_on) WHERE deleted_at IS NULL;
