package infrastructure_test

import (
	"testing"

	"example.com/bookapp/devtools/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }
