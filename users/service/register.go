package service

import (
	"context"
	"fmt"

	"example.com/bookapp/users/domain"
	"github.com/google/uuid"
)

// RegisterInput is a registration as the client sends it.
type RegisterInput struct {
	Email, Name, Password string
}

// User is an account as clients see it.
type User struct {
	ID    uuid.UUID
	Email string // lower-cased
	Name  string
	Roles []string // auth.RoleCustomer, and auth.RoleAdmin for administrators
}

// Register creates a customer account. It returns errs.Invalid naming the
// fields at fault (email, name, password), or ErrEmailTaken when an account
// has the email in any case.
func (s *Service) Register(ctx context.Context, in RegisterInput) (User, error) {
	u, err := domain.NewUser(in.Email, in.Name, in.Password, s.now())
	if err != nil {
		return User{}, err
	}
	hash, err := s.hasher.Hash(in.Password)
	if err != nil {
		return User{}, fmt.Errorf("hash password: %w", err)
	}
	if err := s.store.CreateUser(ctx, u, hash); err != nil {
		return User{}, err
	}
	return toUser(u), nil
}

func toUser(u *domain.User) User {
	return User{ID: u.ID(), Email: u.Email(), Name: u.Name(), Roles: u.Roles()}
}
