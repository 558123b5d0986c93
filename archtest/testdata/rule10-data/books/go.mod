module example.com/shop/books

go 1.26
