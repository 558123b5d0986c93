-- books_votes_idx for the votes sort, as before less published_on: the filters on
-- the publication date have indexes of their own (a year: books_year_*_idx;
-- upcoming: books_recent_*_idx). Holding the date here let PostgreSQL test
-- a year on this index's entries, and when its estimates put a deep page's
-- cursor near the end of this index it did, passing over ~3,000 books of
-- other years a page (2.2 ms at 500,000 books) where the year index reads
-- only the page. Without the date that plan needs a table read per book,
-- and is not chosen. See docs/decisions.md.
CREATE INDEX books_votes_idx ON books.books ((coalesce(average_votes, -1)) DESC, id DESC) INCLUDE (average_votes) WHERE deleted_at IS NULL;
