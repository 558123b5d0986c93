package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"example.com/bookapp/orders/service"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/web"
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
	Date web.Date `json:"date"`
}

type statusRequest struct {
	Status string `json:"status"`
}

type orderResponse struct {
	ID                   uuid.UUID      `json:"id"`
	Status               string         `json:"status"`
	PlacedAt             time.Time      `json:"placedAt"`
	ExpectedDeliveryDate web.Date       `json:"expectedDeliveryDate"`
	DeliveryAddress      web.Address    `json:"deliveryAddress"`
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

type pageResponse struct {
	Items      []orderResponse `json:"items"`
	NextCursor *string         `json:"nextCursor"`
}

func toOrder(o service.Order) orderResponse {
	a := o.DeliveryAddress
	resp := orderResponse{
		ID:                   o.ID,
		Status:               o.Status,
		PlacedAt:             o.PlacedAt.UTC(),
		ExpectedDeliveryDate: web.DateOf(o.ExpectedDeliveryDate),
		DeliveryAddress:      web.Address{Line1: a.Line1, Line2: a.Line2, City: a.City, Postcode: a.Postcode, Country: a.Country},
		Lines:                make([]lineResponse, len(o.Lines)),
		Total:                web.Money(o.TotalCents),
	}
	for i, l := range o.Lines {
		resp.Lines[i] = lineResponse{LineNum: l.LineNum, BookID: l.BookID, Title: l.Title, Quantity: l.Quantity,
			UnitPrice: web.Money(l.UnitPriceCents), LineTotal: web.Money(l.LineTotalCents)}
	}
	return resp
}

// handlers answer the orders endpoints with the context's service.
type handlers struct {
	orders *service.Service
}

// placeOrder answers 201 with a new order, or 200 with the order an earlier
// request with the same Idempotency-Key placed.
func (h handlers) placeOrder(w http.ResponseWriter, r *http.Request) error {
	req, err := web.Decode[placeRequest](w, r)
	if err != nil {
		return err
	}
	in := service.PlaceInput{AcceptTerms: req.AcceptTerms, Lines: make([]service.LineInput, len(req.Lines))}
	bad := errs.Fields{}
	for i, l := range req.Lines {
		id, ok := web.ParseID(l.BookID)
		// absent: the service says it is required
		bad.Check("lines["+strconv.Itoa(i)+"].bookId", !ok && l.BookID != "", web.IDMessage)
		in.Lines[i] = service.LineInput{BookID: id, Quantity: l.Quantity}
	}
	switch keys := r.Header.Values("Idempotency-Key"); len(keys) {
	case 0:
	case 1:
		in.IdempotencyKey = &keys[0]
	default:
		bad.Check("Idempotency-Key", true, "must be sent once")
	}
	if err := bad.Err(errs.Invalid); err != nil {
		return err
	}
	o, created, err := h.orders.PlaceOrder(r.Context(), web.Caller(r), in)
	if err != nil {
		return web.RenameField(err, "idempotencyKey", "Idempotency-Key")
	}
	w.Header().Set("Location", "/api/orders/"+o.ID.String())
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return web.Encode(w, status, toOrder(o))
}

func (h handlers) listOrders(w http.ResponseWriter, r *http.Request) error {
	q := web.QueryOf(r)
	in := service.ListQuery{All: q.Bool("all"), PageSize: q.Int("pageSize"), Cursor: q.String("cursor")}
	if err := q.Err(); err != nil {
		return err
	}
	page, err := h.orders.ListOrders(r.Context(), web.Caller(r), in)
	if err != nil {
		return err
	}
	resp := pageResponse{Items: make([]orderResponse, len(page.Items))}
	for i, o := range page.Items {
		resp.Items[i] = toOrder(o)
	}
	if page.NextCursor != "" {
		resp.NextCursor = &page.NextCursor
	}
	return web.Encode(w, http.StatusOK, resp)
}

func (h handlers) getOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return respond(w)(h.orders.GetOrder(r.Context(), web.Caller(r), id))
}

func (h handlers) changeDeliveryDate(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	req, err := web.Decode[deliveryDateRequest](w, r)
	if err != nil {
		return err
	}
	if err := web.Check(map[string]web.Checked{"date": req.Date}); err != nil {
		return err
	}
	return respond(w)(h.orders.ChangeDeliveryDate(r.Context(), web.Caller(r), id, req.Date.Time))
}

func (h handlers) cancelOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return respond(w)(h.orders.Cancel(r.Context(), web.Caller(r), id))
}

func (h handlers) setStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	req, err := web.Decode[statusRequest](w, r)
	if err != nil {
		return err
	}
	return respond(w)(h.orders.SetStatus(r.Context(), web.Caller(r), id, req.Status))
}

// respond returns a function that answers a use case's order (200) or
// returns its error, so a handler can end with
// return respond(w)(h.orders.Something(...)).
func respond(w http.ResponseWriter) func(service.Order, error) error {
	return func(o service.Order, err error) error {
		if err != nil {
			return err
		}
		return web.Encode(w, http.StatusOK, toOrder(o))
	}
}
