module example.com/shop/devtools

go 1.26
