module example.com/shop/app

go 1.26

require (
	example.com/shop/books v0.0.0
	example.com/shop/shared v0.0.0
)

replace (
	example.com/shop/books => ../books
	example.com/shop/shared => ../shared
)
