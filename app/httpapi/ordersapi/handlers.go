package ordersapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"example.com/bookapp/app/web"
	ordersservice "example.com/bookapp/orders/service"
	"example.com/bookapp/shared/auth"
	"example.com/bookapp/shared/errs"
)

type placeRequest struct {
	Lines       []lineRequest `json:"lines"`
	AcceptTerms bool          `json:"acceptTerms"`
}

type lineRequest struct {
	// BookID is decoded as a string so that a malformed id is reported
	// under its line's JSON path, like every other field.
	BookID   string `json:"bookId"`
	Quantity int    `json:"quantity"`
}

type deliveryDateRequest struct {
	Date string `json:"date"`
}

type statusRequest struct {
	Status string `json:"status"`
}

type orderResponse struct {
	ID                   uuid.UUID      `json:"id"`
	Status               string         `json:"status"`
	PlacedAt             time.Time      `json:"placedAt"`
	ExpectedDeliveryDate string         `json:"expectedDeliveryDate"`
	DeliveryAddress      address        `json:"deliveryAddress"`
	Lines                []lineResponse `json:"lines"`
	Total                web.Money      `json:"total"`
}

type lineResponse struct {
	LineNum   int       `json:"lineNum"`
	BookID    uuid.UUID `json:"bookId"`
	Title     string    `json:"title"`
	Quantity  int       `json:"quantity"`
	UnitPrice web.Money `json:"unitPrice"`
	LineTotal web.Money `json:"lineTotal"`
}

type address struct {
	Line1    string `json:"line1"`
	Line2    string `json:"line2,omitempty"`
	City     string `json:"city"`
	Postcode string `json:"postcode"`
	Country  string `json:"country"`
}

type pageResponse struct {
	Items      []orderResponse `json:"items"`
	NextCursor *string         `json:"nextCursor"`
}

func toOrder(o ordersservice.OrderDTO) orderResponse {
	a := o.DeliveryAddress
	resp := orderResponse{
		ID:                   o.ID,
		Status:               o.Status,
		PlacedAt:             o.PlacedAt.UTC(),
		ExpectedDeliveryDate: o.ExpectedDeliveryDate.Format(time.DateOnly),
		DeliveryAddress:      address{Line1: a.Line1, Line2: a.Line2, City: a.City, Postcode: a.Postcode, Country: a.Country},
		Lines:                make([]lineResponse, len(o.Lines)),
		Total:                web.Money(o.TotalCents),
	}
	for i, l := range o.Lines {
		resp.Lines[i] = lineResponse{LineNum: l.LineNum, BookID: l.BookID, Title: l.Title, Quantity: l.Quantity,
			UnitPrice: web.Money(l.UnitPriceCents), LineTotal: web.Money(l.LineTotalCents)}
	}
	return resp
}

// placeOrder answers 201 with a new order, or 200 with the order an earlier
// request with the same Idempotency-Key placed.
func placeOrder(svc *ordersservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req, err := web.Decode[placeRequest](w, r)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		in := ordersservice.PlaceInput{AcceptTerms: req.AcceptTerms, Lines: make([]ordersservice.LineInput, len(req.Lines))}
		bad := map[string]string{}
		for i, l := range req.Lines {
			id, err := parseID(l.BookID)
			if err != nil && l.BookID != "" { // absent: the service says it is required
				bad["lines["+strconv.Itoa(i)+"].bookId"] = "must be a UUID"
			}
			in.Lines[i] = ordersservice.LineInput{BookID: id, Quantity: l.Quantity}
		}
		switch keys := r.Header.Values("Idempotency-Key"); len(keys) {
		case 0:
		case 1:
			in.IdempotencyKey = &keys[0]
		default:
			bad["Idempotency-Key"] = "must be sent once"
		}
		if len(bad) > 0 {
			web.WriteError(w, r, log, errs.WithFields(errs.Invalid, bad))
			return
		}
		p, _ := auth.FromContext(r.Context())
		o, created, err := svc.PlaceOrder(r.Context(), p, in)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		w.Header().Set("Location", "/api/orders/"+o.ID.String())
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		web.Respond(w, r, log, status, toOrder(o))
	}
}

func listOrders(svc *ordersservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		p, _ := auth.FromContext(r.Context())
		page, err := svc.ListOrders(r.Context(), p, ordersservice.ListQuery{
			All: q.Get("all"), PageSize: q.Get("pageSize"), Cursor: q.Get("cursor")})
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		resp := pageResponse{Items: make([]orderResponse, len(page.Items))}
		for i, o := range page.Items {
			resp.Items[i] = toOrder(o)
		}
		if page.NextCursor != "" {
			resp.NextCursor = &page.NextCursor
		}
		web.Respond(w, r, log, http.StatusOK, resp)
	}
}

func getOrder(svc *ordersservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		p, _ := auth.FromContext(r.Context())
		respond(w, r, log)(svc.GetOrder(r.Context(), p, id))
	}
}

func changeDeliveryDate(svc *ordersservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		req, err := web.Decode[deliveryDateRequest](w, r)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		p, _ := auth.FromContext(r.Context())
		respond(w, r, log)(svc.ChangeDeliveryDate(r.Context(), p, id, req.Date))
	}
}

func cancelOrder(svc *ordersservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		p, _ := auth.FromContext(r.Context())
		respond(w, r, log)(svc.Cancel(r.Context(), p, id))
	}
}

func setStatus(svc *ordersservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		req, err := web.Decode[statusRequest](w, r)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		p, _ := auth.FromContext(r.Context())
		respond(w, r, log)(svc.SetStatus(r.Context(), p, id, req.Status))
	}
}

// respond returns a function that answers a use case's order (200) or its
// error, so a handler can end with respond(w, r, log)(svc.Something(...)).
func respond(w http.ResponseWriter, r *http.Request, log *slog.Logger) func(ordersservice.OrderDTO, error) {
	return func(o ordersservice.OrderDTO, err error) {
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		web.Respond(w, r, log, http.StatusOK, toOrder(o))
	}
}

// pathID returns the order id in r's path, or a 400 naming "id".
func pathID(r *http.Request) (uuid.UUID, error) {
	id, err := parseID(chi.URLParam(r, "id"))
	if err != nil {
		return uuid.Nil, errs.WithFields(errs.Invalid, map[string]string{"id": "must be a UUID"})
	}
	return id, nil
}

// parseID reads an id in the one form the API writes them,
// 0190a5e2-7b1c-7def-8000-0123456789ab (uuid.Parse alone would also take
// braces, a urn: prefix or no dashes).
func parseID(s string) (uuid.UUID, error) {
	if len(s) != 36 {
		return uuid.Nil, errors.New("not a UUID")
	}
	return uuid.Parse(s)
}
