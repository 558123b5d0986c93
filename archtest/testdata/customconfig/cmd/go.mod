module example.org/erp/cmd

go 1.26

require (
	example.org/erp/billing v0.0.0
	example.org/erp/kernel v0.0.0
)

replace (
	example.org/erp/billing => ../modules/billing
	example.org/erp/kernel => ../kernel
)
