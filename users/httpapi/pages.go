package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/a-h/templ"

	"example.com/bookapp/shared/web"
	"example.com/bookapp/shared/web/page"
	"example.com/bookapp/users/service"
)

// Pages mounts the users context's pages on mux: sign-up, sign-in and
// sign-out (the session cookie holds the token Login issues), and the
// account page with the delivery address form.
func Pages(mux web.Mux, log *slog.Logger, users *service.Service) {
	p := pages{users: users}
	rs := page.Routes{Mux: mux, Log: log}
	rs.Handle("GET /signup", p.signUpForm)
	rs.Handle("POST /signup", p.signUp)
	rs.Handle("GET /signin", p.signInForm)
	rs.Handle("POST /signin", p.signIn)
	rs.Handle("POST /signout", p.signOut)
	rs.Handle("GET /account", p.account, web.SignedIn)
	rs.Handle("POST /account/address", p.setAddress, web.SignedIn)
}

type pages struct {
	users *service.Service
}

// nextOf is where a sign-in or a saved address leads: the next parameter
// when it is a path of this site.
func nextOf(r *http.Request) string { return page.LocalPath(r.FormValue("next"), "/") }

func (p pages) signUpForm(w http.ResponseWriter, r *http.Request) error {
	return page.Render(w, r, http.StatusOK, signUpPage(page.ViewOf(r), nextOf(r)))
}

func (p pages) signUp(w http.ResponseWriter, r *http.Request) error {
	if err := page.ReadForm(w, r); err != nil {
		return page.RenderForm(w, r, err, func(v page.View) templ.Component { return signUpPage(v, nextOf(r)) })
	}
	in := service.RegisterInput{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Password: r.PostFormValue("password")}
	if _, err := p.users.Register(r.Context(), in); err != nil {
		return page.RenderForm(w, r, err, func(v page.View) templ.Component { return signUpPage(v, nextOf(r)) })
	}
	tok, err := p.users.Login(r.Context(), in.Email, in.Password)
	if err != nil {
		return err
	}
	web.SetSession(w, r, tok.Token, tok.ExpiresAt)
	return page.SeeOther(w, r, page.Done(nextOf(r), "welcome"))
}

func (p pages) signInForm(w http.ResponseWriter, r *http.Request) error {
	return page.Render(w, r, http.StatusOK, signInPage(page.ViewOf(r), nextOf(r)))
}

func (p pages) signIn(w http.ResponseWriter, r *http.Request) error {
	if err := page.ReadForm(w, r); err != nil {
		return page.RenderForm(w, r, err, func(v page.View) templ.Component { return signInPage(v, nextOf(r)) })
	}
	tok, err := p.users.Login(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"))
	if err != nil {
		return page.RenderForm(w, r, err, func(v page.View) templ.Component { return signInPage(v, nextOf(r)) })
	}
	// A new token at every sign-in: a session fixed before it is not
	// carried over. The one the browser had, if any, is revoked.
	if old, ok := web.SessionToken(r); ok {
		_ = p.users.Logout(r.Context(), old)
	}
	web.SetSession(w, r, tok.Token, tok.ExpiresAt)
	return page.SeeOther(w, r, nextOf(r))
}

func (p pages) signOut(w http.ResponseWriter, r *http.Request) error {
	if tok, ok := web.SessionToken(r); ok {
		if err := p.users.Logout(r.Context(), tok); err != nil {
			return err
		}
	}
	web.ClearSession(w, r)
	return page.SeeOther(w, r, "/")
}

// accountView is the account page: the account, its address (zero until
// set) and where saving the address leads (back to the checkout, say).
type accountView struct {
	Me      service.Me
	Address service.Address
	Next    string
}

func (p pages) accountOf(r *http.Request) (accountView, error) {
	me, err := p.users.Me(r.Context(), web.Caller(r))
	v := accountView{Me: me, Next: page.LocalPath(r.FormValue("next"), "/account")}
	if me.Address != nil {
		v.Address = *me.Address
	}
	return v, err
}

func (p pages) account(w http.ResponseWriter, r *http.Request) error {
	v, err := p.accountOf(r)
	if err != nil {
		return err
	}
	return page.Render(w, r, http.StatusOK, accountPage(page.ViewOf(r), v))
}

func (p pages) setAddress(w http.ResponseWriter, r *http.Request) error {
	formErr := page.ReadForm(w, r)
	me, err := p.accountOf(r)
	if err != nil {
		return err
	}
	if formErr != nil {
		return page.RenderForm(w, r, formErr, func(v page.View) templ.Component { return accountPage(v, me) })
	}
	_, err = p.users.SetAddress(r.Context(), web.Caller(r), service.AddressInput{
		Line1: r.PostFormValue("line1"), Line2: r.PostFormValue("line2"), City: r.PostFormValue("city"),
		Postcode: r.PostFormValue("postcode"), Country: r.PostFormValue("country"),
	})
	if err != nil {
		return page.RenderForm(w, r, err, func(v page.View) templ.Component { return accountPage(v, me) })
	}
	return page.SeeOther(w, r, page.Done(me.Next, "saved"))
}
