module example.com/bookapp/users

go 1.26.0

require (
	example.com/bookapp/devtools v0.0.0
	example.com/bookapp/shared v0.0.0
	github.com/a-h/templ v0.3.1118
	github.com/google/go-cmp v0.7.0
	github.com/google/uuid v1.6.0
	github.com/jackc/pgx/v5 v5.12.0
	golang.org/x/crypto v0.58.0
)

require (
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

replace example.com/bookapp/shared => ../shared

replace example.com/bookapp/devtools => ../devtools
