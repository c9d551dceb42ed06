package ident

import (
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// uscc completes a 16-character prefix with the two check characters,
// computed here independently of the package.
func uscc(tb testing.TB, prefix16 string) string {
	tb.Helper()
	if len(prefix16) != 16 {
		tb.Fatalf("uscc: %q has %d characters", prefix16, len(prefix16))
	}
	ow := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range prefix16[8:] {
		v := strings.IndexRune("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", c)
		sum += v * ow[i]
	}
	s := prefix16 + map[int]string{10: "X", 11: "0"}[11-sum%11]
	if len(s) == 16 {
		s += string(rune('0' + 11 - sum%11))
	}
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	w := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum = 0
	for i, c := range s {
		sum += strings.IndexRune(alphabet, c) * w[i]
	}
	return s + string(alphabet[(31-sum%31)%31])
}

func mustCreditCode(tb testing.TB, s string) CreditCode {
	tb.Helper()
	c, err := ParseCreditCode(s)
	if err != nil {
		tb.Fatalf("ParseCreditCode(%q): %v", s, err)
	}
	return c
}

// published are codes of real organisations as printed in public
// registers, recalled for their format; each passes both checks, which a
// mistyped code would do with probability about 1/341. The tests make no
// claim about who holds them.
var published = []string{
	"91440300708461136T",
	"914403001922038216",
	"91440300279544901A",
	"91330100716105852F",
	"91110000802100433B",
	"9111000071093123XX",
	"91110000710925462X",
	"91110108551385082Q",
}

func TestParseCreditCodeValid(t *testing.T) {
	tests := []struct {
		in, code, division, org string
		authority, entityType   byte
	}{
		{"91440300708461136T", "91440300708461136T", "440300", "708461136", '9', '1'},
		{"91440300708461136t", "91440300708461136T", "440300", "708461136", '9', '1'},
		{" ９１４４０３００７０８４６１１３６Ｔ ", "91440300708461136T", "440300", "708461136", '9', '1'},
		{"9111000071093123XX", "9111000071093123XX", "110000", "71093123X", '9', '1'},
		// Computed: an individual business in 那坡县, a cooperative in 东兰县,
		// a social organisation in 龙岗区, an organisation code with letters
		// and one whose check is 11, written 0.
		{uscc(t, "9245102612345678"), uscc(t, "9245102612345678"), "451026", uscc(t, "9245102612345678")[8:17], '9', '2'},
		{uscc(t, "9345272300000001"), uscc(t, "9345272300000001"), "452723", uscc(t, "9345272300000001")[8:17], '9', '3'},
		{uscc(t, "5144030750000000"), uscc(t, "5144030750000000"), "440307", uscc(t, "5144030750000000")[8:17], '5', '1'},
		{uscc(t, "91440300MA5FXY01"), uscc(t, "91440300MA5FXY01"), "440300", uscc(t, "91440300MA5FXY01")[8:17], '9', '1'},
		{uscc(t, "Y1440300AB000000"), uscc(t, "Y1440300AB000000"), "440300", uscc(t, "Y1440300AB000000")[8:17], 'Y', '1'},
	}
	for _, p := range published {
		tests = append(tests, struct {
			in, code, division, org string
			authority, entityType   byte
		}{p, p, p[2:8], p[8:17], p[0], p[1]})
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			c := mustCreditCode(t, tt.in)
			if c.Code() != tt.code || c.String() != tt.code || c.DivisionCode() != tt.division ||
				c.OrganizationCode() != tt.org || c.Authority() != tt.authority || c.EntityType() != tt.entityType {
				t.Errorf("got %q %q %q %q %c %c", c.Code(), c.String(), c.DivisionCode(), c.OrganizationCode(), c.Authority(), c.EntityType())
			}
			if _, err := ParseCreditCodeLoose(tt.in); err != nil {
				t.Errorf("ParseCreditCodeLoose: %v", err)
			}
		})
	}
}

