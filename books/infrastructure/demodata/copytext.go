package demodata

import (
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// A copyText builds the rows of a COPY ... FROM STDIN in PostgreSQL's text
// format: columns separated by tabs, rows ended by newlines, \N for NULL and
// backslash escapes in text. Rows are encoded while the previous batch
// loads, so the loader only streams bytes; pgx's binary CopyFrom encodes each
// value on the loading goroutine, which measured slower than the database's
// own work.
type copyText struct {
	b     []byte
	rows  int
	inRow bool
}

// textEscaper escapes what the text format gives a meaning to.
var textEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)

func (c *copyText) col() {
	if c.inRow {
		c.b = append(c.b, '\t')
	}
	c.inRow = true
}

func (c *copyText) text(s string) {
	c.col()
	if strings.ContainsAny(s, "\\\t\n\r") {
		s = textEscaper.Replace(s)
	}
	c.b = append(c.b, s...)
}

func (c *copyText) null() {
	c.col()
	c.b = append(c.b, `\N`...)
}

func (c *copyText) int(n int64) {
	c.col()
	c.b = strconv.AppendInt(c.b, n, 10)
}

// uuid writes id in its canonical form, xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.
func (c *copyText) uuid(id uuid.UUID) {
	c.col()
	for i, x := range id {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			c.b = append(c.b, '-')
		}
		c.b = append(c.b, hexDigits[x>>4], hexDigits[x&0xf])
	}
}

const hexDigits = "0123456789abcdef"

func (c *copyText) date(t time.Time) {
	c.col()
	c.b = t.AppendFormat(c.b, time.DateOnly)
}

func (c *copyText) timestamp(t time.Time) {
	c.col()
	c.b = t.UTC().AppendFormat(c.b, "2006-01-02 15:04:05.999999Z07:00")
}

// end ends the row.
func (c *copyText) end() {
	c.b = append(c.b, '\n')
	c.rows++
	c.inRow = false
}
