module example.com/shop/books

go 1.26

require (
	example.com/shop/shared v0.0.0
	github.com/google/uuid v1.6.0
)
