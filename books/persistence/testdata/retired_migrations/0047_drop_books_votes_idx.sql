-- Re-created without published_on by the next migration.
DROP INDEX books.books_votes_idx;
