module example.org/erp/kernel

go 1.26
