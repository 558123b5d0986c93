module example.com/shop/shared

go 1.26

require example.com/shop/books v0.0.0

replace example.com/shop/books => ../books
