-- The administrators' list of soft-deleted books, most recently deleted first.
CREATE INDEX books_deleted_idx ON books.books (deleted_at DESC, id DESC) WHERE deleted_at IS NOT NULL;
