-- Whether a reviewer bought the book (verifiedPurchase), and a book's
-- purchases for the cache check's sum of copies sold.
CREATE INDEX purchases_book_user_idx ON books.purchases (book_id, user_id);
