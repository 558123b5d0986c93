module example.com/shop/users

go 1.26

require (
	example.com/shop/orders v0.0.0
	example.com/shop/shared v0.0.0
)

replace (
	example.com/shop/orders => ../orders
	example.com/shop/shared => ../shared
)
