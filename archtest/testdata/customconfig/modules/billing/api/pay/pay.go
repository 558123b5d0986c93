// Package pay pays invoices.
package pay

import (
	"example.org/erp/billing/api/base"
	"example.org/erp/billing/api/refund"
)

// Pay pays.
func Pay() string { return base.Name + refund.Name }
