/* A view of the titles in books.books: orders may not read books' tables,
   not even in a view (rule 10). */
CREATE VIEW orders.order_titles AS
SELECT o.id, b.title, 'copied from books.books' AS source
FROM orders.orders o
JOIN books.books b ON b.id = o.book_id;
