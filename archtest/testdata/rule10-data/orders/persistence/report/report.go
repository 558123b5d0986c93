// Package report is a sub-package of orders' persistence layer.
package report

// Sales counts orders by author, from books' schema: rule 10.
const Sales = `SELECT a.name, count(*) FROM orders.orders o JOIN books.book_authors a ON a.book_id = o.book_id GROUP BY a.name`
