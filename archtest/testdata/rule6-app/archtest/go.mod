module example.com/shop/archtest

go 1.26
