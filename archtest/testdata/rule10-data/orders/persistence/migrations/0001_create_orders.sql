CREATE TABLE orders.orders (
    id uuid PRIMARY KEY,
    book_id uuid NOT NULL -- books.books(id), but no foreign key across schemas
);
