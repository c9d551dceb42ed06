package easyjob

import (
	"math"
	"slices"
	"strconv"
	"testing"
	"time"
)

// ref accepts everything, so that only the numbers are judged.
type ref struct{}

func (ref) ResidentID(s string, now time.Time) (string, Date, string, string, string) {
	return s, NewDate(1990, 5, 17), "male", "451026", ""
}
func (ref) CreditCode(s string) (string, string) { return s, "" }
func (ref) Phone(s string) (string, string)      { return s, "" }
func (ref) ShenzhenDistrict(string) bool         { return true }
func (ref) Street(string, string) bool           { return true }
func (ref) County(string) bool                   { return true }
func (ref) Occupation(string) bool               { return true }

var today = NewDate(2026, 3, 1)

func validPosting() PostingInput {
	return PostingInput{Title: "普工", Occupation: "6-25-04-02", Headcount: 10, PayMin: 5000, PayMax: 6000,
		Shift: ShiftDay, StartDate: today.AddDays(7), ClosingDate: today.AddDays(30), District: "440307", Address: "甘李路 8 号"}
}

// Every number of a posting has a plausible range: below, at the ends,
// above, and far above (3,000,000,000 fits no INTEGER column).
func TestPostingNumberRanges(t *testing.T) {
	cases := []struct {
		field string
		set   func(*PostingInput, int)
		ok    []int
		bad   []int
	}{
		{"headcount", func(p *PostingInput, n int) { p.Headcount = n }, []int{1, MaxHeadcount}, []int{0, -1, MaxHeadcount + 1, 3_000_000_000, math.MaxInt}},
		{"pay_min", func(p *PostingInput, n int) { p.PayMin, p.PayMax = n, 0 }, []int{1, MaxPay}, []int{0, -5000, MaxPay + 1, 3_000_000_000, math.MaxInt}},
		{"pay_max", func(p *PostingInput, n int) { p.PayMax = n }, []int{5000, MaxPay}, []int{MaxPay + 1, 3_000_000_000, math.MaxInt}},
		{"pay_day", func(p *PostingInput, n int) { p.PayDay = n }, []int{0, 1, MaxPayDay}, []int{-1, MaxPayDay + 1, 3_000_000_000}},
		{"probation_months", func(p *PostingInput, n int) { p.ProbationMonths = n }, []int{0, MaxProbation}, []int{-1, MaxProbation + 1, 3_000_000_000}},
		{"age_min", func(p *PostingInput, n int) { p.AgeMin = n }, []int{0, MinAge, MaxAge}, []int{MinAge - 1, MaxAge + 1, -3_000_000_000, 3_000_000_000}},
		{"age_max", func(p *PostingInput, n int) { p.AgeMax = n }, []int{0, MinAge, MaxAge}, []int{MinAge - 1, MaxAge + 1, 3_000_000_000}},
	}
	for _, c := range cases {
		for _, n := range append(c.ok, c.bad...) {
			p := validPosting()
			c.set(&p, n)
			err := p.Validate(ref{}, today)
			bad := fieldsOf(err)[c.field] != ""
			if want := slices.Contains(c.bad, n); bad != want {
				t.Errorf("%s = %d: refused %v, want %v (%v)", c.field, n, bad, want, err)
			}
		}
	}
	p := validPosting()
	p.StartDate, p.ClosingDate = today.AddDays(366), today.AddDays(370)
	if fieldsOf(p.Validate(ref{}, today))["start_date"] == "" {
		t.Error("a start more than a year ahead is accepted")
	}
}

// The same for a seeker's profile.
func TestSeekerNumberRanges(t *testing.T) {
	cases := []struct {
		field string
		set   func(*SeekerInput, int)
		ok    []int
		bad   []int
	}{
		{"experience_years", func(s *SeekerInput, n int) { s.Experience = n }, []int{0, MaxExperience}, []int{-1, MaxExperience + 1, 3_000_000_000}},
		{"expected_pay", func(s *SeekerInput, n int) { s.ExpectedPay = n }, []int{0, MaxPay}, []int{-1, MaxPay + 1, 3_000_000_000, math.MaxInt}},
		{"trades", func(s *SeekerInput, n int) {
			s.Trades = nil
			for i := range n {
				s.Trades = append(s.Trades, "6-25-04-0"+strconv.Itoa(i))
			}
		}, []int{1, MaxTrades}, []int{0, MaxTrades + 1, 1000}},
	}
	now := today.Time().Add(10 * time.Hour)
	for _, c := range cases {
		for _, n := range append(c.ok, c.bad...) {
			s := SeekerInput{Name: "张三", IDNumber: "x", Phone: "13800138000", Trades: []string{"6-25-04-02"}}
			c.set(&s, n)
			err := s.Validate(ref{}, now, false)
			bad := fieldsOf(err)[c.field] != ""
			if want := slices.Contains(c.bad, n); bad != want {
				t.Errorf("%s = %d: refused %v, want %v (%v)", c.field, n, bad, want, err)
			}
		}
	}
}

// Text with control characters is refused by every text field; tabs and
// line ends are text.
func TestTextFields(t *testing.T) {
	for _, c := range []struct {
		in  string
		key string
	}{
		{"普工", ""}, {"a\tb\r\nc", ""}, {"a\x00b", "field.control_char"}, {"\x1b[31m红", "field.control_char"},
		{"a\x7f", "field.control_char"}, {"a\u009bb", "field.control_char"}, {"a\xffb", "field.invalid_text"},
		{"\ufffd", ""}, {"\u200b零宽", ""},
	} {
		if got := TextProblem(c.in); got != c.key {
			t.Errorf("TextProblem(%q) = %q, want %q", c.in, got, c.key)
		}
		p := validPosting()
		p.Title, p.Description = "岗位"+c.in, c.in
		err := p.Validate(ref{}, today)
		if got := fieldsOf(err)["description"]; got != c.key {
			t.Errorf("description %q: %q, want %q", c.in, got, c.key)
		}
	}
}

// CheckText names fields by their JSON path through structs, embedded
// structs, slices and maps.
func TestCheckTextPaths(t *testing.T) {
	type stop struct {
		Name string `json:"name"`
	}
	type inner struct {
		Note string `json:"note"`
	}
	type body struct {
		inner
		PostingInput
		Stops  []stop            `json:"stops"`
		Labels map[string]string `json:"labels"`
		Any    any               `json:"any"`
		Skip   string            `json:"-"`
		Plain  string
		Bytes  []byte `json:"bytes"`
	}
	b := body{inner: inner{Note: "\x00"}, Stops: []stop{{"ok"}, {"\x1b"}}, Labels: map[string]string{"k": "\x07", "\x00": "v"},
		Any: map[string]any{"deep": []any{"\x00"}}, Skip: "\x00", Plain: "\x00", Bytes: []byte{0}}
	b.Title = "\x00"
	got := fieldsOf(CheckText(&b))
	want := []string{"any.deep", "labels", "labels.k", "note", "Plain", "stops.name", "title"}
	if len(got) != len(want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	for _, w := range want {
		if got[w] == "" {
			t.Errorf("%s not named: %v", w, got)
		}
	}
	if err := CheckText(&body{Stops: []stop{{"a\tb"}}}); err != nil {
		t.Errorf("clean: %v", err)
	}
}

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	if e, ok := err.(*Error); ok {
		for k, m := range e.Fields {
			out[k] = m.Key
		}
	}
	return out
}
