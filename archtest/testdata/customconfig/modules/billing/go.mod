module example.org/erp/billing

go 1.26

require example.org/erp/kernel v0.0.0

replace example.org/erp/kernel => ../../kernel
