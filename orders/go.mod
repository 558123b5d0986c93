module example.com/bookapp/orders

go 1.26

require example.com/bookapp/shared v0.0.0

replace example.com/bookapp/shared => ../shared
