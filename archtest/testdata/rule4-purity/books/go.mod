module example.com/shop/books

go 1.26

require (
	example.com/shop/devtools v0.0.0
	example.com/shop/shared v0.0.0
	github.com/google/go-cmp v0.7.0
	github.com/google/uuid v1.6.0
	github.com/jackc/pgx/v5 v5.7.0
)

replace example.com/shop/shared => ../shared

replace example.com/shop/devtools => ../devtools
