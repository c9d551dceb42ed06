package ident

import (
	"errors"
	"testing"
)

func TestParsePhone(t *testing.T) {
	valid := []struct{ in, want string }{
		{"13812345678", "13812345678"},
		{" 13812345678 ", "13812345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"+8613812345678", "13812345678"},
		{"+86-138-1234-5678", "13812345678"},
		{"(+86) 138 1234 5678", "13812345678"},
		{"(86)13812345678", "13812345678"},
		{"138-1234-5678", "13812345678"},
		{"138.1234.5678", "13812345678"},
		{"86 13812345678", "13812345678"},
		{"8613812345678", "13812345678"},
		{"0086 138 1234 5678", "13812345678"},
		{"＋８６ １３８ １２３４ ５６７８", "13812345678"},
		{"19912345678", "19912345678"},
		{"16612345678", "16612345678"},
	}
	for _, tt := range valid {
		got, err := ParsePhone(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	invalid := []struct {
		in     string
		reason Reason
		err    error
	}{
		{"", ReasonEmpty, ErrEmpty},
		{"  ", ReasonEmpty, ErrEmpty},
		{"1381234567", ReasonLength, ErrLength},
		{"138123456789", ReasonLength, ErrLength},
		{"0755-12345678", ReasonLength, ErrLength},
		{"075512345678", ReasonLength, ErrLength},
		{"123456789012345678901234", ReasonLength, ErrLength},
		{"12812345678", ReasonPrefix, ErrPrefix},
		{"10012345678", ReasonPrefix, ErrPrefix},
		{"23812345678", ReasonPrefix, ErrPrefix},
		{"+1 138 1234 5678", ReasonPrefix, ErrPrefix},
		{"+852 9123 4567", ReasonPrefix, ErrPrefix},
		{"138 1234 567a", ReasonCharset, ErrCharset},
		{"138/1234/5678", ReasonCharset, ErrCharset},
		{"138+12345678", ReasonCharset, ErrCharset},
		{"电话13812345678", ReasonCharset, ErrCharset},
	}
	for _, tt := range invalid {
		got, err := ParsePhone(tt.in)
		if err == nil {
			t.Errorf("ParsePhone(%q) = %q, want error", tt.in, got)
			continue
		}
		if !errors.Is(err, tt.err) || ReasonOf(err) != tt.reason {
			t.Errorf("ParsePhone(%q): %v (reason %q), want %v", tt.in, err, ReasonOf(err), tt.err)
		}
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindPhone {
			t.Errorf("ParsePhone(%q): %v is not a phone *Error", tt.in, err)
		}
	}
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138 1234 5678", "0086", "+", "(+", "86", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePhone(s)
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("error %v without a reason", err)
			}
			return
		}
		if again, err := ParsePhone(p); err != nil || again != p || len(p) != 11 {
			t.Fatalf("canonical %q: %q, %v", p, again, err)
		}
		_ = MaskPhone(s)
	})
}
