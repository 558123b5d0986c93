package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/go-chi/chi/v5"

	"example.com/bookapp/app/httpapi"
	"example.com/bookapp/shared/web/page"
)

// contract is the API's OpenAPI document, loaded once for the package, with
// a router that finds the operation a request is for.
type contract struct {
	doc    *openapi3.T
	router routers.Router
	// problem is the Problem schema, for answers to requests no operation
	// describes (404 and 405 from the router, 503 while starting).
	problem *openapi3.Schema
}

// loadContract parses and validates the embedded document. Response objects
// are then closed (additionalProperties: false) for the tests only: the
// published document lets responses gain fields, but a field the server
// sends and the document does not name fails a test.
var loadContract = sync.OnceValues(func() (*contract, error) {
	loader := openapi3.NewLoader()
	data, err := httpapi.OpenAPI()
	if err != nil {
		return nil, err
	}
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load openapi.json: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.json is not a valid OpenAPI document: %w", err)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, resp := range op.Responses.Map() {
				for _, mt := range resp.Value.Content {
					closeObjects(mt.Schema, map[*openapi3.Schema]bool{})
				}
			}
		}
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route openapi.json: %w", err)
	}
	return &contract{doc: doc, router: router, problem: doc.Components.Schemas["Problem"].Value}, nil
})

// closeObjects sets additionalProperties: false on every object schema under
// ref that leaves it unset.
func closeObjects(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	s := ref.Value
	seen[s] = true
	if s.Type.Is("object") && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
		s.AdditionalProperties.Has = new(false)
	}
	for _, p := range s.Properties {
		closeObjects(p, seen)
	}
	closeObjects(s.Items, seen)
	for _, sub := range slices.Concat(s.AllOf, s.OneOf, s.AnyOf) {
		closeObjects(sub, seen)
	}
}

// uuidFormat checks format: uuid, which kin-openapi leaves unchecked unless
// asked.
var uuidFormat = openapi3.WithStringFormatValidator("uuid",
	openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562))

// A reporter is the part of *testing.T that checkContract uses, so a test
// can prove that it fails.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

// checkContract fails t unless the answer to req (status, headers, body) is
// one the OpenAPI document describes for req's operation: a documented
// status, the documented content type, a body that matches the schema, the
// required headers, and no body where none is documented. An answer to a
// request for no documented operation must be a 404, 405 or 503 problem.
func checkContract(t reporter, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Errorf("openapi: %v", err)
		return
	}
	if page.IsPage(req) {
		return // a page, or a path no route has that a browser asked for: HTML, not the API's (pages_test.go)
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		if re := (*routers.RouteError)(nil); !errors.As(err, &re) {
			t.Errorf("openapi: %s %s: %v", req.Method, req.URL.Path, err)
			return
		}
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed && status != http.StatusServiceUnavailable {
			t.Errorf("openapi: %s %s answered %d, but the document has no such operation", req.Method, req.URL.Path, status)
			return
		}
		checkProblem(t, c, req, status, header, body)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options: &openapi3filter.Options{
			IncludeResponseStatus:   true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{uuidFormat},
		},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("openapi: %s %s answered %d, which the document does not allow: %v\nbody: %.2000s",
			req.Method, req.URL.Path, status, err, body)
		return
	}
	if resp := route.Operation.Responses.Status(status); resp != nil && len(resp.Value.Content) == 0 && len(body) > 0 {
		t.Errorf("openapi: %s %s answered %d with a body the document does not describe: %.500s", req.Method, req.URL.Path, status, body)
	}
}

// checkProblem fails t unless the answer is problem+json with a valid
// Problem body and an X-Request-Id.
func checkProblem(t reporter, c *contract, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	if ct := header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("openapi: %s %s answered %d with Content-Type %q, want application/problem+json", req.Method, req.URL.Path, status, ct)
		return
	}
	if header.Get("X-Request-Id") == "" {
		t.Errorf("openapi: %s %s answered %d without X-Request-Id", req.Method, req.URL.Path, status)
	}
	v, err := openapi3filter.JSONBodyDecoder(strings.NewReader(string(body)), header, nil, nil)
	if err == nil {
		err = c.problem.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.VisitAsResponse())
	}
	if err != nil {
		t.Errorf("openapi: %s %s answered %d with a body that is not a Problem: %v\nbody: %s", req.Method, req.URL.Path, status, err, body)
	}
}

func TestOpenAPIDocument(t *testing.T) {
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	if c.doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", c.doc.OpenAPI)
	}
	for path, item := range c.doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			if op.OperationID == "" || op.Summary == "" {
				t.Errorf("%s: no operationId or summary", name)
			}
			var want []int
			if strings.HasPrefix(path, "/api/") {
				want = append(want, 401, 500, 503) // any token is checked; the database may fail or be away
			}
			if op.RequestBody != nil {
				want = append(want, 400, 413, 415)
				checkClosed(t, name+" request body", op.RequestBody.Value.Content.Get("application/json").Schema)
			}
			if strings.Contains(path, "{id}") {
				want = append(want, 400, 404)
			}
			for _, status := range want {
				if op.Responses.Status(status) == nil {
					t.Errorf("%s: no %d response", name, status)
				}
			}
			for code, resp := range op.Responses.Map() {
				if code >= "400" && resp.Value.Content.Get("application/problem+json") == nil {
					t.Errorf("%s: %s is not problem+json", name, code)
				}
			}
		}
	}
}

// checkClosed fails t if an object schema under ref allows fields it does
// not name: request bodies with unknown fields get 400.
func checkClosed(t *testing.T, where string, ref *openapi3.SchemaRef) {
	t.Helper()
	if ref == nil || ref.Value == nil {
		t.Errorf("%s: no schema", where)
		return
	}
	s := ref.Value
	if s.Type.Is("object") && (s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has) {
		t.Errorf("%s: an object schema without additionalProperties: false", where)
	}
	for name, p := range s.Properties {
		if p.Value.Type.Is("object") || p.Value.Type.Is("array") {
			checkClosed(t, where+"."+name, p)
		}
	}
	if s.Items != nil && s.Items.Value.Type.Is("object") {
		checkClosed(t, where+"[]", s.Items)
	}
}

func TestOpenAPIIsServed(t *testing.T) {
	srv := newServer(t)
	r := do(t, srv, "GET", "/openapi.json", "", nil)
	doc, err := httpapi.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" || string(r.body) != string(doc) {
		t.Errorf("GET /openapi.json = %d %q, %d bytes; want 200 application/json with the embedded document",
			r.status, r.header.Get("Content-Type"), len(r.body))
	}
}

// The document and the router name the same operations.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	inRouter := chiRoutes(t, newServer(t))
	var inDoc []string
	for path, item := range c.doc.Paths.Map() {
		for method := range item.Operations() {
			inDoc = append(inDoc, method+" "+path)
		}
	}
	for _, route := range inRouter {
		if isPageRoute(route) {
			continue // the pages and their static files are not the API
		}
		if !slices.Contains(inDoc, route) {
			t.Errorf("route %s is not in openapi.json", route)
		}
	}
	for _, op := range inDoc {
		if !slices.Contains(inRouter, op) {
			t.Errorf("openapi.json names %s, which the router does not have", op)
		}
	}
}

// chiParam is a path parameter with a pattern, {id:[0-9]+}, which the
// document writes {id}.
var chiParam = regexp.MustCompile(`\{([^}:]+):[^}]*\}`)

