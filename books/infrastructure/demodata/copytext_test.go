package demodata

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestCopyText(t *testing.T) {
	var c copyText
	id := uuid.MustParse("0195d0c8-7c7e-7b1a-9f5e-3c2d1e0f4a5b")
	c.uuid(id)
	c.text("tab\there, line\nbreak, back\\slash, return\r")
	c.null()
	c.int(-42)
	c.date(time.Date(2026, 5, 6, 23, 0, 0, 0, time.UTC))
	c.timestamp(time.Date(2026, 5, 6, 7, 8, 9, 123456000, time.FixedZone("", 3600)))
	c.end()
	c.text("")
	c.end()
	want := "0195d0c8-7c7e-7b1a-9f5e-3c2d1e0f4a5b\ttab\\there, line\\nbreak, back\\\\slash, return\\r\t\\N\t-42\t2026-05-06\t2026-05-06 06:08:09.123456Z\n\n"
	if got := string(c.b); got != want || c.rows != 2 {
		t.Errorf("rows = %q (%d), want %q (2)", got, c.rows, want)
	}
}
