package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	"github.com/a-h/templ"
	"github.com/google/uuid"

	"example.com/bookapp/orders/service"
	"example.com/bookapp/shared/errs"
	"example.com/bookapp/shared/web"
	"example.com/bookapp/shared/web/page"
)

// Pages mounts the orders context's pages on mux: the basket (a cookie, see
// basketOf), the checkout, the customer's orders with their changes, and the
// administrators' list of every order with its status.
func Pages(mux web.Mux, log *slog.Logger, orders *service.Service) {
	p := pages{orders: orders}
	rs := page.Routes{Mux: mux, Log: log}
	rs.Handle("GET /basket", p.basket)
	rs.Handle("POST /basket/add", p.addToBasket)
	rs.Handle("POST /basket/update", p.updateBasket)
	rs.Handle("GET /checkout", p.checkout, web.SignedIn)
	rs.Handle("POST /checkout", p.placeOrder, web.SignedIn)
	rs.Handle("GET /orders", p.myOrders, web.SignedIn)
	rs.Handle("GET /orders/{id}", p.order, web.SignedIn)
	rs.Handle("POST /orders/{id}/delivery-date", p.changeDeliveryDate, web.SignedIn)
	rs.Handle("POST /orders/{id}/cancel", p.cancel, web.SignedIn)
	rs.Handle("GET /admin/orders", p.allOrders, web.Admin)
	rs.Handle("POST /admin/orders/{id}/status", p.setStatus, web.Admin)
}

type pages struct {
	orders *service.Service
}

// basketView is the basket and the checkout: the priced lines, what is
// wrong with them (by line index), and for the checkout the idempotency key
// its form carries.
type basketView struct {
	Quote    service.Quote
	Problems map[int]string
	Key      string
}

func (p pages) quote(r *http.Request, lines []service.LineInput) (basketView, error) {
	v := basketView{Problems: map[int]string{}}
	if len(lines) == 0 {
		return v, nil
	}
	q, err := p.orders.Quote(r.Context(), web.Caller(r), lines)
	if err != nil && !errors.Is(err, errs.RuleBroken) {
		return v, err
	}
	v.Quote = q
	for i := range lines {
		if msg, ok := errs.FieldsOf(err)[linePath(i, "bookId")]; ok {
			v.Problems[i] = msg
		}
	}
	return v, nil
}

func (p pages) basket(w http.ResponseWriter, r *http.Request) error {
	v, err := p.quote(r, basketOf(r))
	if err != nil {
		return err
	}
	return page.Render(w, r, http.StatusOK, basketPage(page.ViewOf(r), v))
}

// formBook reads the bookId of a basket form; a bad one is a 400 page.
func formBook(w http.ResponseWriter, r *http.Request) (uuid.UUID, error) {
	if err := page.ReadForm(w, r); err != nil {
		return uuid.Nil, err
	}
	id, ok := web.ParseID(r.PostFormValue("bookId"))
	if !ok {
		return uuid.Nil, errs.WithFields(errs.Invalid, map[string]string{"bookId": web.IDMessage})
	}
	return id, nil
}

func (p pages) addToBasket(w http.ResponseWriter, r *http.Request) error {
	id, err := formBook(w, r)
	if err != nil {
		return err
	}
	lines := basketOf(r)
	found := false
	for i := range lines {
		if lines[i].BookID == id {
			lines[i].Quantity = min(lines[i].Quantity+1, maxQuantity)
			found = true
		}
	}
	if !found {
		if len(lines) == maxBasketLines {
			return errs.New(errs.RuleBroken, "The basket is full: check out, or remove a book first.")
		}
		lines = append(lines, service.LineInput{BookID: id, Quantity: 1})
	}
	setBasket(w, r, lines)
	return page.SeeOther(w, r, page.Done("/basket", "added"))
}

func (p pages) updateBasket(w http.ResponseWriter, r *http.Request) error {
	id, err := formBook(w, r)
	if err != nil {
		return err
	}
	qty, err := strconv.Atoi(r.PostFormValue("quantity"))
	if r.PostFormValue("remove") != "" {
		qty, err = 0, nil
	}
	if err != nil || qty < 0 || qty > maxQuantity {
		return errs.WithFields(errs.Invalid, map[string]string{"quantity": "must be between 0 and " + strconv.Itoa(maxQuantity)})
	}
	var lines []service.LineInput
	for _, l := range basketOf(r) {
		if l.BookID == id {
			l.Quantity = qty
		}
		if l.Quantity > 0 {
			lines = append(lines, l)
		}
	}
	setBasket(w, r, lines)
	return page.SeeOther(w, r, "/basket")
}

func (p pages) checkout(w http.ResponseWriter, r *http.Request) error {
	lines := basketOf(r)
	if len(lines) == 0 {
		return page.SeeOther(w, r, "/basket")
	}
	v, err := p.quote(r, lines)
	if err != nil {
		return err
	}
	v.Key = uuid.NewString()
	return page.Render(w, r, http.StatusOK, checkoutPage(page.ViewOf(r), v))
}

