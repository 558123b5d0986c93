-- Replaced by 0019, which follows the default order's new key (see 0016).
DROP INDEX books.books_year_newest_idx;
