package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/orders/service"
	"example.com/bookapp/shared/web"
)

// The basket lives in a cookie, on the customer's browser: it survives a
// restart of the app (and of the database), needs no table and no clean-up
// of abandoned baskets, and is there before anyone signs in. It holds only
// book ids and quantities, "id:qty" joined by "|" — never a price or a
// title, which come from the books context every time it is shown — so a
// customer who edits it can only ask for other books. A value that does not
// read is an empty basket.
const (
	basketCookie = "basket"
	basketMaxAge = 30 * 24 * time.Hour
	// maxBasketLines keeps the cookie well under the 4 KB browsers allow
	// (41 bytes a line); an order may have up to 50 lines (domain.MaxLines),
	// a basket fewer.
	maxBasketLines = 40
	maxQuantity    = domain.MaxQuantity
)

// basketOf reads r's basket cookie.
func basketOf(r *http.Request) []service.LineInput {
	c, err := r.Cookie(basketCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	var lines []service.LineInput
	seen := map[uuid.UUID]bool{}
	for _, part := range strings.Split(c.Value, "|") {
		idText, qtyText, ok := strings.Cut(part, ":")
		id, idOK := web.ParseID(idText)
		qty, err := strconv.Atoi(qtyText)
		if !ok || !idOK || err != nil || qty < 1 || qty > maxQuantity || seen[id] || len(lines) == maxBasketLines {
			return nil
		}
		seen[id] = true
		lines = append(lines, service.LineInput{BookID: id, Quantity: qty})
	}
	return lines
}

// setBasket answers r with the basket cookie holding lines (removed when
// there are none). It is HttpOnly and SameSite=Lax like the session, and
// Secure over TLS.
func setBasket(w http.ResponseWriter, r *http.Request, lines []service.LineInput) {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = l.BookID.String() + ":" + strconv.Itoa(l.Quantity)
	}
	c := &http.Cookie{Name: basketCookie, Value: strings.Join(parts, "|"), Path: "/",
		MaxAge: int(basketMaxAge.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil}
	if len(lines) == 0 {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}
