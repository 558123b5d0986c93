module example.com/shop/billing

go 1.26
