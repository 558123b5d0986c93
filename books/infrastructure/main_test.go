package infrastructure_test

import (
	"testing"

	"example.com/bookapp/shared/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }
