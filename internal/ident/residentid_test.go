package ident

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// now is the fixed clock of these tests.
var now = time.Date(2020, 5, 20, 10, 0, 0, 0, chinaTime)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// withCheck appends the check character computed here, independently of
// the package, from the GB 11643 weights.
func withCheck(tb testing.TB, first17 string) string {
	tb.Helper()
	if len(first17) != 17 {
		tb.Fatalf("withCheck: %q has %d characters", first17, len(first17))
	}
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range first17 {
		sum += int(c-'0') * w[i]
	}
	c := (12 - sum%11) % 11
	if c == 10 {
		return first17 + "X"
	}
	return first17 + fmt.Sprint(c)
}

func mustResidentID(tb testing.TB, s string) ResidentID {
	tb.Helper()
	id, err := ParseResidentIDAt(s, now)
	if err != nil {
		tb.Fatalf("ParseResidentIDAt(%q): %v", s, err)
	}
	return id
}

func TestParseResidentIDValid(t *testing.T) {
	tests := []struct {
		in     string
		number string
		birth  time.Time
		gender Gender
		county string
		age    int // at now
	}{
		// The example of GB 11643-1999 itself.
		{"11010519491231002X", "11010519491231002X", date(1949, 12, 31), Female, "110105", 70},
		{"11010519491231002x", "11010519491231002X", date(1949, 12, 31), Female, "110105", 70},
		{"  11010519491231002X\t", "11010519491231002X", date(1949, 12, 31), Female, "110105", 70},
		{"\u3000１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", date(1949, 12, 31), Female, "110105", 70},
		// 那坡县, Baise.
		{withCheck(t, "45102619900101123"), withCheck(t, "45102619900101123"), date(1990, 1, 1), Male, "451026", 30},
		// 龙岗区, Shenzhen.
		{withCheck(t, "44030720000229004"), withCheck(t, "44030720000229004"), date(2000, 2, 29), Female, "440307", 20},
		// 452723: a superseded code of the former Hechi prefecture (4527xx); old
		// cards keep such codes, and the parser does not look them up.
		{withCheck(t, "45272319850630051"), withCheck(t, "45272319850630051"), date(1985, 6, 30), Male, "452723", 34},
		// Born on the clock's date, and on 1900-01-01.
		{withCheck(t, "44030320200520002"), withCheck(t, "44030320200520002"), date(2020, 5, 20), Female, "440303", 0},
		{withCheck(t, "45102219000101001"), withCheck(t, "45102219000101001"), date(1900, 1, 1), Male, "451022", 120},
	}
	for _, tt := range tests {
		t.Run(tt.number, func(t *testing.T) {
			id := mustResidentID(t, tt.in)
			if got := id.Number(); got != tt.number {
				t.Errorf("Number() = %q, want %q", got, tt.number)
			}
			if got := id.Birth(); !got.Equal(tt.birth) {
				t.Errorf("Birth() = %v, want %v", got, tt.birth)
			}
			if got := id.Gender(); got != tt.gender {
				t.Errorf("Gender() = %v, want %v", got, tt.gender)
			}
			if got := id.CountyCode(); got != tt.county {
				t.Errorf("CountyCode() = %q, want %q", got, tt.county)
			}
			if got := id.AgeAt(now); got != tt.age {
				t.Errorf("AgeAt(now) = %d, want %d", got, tt.age)
			}
		})
	}
}

