// Package model is billing's pure layer.
package model

import (
	"os"

	"example.org/erp/billing/store"
	"example.org/erp/kernel/log"
	"example.org/erp/kernel/money"
)

// Invoice is an invoice.
type Invoice struct{ Total money.Cents }

var _, _, _ = os.Getenv, store.Table, log.Printf
