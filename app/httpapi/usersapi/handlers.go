package usersapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"

	"example.com/bookapp/app/web"
	"example.com/bookapp/shared/auth"
	usersservice "example.com/bookapp/users/service"
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
	Address *address `json:"address"`
}

type address struct {
	Line1    string `json:"line1"`
	Line2    string `json:"line2,omitempty"`
	City     string `json:"city"`
	Postcode string `json:"postcode"`
	Country  string `json:"country"`
}

func toAddress(a usersservice.AddressDTO) *address {
	return &address{Line1: a.Line1, Line2: a.Line2, City: a.City, Postcode: a.Postcode, Country: a.Country}
}

func register(svc *usersservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req, err := web.Decode[registerRequest](w, r)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		u, err := svc.Register(r.Context(), usersservice.RegisterInput{Email: req.Email, Name: req.Name, Password: req.Password})
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		w.Header().Set("Location", "/api/users/me")
		web.Respond(w, r, log, http.StatusCreated, userResponse{ID: u.ID, Email: u.Email, Name: u.Name, Roles: u.Roles})
	}
}

func login(svc *usersservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req, err := web.Decode[loginRequest](w, r)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		tok, err := svc.Login(r.Context(), req.Email, req.Password)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		web.Respond(w, r, log, http.StatusOK, tokenResponse{Token: tok.Token, ExpiresAt: tok.ExpiresAt.UTC()})
	}
}

func logout(svc *usersservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, _ := web.BearerToken(r) // RequireUser let the request through, so it is there
		if err := svc.Logout(r.Context(), token); err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func me(svc *usersservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.FromContext(r.Context())
		u, err := svc.Me(r.Context(), p.UserID)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		resp := meResponse{userResponse: userResponse{ID: u.ID, Email: u.Email, Name: u.Name, Roles: u.Roles}}
		if u.Address != nil {
			resp.Address = toAddress(*u.Address)
		}
		web.Respond(w, r, log, http.StatusOK, resp)
	}
}

func setAddress(svc *usersservice.Service, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req, err := web.Decode[address](w, r)
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		p, _ := auth.FromContext(r.Context())
		a, err := svc.SetAddress(r.Context(), p.UserID, usersservice.AddressInput{
			Line1: req.Line1, Line2: req.Line2, City: req.City, Postcode: req.Postcode, Country: req.Country})
		if err != nil {
			web.WriteError(w, r, log, err)
			return
		}
		web.Respond(w, r, log, http.StatusOK, toAddress(a))
	}
}
