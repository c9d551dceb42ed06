package web

import "testing"

// TestSafeNext: a redirect after signing in stays on this site, however
// the hostile address is spelled; browsers drop tabs and newlines and read
// a backslash as a slash, so what Go parses as a path can be another host.
func TestSafeNext(t *testing.T) {
	const home = "/officer"
	for _, c := range []struct{ next, want string }{
		// Local paths pass unchanged.
		{"/seeker", "/seeker"},
		{"/officer/seekers?county=451026&limit=20", "/officer/seekers?county=451026&limit=20"},
		{"/postings/12#apply", "/postings/12#apply"},
		{"/seeker?done=profile", "/seeker?done=profile"},
		{"/postings/%E6%99%AE%E5%B7%A5", "/postings/%E6%99%AE%E5%B7%A5"},
		{"/search?q=a%2Fb", "/search?q=a%2Fb"},
		// Empty and relative.
		{"", home},
		{"seeker", home},
		{"./seeker", home},
		{"evil.example", home},
		// Another host, spelled many ways.
		{"//evil.example", home},
		{"///evil.example", home},
		{"/\\evil.example", home},
		{"\\\\evil.example", home},
		{"/\\/evil.example", home},
		{"/\t/evil.example/", home},
		{"/\t\t/evil.example/", home},
		{"/\n/evil.example", home},
		{"/\r\n/evil.example", home},
		{"/ /evil.example", home},
		{"/\x00/evil.example", home},
		{"/\x7f/evil.example", home},
		{"/%09/evil.example", home},
		{"/%0a/evil.example", home},
		{"/%0D%0A/evil.example", home},
		{"/%2F/evil.example", home},
		{"/%2f%2fevil.example", home},
		{"/%5Cevil.example", home},
		{"/%5cevil.example", home},
		{"%2F%2Fevil.example", home},
		{"/%", home},
		// Schemes.
		{"https://evil.example/", home},
		{"http:evil.example", home},
		{"//user@evil.example", home},
		{"javascript:alert(1)", home},
		{"JavaScript:alert(1)", home},
		{" javascript:alert(1)", home},
		{"\tjavascript:alert(1)", home},
		{"java\tscript:alert(1)", home},
		{"data:text/html,<script>alert(1)</script>", home},
		{"/javascript:alert(1)", "/javascript:alert(1)"}, // a path, harmless
		// Oddities.
		{"/\u0085/evil.example", home},
		{"/" + string(make([]byte, 3000)), home},
	} {
		if got := safeNext(c.next, home); got != c.want {
			t.Errorf("safeNext(%q) = %q, want %q", c.next, got, c.want)
		}
	}
}
