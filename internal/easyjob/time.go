package easyjob

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// Clock gives the time; tests move it instead of sleeping.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock, in UTC.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now().UTC() }

// Shanghai is the zone the product shows times in. Stored times are UTC.
var Shanghai = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

// Date is a civil date (no zone), stored as "YYYY-MM-DD" text so that it
// sorts and compares the same way on SQLite and PostgreSQL.
type Date struct{ t time.Time }

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf returns the civil date of t in Shanghai.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Shanghai).Date()
	return NewDate(y, m, d)
}

// ParseDate parses "YYYY-MM-DD": exactly that form, a real day of the
// calendar. It reads the digits itself (a tenth of what time.Parse costs:
// the index build at start reads two dates for each of a million seekers).
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, errBadDate
	}
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 {
		return Date{}, errBadDate
	}
	// time.Date carries a day past the month's end into the next month.
	v := NewDate(y, time.Month(m), d)
	if v.t.Day() != d {
		return Date{}, errBadDate
	}
	return v, nil
}

var errBadDate = errors.New("date must be YYYY-MM-DD")

func (d Date) IsZero() bool { return d.t.IsZero() }
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}
func (d Date) Time() time.Time              { return d.t }
func (d Date) AddDays(n int) Date           { return Date{d.t.AddDate(0, 0, n)} }
func (d Date) Before(o Date) bool           { return d.t.Before(o.t) }
func (d Date) After(o Date) bool            { return d.t.After(o.t) }
func (d Date) DaysUntil(o Date) int         { return int(o.t.Sub(d.t).Hours() / 24) }
func (d Date) Days() int32                  { return int32(d.t.Unix() / 86400) }
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error { return d.set(string(b)) }

// set parses s into d; "" is the zero date.
func (d *Date) set(s string) error {
	if s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores the date as text; the zero date as NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads text (or a time from a driver that returns one).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case string:
		return d.set(v)
	case []byte:
		return d.set(string(v))
	case time.Time:
		y, m, dd := v.Date()
		*d = NewDate(y, m, dd)
		return nil
	}
	return fmt.Errorf("easyjob.Date: cannot scan %T", src)
}

// Millis converts a time to the stored form: Unix milliseconds, UTC.
func Millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// FromMillis converts the stored form back to a UTC time.
func FromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
