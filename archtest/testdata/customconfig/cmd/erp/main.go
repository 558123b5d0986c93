// Command erp runs the ERP.
package main

import (
	"example.org/erp/billing/api/pay"
	"example.org/erp/billing/store"
)

func main() { _, _ = pay.Pay(), store.Table }