func TestOrgCheckChar(t *testing.T) {
	tests := []struct{ body, want string }{
		{"00000000", "0"}, // sum 0 → 11 → '0'
		{"40000000", "X"}, // 4·3 = 12 ≡ 1 → 10 → 'X'
		{"000A0000", "X"}, // 10·10 = 100 ≡ 1
		{"10000000", "8"}, // 3 → 8
		{"A0000000", "3"}, // 30 ≡ 8 → 3
		{"J0000000", "9"}, // J is 19 in GB 11714 (18 in GB 32100): 57 ≡ 2 → 9
		{"Z0000000", "5"}, // 105 ≡ 6 → 5
		{"70846113", "6"},
		{"71093123", "X"},
	}
	for _, tt := range tests {
		if got := string(orgCheckChar([]byte(tt.body))); got != tt.want {
			t.Errorf("orgCheckChar(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestParseCreditCodeInvalid(t *testing.T) {
	valid := "91440300708461136T"
	tests := []struct {
		name   string
		in     string
		reason Reason
		err    error
	}{
		{"empty", "", ReasonEmpty, ErrEmpty},
		{"17 characters", valid[:17], ReasonLength, ErrLength},
		{"19 characters", valid + "0", ReasonLength, ErrLength},
		{"old registration number", "440301103097413", ReasonLength, ErrLength},
		{"I", "9144030070846113IT", ReasonCharset, ErrCharset},
		{"O", "O1440300708461136T", ReasonCharset, ErrCharset},
		{"Z", "91440300Z08461136T", ReasonCharset, ErrCharset},
		{"S", "91440300708461136S", ReasonCharset, ErrCharset},
		{"V", "9V440300708461136T", ReasonCharset, ErrCharset},
		{"hyphen", "91440300-08461136T", ReasonCharset, ErrCharset},
		{"letter in division", "9144A300708461136T", ReasonCharset, ErrCharset},
		{"Chinese", "统一社会信用", ReasonCharset, ErrCharset},
		{"wrong check", "91440300708461136U", ReasonChecksum, ErrChecksum},
		{"wrong check 0", "914403007084611360", ReasonChecksum, ErrChecksum},
		{"digit changed", "91440300708461137T", ReasonChecksum, ErrChecksum},
	}
	// A code whose GB 32100 check is right but whose organisation code check
	// is wrong.
	badOrg := "9144030070846113" + "7"
	c, err := CreditCheckChar(badOrg)
	if err != nil {
		t.Fatal(err)
	}
	badOrg += string(c)
	tests = append(tests, struct {
		name   string
		in     string
		reason Reason
		err    error
	}{"organisation code check", badOrg, ReasonOrgChecksum, ErrOrgChecksum})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCreditCode(tt.in)
			if err == nil {
				t.Fatalf("ParseCreditCode(%q) = %v, want error", tt.in, c)
			}
			if !errors.Is(err, tt.err) || ReasonOf(err) != tt.reason {
				t.Errorf("error %v (reason %q), want %v (reason %q)", err, ReasonOf(err), tt.err, tt.reason)
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindCreditCode {
				t.Errorf("error %v is not an *Error of kind %q", err, KindCreditCode)
			}
			if !c.IsZero() {
				t.Errorf("non-zero CreditCode with an error")
			}
		})
	}
	if _, err := ParseCreditCodeLoose(badOrg); err != nil {
		t.Errorf("ParseCreditCodeLoose(%q): %v", badOrg, err)
	}
}

func TestCreditCodeText(t *testing.T) {
	var c CreditCode
	if err := c.UnmarshalText([]byte("91440300708461136t")); err != nil {
		t.Fatal(err)
	}
	b, _ := c.MarshalText()
	if string(b) != "91440300708461136T" {
		t.Errorf("MarshalText = %q", b)
	}
	if err := c.UnmarshalText([]byte("91440300708461136U")); !errors.Is(err, ErrChecksum) {
		t.Errorf("UnmarshalText of a bad code: %v", err)
	}
}

func TestGenerateCreditCode(t *testing.T) {
	for _, p := range published {
		if got := GenerateCreditCode(p[:16]); got != p {
			t.Errorf("GenerateCreditCode(%q) = %q, want %q", p[:16], got, p)
		}
		if got := GenerateCreditCode(p[:17]); got != p {
			t.Errorf("GenerateCreditCode(%q) = %q, want %q", p[:17], got, p)
		}
		if got := GenerateCreditCode(strings.ToLower(p[:16])); got != p {
			t.Errorf("GenerateCreditCode(lower %q) = %q, want %q", p[:16], got, p)
		}
	}
	if got, want := GenerateCreditCode("91440300MA5FXY01"), uscc(t, "91440300MA5FXY01"); got != want {
		t.Errorf("GenerateCreditCode = %q, want %q", got, want)
	}
	for _, bad := range []string{"", "914403007084611", "914403007084611361", "9144030070846I13", "9144A30070846113"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("GenerateCreditCode(%q) did not panic", bad)
				}
			}()
			GenerateCreditCode(bad)
		}()
	}
	if _, err := CreditCheckChar("9144030070846113"); !errors.Is(err, ErrLength) {
		t.Errorf("CreditCheckChar of 16: %v", err)
	}
}

// genCreditCode draws a valid code.
func genCreditCode(t *rapid.T) string {
	alphabet := []rune(creditAlphabet)
	authority := rapid.SampledFrom([]string{"1", "5", "9", "Y", "N"}).Draw(t, "authority")
	typ := rapid.SampledFrom([]string{"1", "2", "3", "9"}).Draw(t, "type")
	division := rapid.StringOfN(rapid.RuneFrom([]rune("0123456789")), 6, 6, -1).Draw(t, "division")
	body := rapid.StringOfN(rapid.RuneFrom(alphabet), 8, 8, -1).Draw(t, "body")
	return GenerateCreditCode(authority + typ + division + body)
}

func TestCreditCodeProperties(t *testing.T) {
	t.Run("generated codes parse", rapid.MakeCheck(func(t *rapid.T) {
		s := genCreditCode(t)
		c, err := ParseCreditCode(strings.ToLower(s))
		if err != nil || c.Code() != s {
			t.Fatalf("ParseCreditCode(%q) = %q, %v", s, c.Code(), err)
		}
	}))
	t.Run("any single-character change is detected", rapid.MakeCheck(func(t *rapid.T) {
		s := genCreditCode(t)
		pos := rapid.IntRange(0, 17).Draw(t, "pos")
		c := rapid.ByteRange('0', 'Z').Filter(func(c byte) bool { return c != s[pos] }).Draw(t, "char")
		changed := s[:pos] + string(c) + s[pos+1:]
		if _, err := ParseCreditCodeLoose(changed); err == nil {
			t.Fatalf("%q (from %q) parsed", changed, s)
		}
	}))
}

func FuzzParseCreditCode(f *testing.F) {
	for _, s := range append([]string{"", "0", "91440300708461136t", "91440300708461136U", "ＩＯＺＳＶ", "000000000000000000", "9144030070846113\x00\xff"}, published...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCreditCode(s)
		if err != nil {
			if ReasonOf(err) == "" || !c.IsZero() {
				t.Fatalf("error %v without a reason or with a value", err)
			}
			return
		}
		again, err := ParseCreditCode(c.Code())
		if err != nil || again != c {
			t.Fatalf("canonical %q does not re-parse: %v", c.Code(), err)
		}
		if loose, err := ParseCreditCodeLoose(s); err != nil || loose != c {
			t.Fatalf("loose parse disagrees: %v", err)
		}
	})
}