func TestParseResidentIDInvalid(t *testing.T) {
	valid := withCheck(t, "45102619900101123")
	// wrongCheck replaces the check character with a wrong one.
	wrongCheck := func(s string) string {
		for _, c := range "0123456789X" {
			if string(c) != s[17:] {
				return s[:17] + string(c)
			}
		}
		panic("unreachable")
	}
	tests := []struct {
		name   string
		in     string
		reason Reason
		err    error
	}{
		{"empty", "", ReasonEmpty, ErrEmpty},
		{"spaces", "   ", ReasonEmpty, ErrEmpty},
		{"15-digit first generation", "451026900101123", ReasonLength, ErrLength},
		{"17 digits", valid[:17], ReasonLength, ErrLength},
		{"19 digits", valid + "0", ReasonLength, ErrLength},
		{"inner space", valid[:6] + " " + valid[7:], ReasonCharset, ErrCharset},
		{"letter in body", "4510261990010112A" + "3", ReasonCharset, ErrCharset},
		{"X not last", "X51026199001011234", ReasonCharset, ErrCharset},
		{"bad check char", valid[:17] + "Y", ReasonCharset, ErrCharset},
		{"Chinese, 18 bytes", "身份证号码身", ReasonCharset, ErrCharset},
		{"Chinese, 7 characters", "身份证号码身份", ReasonLength, ErrLength},
		{"wrong check", wrongCheck(valid), ReasonChecksum, ErrChecksum},
		{"wrong check GB example", "110105194912310021", ReasonChecksum, ErrChecksum},
		{"transposed digits", valid[:14] + valid[15:16] + valid[14:15] + valid[16:], ReasonChecksum, ErrChecksum},
		{"1900-02-29 (1900 is not leap)", withCheck(t, "45102619000229123"), ReasonBirthDate, ErrBirthDate},
		{"2019-02-29", withCheck(t, "45102620190229123"), ReasonBirthDate, ErrBirthDate},
		{"month 13", withCheck(t, "45102619901301123"), ReasonBirthDate, ErrBirthDate},
		{"month 00", withCheck(t, "45102619900001123"), ReasonBirthDate, ErrBirthDate},
		{"day 00", withCheck(t, "45102619900100123"), ReasonBirthDate, ErrBirthDate},
		{"April 31", withCheck(t, "45102619900431123"), ReasonBirthDate, ErrBirthDate},
		{"1899", withCheck(t, "45102618991231123"), ReasonBirthDate, ErrBirthDate},
		{"1880 (often cited example)", "440524188001010014", ReasonBirthDate, ErrBirthDate},
		{"tomorrow", withCheck(t, "44030720200521001"), ReasonBirthDate, ErrBirthDate},
		{"next century", withCheck(t, "44030721000101001"), ReasonBirthDate, ErrBirthDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ParseResidentIDAt(tt.in, now)
			if err == nil {
				t.Fatalf("ParseResidentIDAt(%q) = %v, want error", tt.in, id.Number())
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("error %v is not %v", err, tt.err)
			}
			if got := ReasonOf(err); got != tt.reason {
				t.Errorf("reason = %q, want %q", got, tt.reason)
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindResidentID {
				t.Errorf("error %v is not an *Error of kind %q", err, KindResidentID)
			}
			if len(tt.in) >= 10 && strings.Contains(err.Error(), strings.TrimSpace(tt.in)) {
				t.Errorf("error %q repeats the input", err)
			}
			if !id.IsZero() {
				t.Errorf("got non-zero ResidentID with an error")
			}
		})
	}
}

func TestParseResidentIDTimeZone(t *testing.T) {
	// 2020-05-20 16:30 UTC is already 2020-05-21 in China.
	id := withCheck(t, "44030720200521001")
	if _, err := ParseResidentIDAt(id, time.Date(2020, 5, 20, 15, 59, 0, 0, time.UTC)); !errors.Is(err, ErrBirthDate) {
		t.Errorf("at 15:59 UTC: err = %v, want ErrBirthDate", err)
	}
	if _, err := ParseResidentIDAt(id, time.Date(2020, 5, 20, 16, 0, 0, 0, time.UTC)); err != nil {
		t.Errorf("at 16:00 UTC: %v", err)
	}
}

func TestResidentIDAgeAt(t *testing.T) {
	leap := mustResidentID(t, withCheck(t, "44030720000229004"))
	plain := mustResidentID(t, withCheck(t, "45102619900615123"))
	tests := []struct {
		id   ResidentID
		at   time.Time
		want int
	}{
		{plain, date(2020, 6, 14), 29},
		{plain, date(2020, 6, 15), 30},
		{plain, date(2020, 6, 16), 30},
		{plain, date(1990, 6, 15), 0},
		{plain, date(1980, 1, 1), 0},                               // before birth
		{plain, time.Date(2020, 6, 14, 16, 0, 0, 0, time.UTC), 30}, // 15 June in China
		{leap, date(2016, 2, 28), 15},
		{leap, date(2016, 2, 29), 16},
		{leap, date(2017, 2, 28), 16},
		{leap, date(2017, 3, 1), 17},
		{ResidentID{}, date(2020, 1, 1), 0},
	}
	for _, tt := range tests {
		if got := tt.id.AgeAt(tt.at); got != tt.want {
			t.Errorf("%s.AgeAt(%v) = %d, want %d", tt.id.Number(), tt.at, got, tt.want)
		}
	}
}

