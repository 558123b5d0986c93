// Command shop serves the shop.
package main

import _ "example.com/shop/archtest"

func main() {}
