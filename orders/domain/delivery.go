package domain

import (
	"time"

	"example.com/bookapp/shared/errs"
)

// The delivery rules, in days.
const (
	// DeliveryDays is the fewest days after the order date that an order is
	// expected: an order placed on Monday is expected on Thursday.
	DeliveryDays = 3

	// MinDaysNotice is the fewest days after today that a customer may move
	// a delivery to: on Monday, Wednesday at the earliest, never tomorrow.
	MinDaysNotice = 2
)

// Day returns the calendar day of t in UTC, as midnight UTC: the form every
// date of the context takes.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ExpectedDeliveryDate returns when an order placed at placedAt is expected:
// the first day at least DeliveryDays after the order date that is not a
// Sunday (there are no deliveries on Sundays).
func ExpectedDeliveryDate(placedAt time.Time) time.Time {
	d := Day(placedAt).AddDate(0, 0, DeliveryDays)
	if d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// CheckDeliveryDate returns nil if date may be chosen as an order's delivery
// date today (the UTC day of now): at least MinDaysNotice days after today and
// not a Sunday. Otherwise it returns an errs.RuleBroken error naming the
// field "date". The time of day of date is ignored.
func CheckDeliveryDate(date, now time.Time) error {
	date = Day(date)
	earliest := Day(now).AddDate(0, 0, MinDaysNotice)
	var msg string
	switch {
	case date.Before(earliest):
		msg = "must be at least two days after today: " + earliest.Format(time.DateOnly) + " at the earliest"
	case date.Weekday() == time.Sunday:
		msg = "must not be a Sunday: there are no deliveries on Sundays"
	default:
		return nil
	}
	return errs.WithFields(errs.RuleBroken, map[string]string{"date": msg})
}
