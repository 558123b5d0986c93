// Package domain holds the orders domain; net/http here is not excepted.
package domain

import "net/http"

// Client is not pure.
var Client = http.DefaultClient