func TestResidentIDDoesNotLeak(t *testing.T) {
	id := mustResidentID(t, "11010519491231002X")
	for _, s := range []string{
		id.String(), fmt.Sprint(id), fmt.Sprintf("%v %+v %#v %s", id, id, id, id), id.LogValue().String(),
	} {
		if strings.Contains(s, "19491231") {
			t.Errorf("formatted ID %q shows the birth date", s)
		}
	}
	if got, want := id.String(), "1101**********002X"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestZeroResidentID(t *testing.T) {
	var id ResidentID
	if !id.IsZero() || id.Number() != "" || !id.Birth().IsZero() || id.Gender() != 0 || id.CountyCode() != "" {
		t.Errorf("zero ResidentID has values")
	}
}

func TestResidentIDCheckChar(t *testing.T) {
	c, err := ResidentIDCheckChar("11010519491231002")
	if err != nil || c != 'X' {
		t.Errorf("ResidentIDCheckChar = %q, %v; want 'X'", c, err)
	}
	if _, err := ResidentIDCheckChar("1101051949123100"); !errors.Is(err, ErrLength) {
		t.Errorf("16 digits: err = %v", err)
	}
	if _, err := ResidentIDCheckChar("1101051949123100A"); !errors.Is(err, ErrCharset) {
		t.Errorf("letter: err = %v", err)
	}
}

func TestGenerateResidentID(t *testing.T) {
	tests := []struct {
		county string
		birth  time.Time
		seq    int
		male   bool
		want   string
	}{
		{"110105", date(1949, 12, 31), 1, false, "11010519491231002X"},
		{"451026", date(1990, 1, 1), 61, true, withCheck(t, "45102619900101123")},
		{"440307", date(2000, 2, 29), 2, false, withCheck(t, "44030720000229004")},
		{"440307", date(2000, 2, 29), 502, false, withCheck(t, "44030720000229004")},
		{"440307", date(2000, 2, 29), -498, false, withCheck(t, "44030720000229004")},
		{"440307", date(2000, 2, 29), 499, true, withCheck(t, "44030720000229999")},
	}
	for _, tt := range tests {
		if got := GenerateResidentID(tt.county, tt.birth, tt.seq, tt.male); got != tt.want {
			t.Errorf("GenerateResidentID(%q, %v, %d, %v) = %q, want %q", tt.county, tt.birth, tt.seq, tt.male, got, tt.want)
		}
	}
	for _, county := range []string{"44030", "4403071", "44O307"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("GenerateResidentID(%q, ...) did not panic", county)
				}
			}()
			GenerateResidentID(county, date(1990, 1, 1), 0, true)
		}()
	}
}

// genResidentID draws a valid ID with its parts.
func genResidentID(t *rapid.T) (id string, county string, birth time.Time, male bool) {
	county = rapid.SampledFrom([]string{"110105", "440303", "440307", "451026", "451081", "452723", "441521"}).Draw(t, "county")
	first, last := date(1900, 1, 1), civilDate(now)
	days := rapid.IntRange(0, int(last.Sub(first).Hours()/24)).Draw(t, "days")
	birth = first.AddDate(0, 0, days)
	seq := rapid.IntRange(0, 499).Draw(t, "seq")
	male = rapid.Bool().Draw(t, "male")
	return GenerateResidentID(county, birth, seq, male), county, birth, male
}

func TestResidentIDProperties(t *testing.T) {
	t.Run("generated IDs parse and round-trip", rapid.MakeCheck(func(t *rapid.T) {
		s, county, birth, male := genResidentID(t)
		if lower := strings.ToLower(s); rapid.Bool().Draw(t, "lower") {
			s = lower
		}
		id, err := ParseResidentIDAt(s, now)
		if err != nil {
			t.Fatalf("ParseResidentIDAt(%q): %v", s, err)
		}
		if id.Number() != strings.ToUpper(s) || id.CountyCode() != county || !id.Birth().Equal(birth) ||
			(id.Gender() == Male) != male {
			t.Fatalf("%q parsed as %q %q %v %v", s, id.Number(), id.CountyCode(), id.Birth(), id.Gender())
		}
		again, err := ParseResidentIDAt(id.Number(), now)
		if err != nil || again != id {
			t.Fatalf("re-parse of %q: %v, %v", id.Number(), again.Number(), err)
		}
		if age := id.AgeAt(now); age < 0 || age > 120 {
			t.Fatalf("age %d", age)
		}
	}))
	t.Run("any single-character change is detected", rapid.MakeCheck(func(t *rapid.T) {
		s, _, _, _ := genResidentID(t)
		pos := rapid.IntRange(0, 17).Draw(t, "pos")
		c := rapid.ByteRange('0', 'Z').Filter(func(c byte) bool { return c != s[pos] }).Draw(t, "char")
		changed := s[:pos] + string(c) + s[pos+1:]
		if _, err := ParseResidentIDAt(changed, now); err == nil {
			t.Fatalf("%q (from %q) parsed", changed, s)
		}
	}))
}

func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "451026199001011234", "", " ", "X", "110105194912310021",
		"１１０１０５１９４９１２３１００２Ｘ", "44030720000229004\xff", "000000000000000000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseResidentIDAt(s, now)
		if err != nil {
			if ReasonOf(err) == "" || !id.IsZero() {
				t.Fatalf("error %v without a reason or with a value", err)
			}
			return
		}
		again, err := ParseResidentIDAt(id.Number(), now)
		if err != nil || again != id {
			t.Fatalf("canonical %q does not re-parse: %v", id.Number(), err)
		}
		_ = id.AgeAt(now)
		_ = MaskID(s)
	})
}
