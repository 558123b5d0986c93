module example.com/shop/shared

go 1.26

require example.com/shop/devtools v0.0.0

replace example.com/shop/devtools => ../devtools