// placeOrder places the order the checkout form shows: its lines travel in
// the form (the basket as it was shown), with the idempotency key made when
// the page was, so a second submit of the same page finds the order the
// first placed instead of placing another.
func (p pages) placeOrder(w http.ResponseWriter, r *http.Request) error {
	if err := page.ReadForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	in := service.PlaceInput{AcceptTerms: f.Get("acceptTerms") == "true"}
	for i := 0; f.Has(linePath(i, "bookId")); i++ {
		id, ok := web.ParseID(f.Get(linePath(i, "bookId")))
		qty, err := strconv.Atoi(f.Get(linePath(i, "quantity")))
		if !ok || err != nil || i == maxBasketLines {
			return errDamagedCheckout
		}
		in.Lines = append(in.Lines, service.LineInput{BookID: id, Quantity: qty})
	}
	if key := f.Get("idempotencyKey"); key != "" {
		in.IdempotencyKey = &key
	}
	o, _, err := p.orders.PlaceOrder(r.Context(), web.Caller(r), in)
	if err != nil {
		v, qerr := p.quote(r, in.Lines)
		if qerr != nil {
			return qerr
		}
		v.Key = f.Get("idempotencyKey")
		return page.RenderForm(w, r, err, func(pv page.View) templ.Component { return checkoutPage(pv, v) })
	}
	setBasket(w, r, nil)
	return page.SeeOther(w, r, page.Done(orderPath(o.ID), "placed"))
}

// The checkout form names its lines by the field paths the service's
// errors use: lines[0].bookId, lines[0].quantity, ...
func linePath(i int, field string) string { return "lines[" + strconv.Itoa(i) + "]." + field }

var errDamagedCheckout = errs.New(errs.Invalid, "The checkout form is damaged; open the checkout again.")

func orderPath(id uuid.UUID) string { return "/orders/" + id.String() }

// ordersView is a page of orders.
type ordersView struct {
	Title  string
	Orders []service.Order
	Next   string
}

func (p pages) list(w http.ResponseWriter, r *http.Request, all bool, base string) error {
	q := web.QueryOf(r)
	in := service.ListQuery{All: all, PageSize: q.Int("pageSize"), Cursor: q.String("cursor")}
	if err := q.Err(); err != nil {
		return err
	}
	list, err := p.orders.ListOrders(r.Context(), web.Caller(r), in)
	if err != nil {
		return err
	}
	v := ordersView{Title: "My orders", Orders: list.Items}
	if all {
		v.Title = "Orders"
	}
	if list.NextCursor != "" {
		v.Next = base + "?cursor=" + url.QueryEscape(list.NextCursor)
	}
	return page.Render(w, r, http.StatusOK, ordersPage(page.ViewOf(r), v))
}

func (p pages) myOrders(w http.ResponseWriter, r *http.Request) error {
	return p.list(w, r, false, "/orders")
}

func (p pages) allOrders(w http.ResponseWriter, r *http.Request) error {
	return p.list(w, r, true, "/admin/orders")
}

// orderView is an order's page.
type orderView struct {
	Order    service.Order
	Statuses []page.Option // an administrator's choices
}

var statuses = []string{"placed", "dispatched", "delivered", "cancelled"}

func (p pages) orderOf(r *http.Request) (orderView, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return orderView{}, service.ErrOrderNotFound
	}
	o, err := p.orders.GetOrder(r.Context(), web.Caller(r), id)
	v := orderView{Order: o}
	for _, s := range statuses {
		v.Statuses = append(v.Statuses, page.Option{Value: s, Label: s, Selected: s == o.Status})
	}
	return v, err
}

func (p pages) order(w http.ResponseWriter, r *http.Request) error {
	v, err := p.orderOf(r)
	if err != nil {
		return err
	}
	return page.Render(w, r, http.StatusOK, orderPage(page.ViewOf(r), v))
}

// change runs a change of the order r names and answers with its page:
// the page again with err (a broken rule, a bad date) beside the form, or a
// redirect to it.
func (p pages) change(w http.ResponseWriter, r *http.Request, done string, do func(id uuid.UUID) error) error {
	if err := page.ReadForm(w, r); err != nil {
		return err
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return service.ErrOrderNotFound
	}
	if err := do(id); err != nil {
		v, gerr := p.orderOf(r)
		if gerr != nil {
			return gerr
		}
		return page.RenderForm(w, r, err, func(pv page.View) templ.Component { return orderPage(pv, v) })
	}
	return page.SeeOther(w, r, page.Done(page.LocalPath(r.PostFormValue("next"), orderPath(id)), done))
}

func (p pages) changeDeliveryDate(w http.ResponseWriter, r *http.Request) error {
	return p.change(w, r, "saved", func(id uuid.UUID) error {
		day := web.ParseDate(r.PostFormValue("date"))
		if err := web.Check(map[string]web.Checked{"date": day}); err != nil {
			return err
		}
		_, err := p.orders.ChangeDeliveryDate(r.Context(), web.Caller(r), id, day.Time)
		return err
	})
}

func (p pages) cancel(w http.ResponseWriter, r *http.Request) error {
	return p.change(w, r, "cancelled", func(id uuid.UUID) error {
		_, err := p.orders.Cancel(r.Context(), web.Caller(r), id)
		return err
	})
}

func (p pages) setStatus(w http.ResponseWriter, r *http.Request) error {
	return p.change(w, r, "saved", func(id uuid.UUID) error {
		_, err := p.orders.SetStatus(r.Context(), web.Caller(r), id, r.PostFormValue("status"))
		return err
	})
}
