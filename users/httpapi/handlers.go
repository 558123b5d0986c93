package httpapi

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"example.com/bookapp/shared/web"
	"example.com/bookapp/users/service"
)

type registerRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

type userResponse struct {
	ID    uuid.UUID `json:"id"`
	Email string    `json:"email"`
	Name  string    `json:"name"`
	Roles []string  `json:"roles"`
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type tokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
}

type meResponse struct {
	userResponse
	Address *web.Address `json:"address"`
}

func toAddress(a service.Address) *web.Address {
	return &web.Address{Line1: a.Line1, Line2: a.Line2, City: a.City, Postcode: a.Postcode, Country: a.Country}
}

// handlers answer the users endpoints with the context's service.
type handlers struct {
	users *service.Service
}

func (h handlers) register(w http.ResponseWriter, r *http.Request) error {
	req, err := web.Decode[registerRequest](w, r)
	if err != nil {
		return err
	}
	u, err := h.users.Register(r.Context(), service.RegisterInput{Email: req.Email, Name: req.Name, Password: req.Password})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/users/me")
	return web.Encode(w, http.StatusCreated, userResponse{ID: u.ID, Email: u.Email, Name: u.Name, Roles: u.Roles})
}

func (h handlers) login(w http.ResponseWriter, r *http.Request) error {
	req, err := web.Decode[loginRequest](w, r)
	if err != nil {
		return err
	}
	tok, err := h.users.Login(r.Context(), req.Email, req.Password)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.Encode(w, http.StatusOK, tokenResponse{Token: tok.Token, ExpiresAt: tok.ExpiresAt.UTC()})
}

func (h handlers) logout(w http.ResponseWriter, r *http.Request) error {
	token, _ := web.BearerToken(r) // the SignedIn guard let the request through, so it is there
	if err := h.users.Logout(r.Context(), token); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h handlers) me(w http.ResponseWriter, r *http.Request) error {
	u, err := h.users.Me(r.Context(), web.Caller(r))
	if err != nil {
		return err
	}
	resp := meResponse{userResponse: userResponse{ID: u.ID, Email: u.Email, Name: u.Name, Roles: u.Roles}}
	if u.Address != nil {
		resp.Address = toAddress(*u.Address)
	}
	return web.Encode(w, http.StatusOK, resp)
}

func (h handlers) setAddress(w http.ResponseWriter, r *http.Request) error {
	req, err := web.Decode[web.Address](w, r)
	if err != nil {
		return err
	}
	a, err := h.users.SetAddress(r.Context(), web.Caller(r), service.AddressInput{
		Line1: req.Line1, Line2: req.Line2, City: req.City, Postcode: req.Postcode, Country: req.Country})
	if err != nil {
		return err
	}
	return web.Encode(w, http.StatusOK, toAddress(a))
}
