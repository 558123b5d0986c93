module example.com/shop/books

go 1.26

require (
	example.com/shop/devtools v0.0.0
	example.com/shop/shared v0.0.0
)

replace (
	example.com/shop/devtools => ../devtools
	example.com/shop/shared => ../shared
)