// chiRoutes lists srv's routes as "METHOD /pattern", sorted.
func chiRoutes(t *testing.T, srv *httptest.Server) []string {
	t.Helper()
	routes, ok := srv.Config.Handler.(chi.Routes)
	if !ok {
		t.Fatalf("the API handler is a %T, not a chi router", srv.Config.Handler)
	}
	var list []string
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		list = append(list, method+" "+chiParam.ReplaceAllString(route, "{$1}"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(list)
	return slices.Compact(list)
}

// isPageRoute says whether route ("GET /books/{id}") is one of the pages
// (or their static files) rather than the API's.
func isPageRoute(route string) bool {
	method, path, _ := strings.Cut(route, " ")
	return page.IsPage(httptest.NewRequest(method, strings.ReplaceAll(path, "*", "x"), nil))
}

// failures records what checkContract reports.
type failures []string

func (*failures) Helper() {}
func (f *failures) Errorf(format string, args ...any) {
	*f = append(*f, fmt.Sprintf(format, args...))
}

// The contract check is only worth having if it fails: each of these answers
// breaks the document in one way.
func TestContractCheckCatchesMismatches(t *testing.T) {
	const (
		id   = "0190a0e4-1c2b-7d3e-8f00-123456789abc"
		me   = `{"id":"` + id + `","email":"a@b.co","name":"A","roles":["customer"],"address":null}`
		prob = `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"x","requestId":"r1"}`
	)
	jsonH := func(kv ...string) http.Header {
		h := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r1"}}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				h.Del(kv[i])
			} else {
				h.Set(kv[i], kv[i+1])
			}
		}
		return h
	}
	problemH := jsonH("Content-Type", "application/problem+json", "WWW-Authenticate", `Bearer realm="bookapp"`)
	tests := []struct {
		name         string
		method, path string
		status       int
		header       http.Header
		body         string
		ok           bool
	}{
		{"valid", "GET", "/api/users/me", 200, jsonH(), me, true},
		{"valid problem", "GET", "/api/users/me", 401, problemH, prob, true},
		{"valid 204", "POST", "/api/auth/logout", 204, jsonH("Content-Type", ""), "", true},
		{"valid 405", "DELETE", "/api/users/me", 405, problemH, strings.Replace(prob, "401", "405", 1), true},
		{"undocumented status", "GET", "/api/users/me", 418, problemH, strings.Replace(prob, "401", "418", 1), false},
		{"missing field", "GET", "/api/users/me", 200, jsonH(), strings.Replace(me, `"roles":["customer"],`, "", 1), false},
		{"extra field", "GET", "/api/users/me", 200, jsonH(), strings.Replace(me, `}`, `,"passwordHash":"x"}`, 1), false},
		{"wrong type", "GET", "/api/users/me", 200, jsonH(), strings.Replace(me, `"name":"A"`, `"name":7`, 1), false},
		{"not a uuid", "GET", "/api/users/me", 200, jsonH(), strings.Replace(me, id, "42", 1), false},
		{"unknown enum value", "GET", "/api/users/me", 200, jsonH(), strings.Replace(me, `"customer"`, `"root"`, 1), false},
		{"wrong content type", "GET", "/api/users/me", 200, jsonH("Content-Type", "text/plain"), me, false},
		{"no request id", "GET", "/api/users/me", 200, jsonH("X-Request-Id", ""), me, false},
		{"401 without WWW-Authenticate", "GET", "/api/users/me", 401, jsonH("Content-Type", "application/problem+json"), prob, false},
		{"problem status differs", "GET", "/api/users/me", 401, problemH, strings.Replace(prob, "401", "404", 1), false},
		{"problem without detail", "GET", "/api/users/me", 401, problemH, strings.Replace(prob, `"detail":"x",`, "", 1), false},
		{"error as plain JSON", "GET", "/api/users/me", 401, jsonH("WWW-Authenticate", "Bearer"), prob, false},
		{"204 with a body", "POST", "/api/auth/logout", 204, jsonH(), `{}`, false},
		{"timestamp not UTC", "POST", "/api/auth/login", 200, jsonH(), `{"token":"t","expiresAt":"2030-01-01T10:00:00+02:00"}`, false},
		{"200 on an undocumented path", "GET", "/api/nothing", 200, jsonH(), `{}`, false},
		{"404 that is not a problem", "GET", "/api/nothing", 404, jsonH(), `{}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, "http://bookapp.test"+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got failures
			checkContract(&got, req, tt.status, tt.header, []byte(tt.body))
			if tt.ok && len(got) > 0 {
				t.Errorf("the check failed a valid answer: %s", got)
			}
			if !tt.ok && len(got) == 0 {
				t.Error("the check passed an answer that breaks the document")
			}
		})
	}
}
