package auth

import "testing"

var fast = Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32}

func TestPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery", fast)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckPassword(h, "correct horse battery"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if err := CheckPassword(h, "correct horse batterx"); err != ErrMismatch {
		t.Fatalf("wrong password: %v", err)
	}
	h2, _ := HashPassword("correct horse battery", fast)
	if h == h2 {
		t.Fatal("salts must differ")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$aa$bb", "$argon2id$v=19$x$aa$bb"} {
		if CheckPassword(bad, "x") == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestTokensAndCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := NewToken()
		if len(tok) != 43 || seen[tok] {
			t.Fatalf("token %q", tok)
		}
		seen[tok] = true
		c := NewCode()
		if len(c) != 6 {
			t.Fatalf("code %q", c)
		}
	}
	if HashToken("a") == HashToken("b") || HashCode("p1", "123456") == HashCode("p2", "123456") {
		t.Fatal("hashes collide")
	}
}

func TestValidPassword(t *testing.T) {
	for pw, want := range map[string]bool{"short": false, "long enough!": true, "一二三四五六七八九十": true} {
		if ValidPassword(pw) != want {
			t.Errorf("%q: want %v", pw, want)
		}
	}
}
