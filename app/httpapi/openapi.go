package httpapi

import (
	_ "embed"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"example.com/bookapp/books"
	"example.com/bookapp/orders"
	"example.com/bookapp/shared/web"
	"example.com/bookapp/users"
)

// openAPIBase is the app's own part of the OpenAPI 3.1 document: the info
// every client reads first, and the operational endpoints. The rest is
// checked in beside the code it describes — the shared vocabulary in
// shared/web, each context's paths and schemas in its httpapi layer — so that
// a change to a route and to its contract land together. The HTTP tests
// validate every response they get against the merged document.
//
//go:embed openapi.json
var openAPIBase []byte

// document merges the parts once; an overlap between two parts is a bug
// that the tests (and the first request for /openapi.json) report.
var document = sync.OnceValues(func() ([]byte, error) {
	doc, err := web.MergeOpenAPI(openAPIBase, web.OpenAPI(), users.OpenAPI(), books.OpenAPI(), orders.OpenAPI())
	if err != nil {
		return nil, fmt.Errorf("the OpenAPI document: %w", err)
	}
	return doc, nil
})

// OpenAPI returns the API's OpenAPI 3.1 document, as served at
// /openapi.json: the app's part merged with the shared one and the
// contexts'.
func OpenAPI() ([]byte, error) {
	doc, err := document()
	return append([]byte(nil), doc...), err
}

// openAPI serves the document.
func openAPI(log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		doc, err := document()
		if err != nil {
			web.WriteError(w, r, log, err) // a 500: the parts overlap
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	}
}
