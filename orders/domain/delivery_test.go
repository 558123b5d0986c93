package domain_test

import (
	"errors"
	"testing"
	"time"

	"example.com/bookapp/orders/domain"
	"example.com/bookapp/shared/errs"
	"github.com/google/go-cmp/cmp"
)

// day returns midnight UTC of a date, and checks the weekday the test's
// author believed it to be, so that a table's calendar mistakes fail loudly.
func day(t *testing.T, s string, weekday time.Weekday) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	if d.Weekday() != weekday {
		t.Fatalf("%s is a %s, not a %s: fix the test", s, d.Weekday(), weekday)
	}
	return d
}

// at returns a time of day on date s (UTC unless loc says otherwise).
func at(t *testing.T, s string, loc *time.Location) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04:05.999", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

var (
	plusThree  = time.FixedZone("UTC+3", 3*60*60)
	minusTwo   = time.FixedZone("UTC-2", -2*60*60)
	sunday     = "must not be a Sunday: there are no deliveries on Sundays"
	tooSoonFor = func(earliest string) string {
		return "must be at least two days after today: " + earliest + " at the earliest"
	}
)

func TestExpectedDeliveryDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		placedAt string
		loc      *time.Location
		want     string
		weekday  time.Weekday
	}{
		{"Monday: Thursday", "2026-05-04 10:00:00", time.UTC, "2026-05-07", time.Thursday},
		{"Tuesday: Friday", "2026-05-05 10:00:00", time.UTC, "2026-05-08", time.Friday},
		{"Wednesday: Saturday", "2026-05-06 10:00:00", time.UTC, "2026-05-09", time.Saturday},
		{"Thursday: Sunday, so Monday", "2026-05-07 10:00:00", time.UTC, "2026-05-11", time.Monday},
		{"Friday: Monday", "2026-05-08 10:00:00", time.UTC, "2026-05-11", time.Monday},
		{"Saturday: Tuesday", "2026-05-09 10:00:00", time.UTC, "2026-05-12", time.Tuesday},
		{"Sunday: Wednesday", "2026-05-10 10:00:00", time.UTC, "2026-05-13", time.Wednesday},
		{"just after midnight", "2026-05-06 00:00:00", time.UTC, "2026-05-09", time.Saturday},
		{"just before midnight", "2026-05-06 23:59:59.999", time.UTC, "2026-05-09", time.Saturday},
		{"month end onto a Sunday", "2026-01-29 12:00:00", time.UTC, "2026-02-02", time.Monday},
		{"from the last day of January", "2026-01-31 12:00:00", time.UTC, "2026-02-03", time.Tuesday},
		{"to the last day of February", "2026-02-25 12:00:00", time.UTC, "2026-02-28", time.Saturday},
		{"over February's end onto a Sunday", "2026-02-26 12:00:00", time.UTC, "2026-03-02", time.Monday},
		{"to 29 February of a leap year", "2028-02-26 12:00:00", time.UTC, "2028-02-29", time.Tuesday},
		{"over the year's end", "2026-12-30 12:00:00", time.UTC, "2027-01-02", time.Saturday},
		{"over the year's end onto a Sunday", "2026-12-31 12:00:00", time.UTC, "2027-01-04", time.Monday},
		// The order date is the UTC day: 01:00 on Thursday at UTC+3 is
		// still Wednesday in UTC.
		{"east of UTC, still yesterday in UTC", "2026-05-07 01:00:00", plusThree, "2026-05-09", time.Saturday},
		{"west of UTC, already tomorrow in UTC", "2026-05-06 23:00:00", minusTwo, "2026-05-11", time.Monday},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := day(t, tt.want, tt.weekday)
			got := domain.ExpectedDeliveryDate(at(t, tt.placedAt, tt.loc))
			if !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("ExpectedDeliveryDate(%s %s) = %v, want %v (midnight UTC)", tt.placedAt, tt.loc, got, want)
			}
		})
	}
}

func TestCheckDeliveryDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		now     string // UTC unless loc is set
		loc     *time.Location
		date    string
		weekday time.Weekday // of date
		want    string       // the message for "date"; "" for accepted
	}{
		// Today is a Saturday.
		{"Saturday: today", "2026-05-02 10:00:00", nil, "2026-05-02", time.Saturday, tooSoonFor("2026-05-04")},
		{"Saturday: yesterday", "2026-05-02 10:00:00", nil, "2026-05-01", time.Friday, tooSoonFor("2026-05-04")},
		{"Saturday: a year ago", "2026-05-02 10:00:00", nil, "2025-05-02", time.Friday, tooSoonFor("2026-05-04")},
		{"Saturday: tomorrow, a Sunday, is too soon first", "2026-05-02 10:00:00", nil, "2026-05-03", time.Sunday, tooSoonFor("2026-05-04")},
		{"Saturday: +2, Monday", "2026-05-02 10:00:00", nil, "2026-05-04", time.Monday, ""},
		{"Saturday: next Sunday", "2026-05-02 10:00:00", nil, "2026-05-10", time.Sunday, sunday},
		// Today is a Sunday.
		{"Sunday: tomorrow", "2026-05-03 10:00:00", nil, "2026-05-04", time.Monday, tooSoonFor("2026-05-05")},
		{"Sunday: +2, Tuesday", "2026-05-03 10:00:00", nil, "2026-05-05", time.Tuesday, ""},
		// Today is a Friday: +2 is a Sunday.
		{"Friday: +1", "2026-05-01 10:00:00", nil, "2026-05-02", time.Saturday, tooSoonFor("2026-05-03")},
		{"Friday: +2 is a Sunday", "2026-05-01 10:00:00", nil, "2026-05-03", time.Sunday, sunday},
		{"Friday: +3, Monday", "2026-05-01 10:00:00", nil, "2026-05-04", time.Monday, ""},
		{"Friday: a year ahead", "2026-05-01 10:00:00", nil, "2027-05-04", time.Tuesday, ""},
		// Month and year ends.
		{"30 January, last second: 1 February is a Sunday", "2026-01-30 23:59:59.999", nil, "2026-02-01", time.Sunday, sunday},
		{"30 January: 31 January is too soon", "2026-01-30 23:59:59.999", nil, "2026-01-31", time.Saturday, tooSoonFor("2026-02-01")},
		{"30 January: 2 February", "2026-01-30 23:59:59.999", nil, "2026-02-02", time.Monday, ""},
		{"31 January: 1 February is too soon", "2026-01-31 00:00:00", nil, "2026-02-01", time.Sunday, tooSoonFor("2026-02-02")},
		{"31 January: 2 February", "2026-01-31 00:00:00", nil, "2026-02-02", time.Monday, ""},
		{"27 February: 28 February is too soon", "2026-02-27 08:00:00", nil, "2026-02-28", time.Saturday, tooSoonFor("2026-03-01")},
		{"27 February: 1 March is a Sunday", "2026-02-27 08:00:00", nil, "2026-03-01", time.Sunday, sunday},
		{"28 February: 2 March", "2026-02-28 08:00:00", nil, "2026-03-02", time.Monday, ""},
		{"leap year: 27 February to 29 February", "2028-02-27 08:00:00", nil, "2028-02-29", time.Tuesday, ""},
		{"31 December: 1 January is too soon", "2026-12-31 08:00:00", nil, "2027-01-01", time.Friday, tooSoonFor("2027-01-02")},
		{"31 December: 2 January", "2026-12-31 08:00:00", nil, "2027-01-02", time.Saturday, ""},
		// Today is today in UTC.
		{"west of UTC: already Wednesday in UTC", "2026-05-05 23:30:00", minusTwo, "2026-05-07", time.Thursday, tooSoonFor("2026-05-08")},
		{"east of UTC: still Monday in UTC", "2026-05-05 01:00:00", plusThree, "2026-05-06", time.Wednesday, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			loc := tt.loc
			if loc == nil {
				loc = time.UTC
			}
			now := at(t, tt.now, loc)
			date := day(t, tt.date, tt.weekday)
			err := domain.CheckDeliveryDate(date, now)
			if tt.want == "" {
				if err != nil {
					t.Errorf("CheckDeliveryDate(%s, now %s) = %v, want nil", tt.date, tt.now, err)
				}
				return
			}
			if !errors.Is(err, errs.RuleBroken) {
				t.Fatalf("CheckDeliveryDate(%s, now %s) = %v, want errs.RuleBroken", tt.date, tt.now, err)
			}
			if diff := cmp.Diff(map[string]string{"date": tt.want}, errs.FieldsOf(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

// A date with a time of day counts as its day.
func TestCheckDeliveryDateIgnoresTimeOfDay(t *testing.T) {
	t.Parallel()
	now := at(t, "2026-05-02 10:00:00", time.UTC) // Saturday
	if err := domain.CheckDeliveryDate(at(t, "2026-05-04 23:59:59", time.UTC), now); err != nil {
		t.Errorf("Monday 23:59:59: %v, want accepted", err)
	}
	if err := domain.CheckDeliveryDate(at(t, "2026-05-03 23:59:59", time.UTC), now); err == nil {
		t.Error("Sunday 23:59:59 accepted, want too soon")
	}
}

func TestDay(t *testing.T) {
	t.Parallel()
	got := domain.Day(at(t, "2026-05-07 01:00:00", plusThree))
	if want := time.Date(2026, 5, 6, 0, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("Day = %v, want %v", got, want)
	}
}
