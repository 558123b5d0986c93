package httpapi

import (
	"bytes"
	_ "embed"
	"net/http"
)

// openAPIDocument is the OpenAPI 3.1 description of every route, checked in
// beside the code so that a change to a route and to its contract land
// together. The HTTP tests validate every response they get against it.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPI returns the API's OpenAPI 3.1 document, as served at /openapi.json.
func OpenAPI() []byte { return bytes.Clone(openAPIDocument) }

// openAPI serves the document.
func openAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDocument)
}
