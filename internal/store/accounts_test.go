package store_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"easyjob/internal/auth"
	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// signInStore is a store with one officer, "longgang" (password
// "lg-password"), and a hashing gate that never turns anyone away.
func signInStore(t *testing.T, k storetest.Kind) (*store.Store, *storetest.Clock) {
	t.Helper()
	s, clock := storetest.NewStore(t, k)
	s.Hashing = auth.NewGate(2, time.Minute)
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	if _, err := s.CreateUser(context.Background(), root, store.NewUser{Username: "longgang", Password: "lg-password",
		Name: "龙岗区", Role: easyjob.RoleOfficer, Region: "440307"}); err != nil {
		t.Fatal(err)
	}
	return s, clock
}

// answer is what a sign-in answered, without the token.
func answer(err error) string {
	if err == nil {
		return "ok"
	}
	var de *easyjob.Error
	if !errors.As(err, &de) {
		return "error: " + err.Error()
	}
	s := de.Code + " " + de.Msg.Key
	for f, m := range de.Fields {
		s += " " + f + "=" + m.Key
	}
	return s
}

// tally counts answers of concurrent calls.
type tally struct {
	mu sync.Mutex
	n  map[string]int
}

func (t *tally) add(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == nil {
		t.n = map[string]int{}
	}
	t.n[s]++
}

// race runs fn n times at once and tallies the answers.
func race(n int, fn func(i int) string) map[string]int {
	var t tally
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			t.add(fn(i))
		})
	}
	close(start)
	wg.Wait()
	return t.n
}

const (
	badPassword = "unauthorized auth.bad_password"
	slowDown    = "rate_limited auth.slow_down"
)

// #10.2: 30 simultaneous wrong passwords for one account from one client
// are checked at most PasswordFailures times: the slot is taken before
// hashing. The client is slowed down; the owner elsewhere still signs in.
func TestPasswordAttemptsUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, clock := signInStore(t, k)
		before := s.Hashing.Checks()
		got := race(30, func(int) string {
			_, _, err := s.LoginFrom(ctx, "198.51.100.7", "longgang", "wrong-password", "api")
			return answer(err)
		})
		if checks := s.Hashing.Checks() - before; checks > store.PasswordFailures {
			t.Errorf("%d passwords hashed, want at most %d", checks, store.PasswordFailures)
		}
		if got[badPassword] != store.PasswordFailures || got[slowDown] != 30-store.PasswordFailures {
			t.Fatalf("answers %v, want %d wrong passwords and the rest slowed down", got, store.PasswordFailures)
		}
		// The right password from that client waits too…
		if _, _, err := s.LoginFrom(ctx, "198.51.100.7", "longgang", "lg-password", "api"); answer(err) != slowDown {
			t.Fatalf("right password from the guessing client: %v", err)
		}
		// …but the officer at their own desk is not locked out.
		if _, u, err := s.LoginFrom(ctx, "203.0.113.20", "longgang", "lg-password", "web"); err != nil || u.Username != "longgang" {
			t.Fatalf("the owner elsewhere: %v", err)
		}
		// The window passes and the client may try again.
		clock.Advance(store.PasswordWindow)
		if _, _, err := s.LoginFrom(ctx, "198.51.100.7", "longgang", "lg-password", "api"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

// #10.4: a real and an unknown username answer alike, attempt after
// attempt (status, message, the seconds to wait) and with the same number
// of hashes; a success clears the client's count.
func TestUnknownUsernamesAnswerLikeRealOnes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, _ := signInStore(t, k)
		seq := func(username string) (out []string, checks int64) {
			before := s.Hashing.Checks()
			for range store.PasswordFailures + 2 {
				_, _, err := s.LoginFrom(ctx, "192.0.2.1", username, "wrong-password", "web")
				a := answer(err)
				if de := (*easyjob.Error)(nil); errors.As(err, &de) && de.Msg.Args != nil {
					a += fmt.Sprint(" ", de.Msg.Args["seconds"])
				}
				out = append(out, a)
			}
			return out, s.Hashing.Checks() - before
		}
		real, realChecks := seq("longgang")
		unknown, unknownChecks := seq("nobody-here")
		if strings.Join(real, "\n") != strings.Join(unknown, "\n") || realChecks != unknownChecks {
			t.Fatalf("a real username answered\n%s\n(%d hashes), an unknown one\n%s\n(%d hashes)",
				strings.Join(real, "\n"), realChecks, strings.Join(unknown, "\n"), unknownChecks)
		}
		if real[0] != badPassword || !strings.HasPrefix(real[len(real)-1], slowDown+" 900") {
			t.Fatalf("answers %q", real)
		}
		// A success clears the count of its client.
		if _, _, err := s.LoginFrom(ctx, "192.0.2.2", "longgang", "wrong-password", "web"); answer(err) != badPassword {
			t.Fatal(err)
		}
		if _, _, err := s.LoginFrom(ctx, "192.0.2.2", "longgang", "lg-password", "web"); err != nil {
			t.Fatal(err)
		}
		for i := range store.PasswordFailures {
			if _, _, err := s.LoginFrom(ctx, "192.0.2.2", "longgang", "wrong-password", "web"); answer(err) != badPassword {
				t.Fatalf("attempt %d after a success: %v", i+1, err)
			}
		}
	})
}

// #10.1: however many sign-ins arrive at once, no more passwords are hashed
// at a time than the gate has slots; those that wait too long are asked to
// come back (429 with the seconds) and keep their attempt.
func TestPasswordHashingIsBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, _ := signInStore(t, k)
		s.Password = auth.Params{Time: 1, Memory: 16 * 1024, Threads: 1, KeyLen: 32} // a few ms a hash
		s.Hashing = auth.NewGate(1, time.Millisecond)
		var turnedAway sync.Map
		got := race(40, func(i int) string {
			_, _, err := s.LoginFrom(ctx, fmt.Sprintf("192.0.2.%d", i), fmt.Sprintf("nobody-%d", i), "wrong-password", "api")
			var de *easyjob.Error
			if errors.As(err, &de) && de.Msg.Key == "auth.busy" {
				turnedAway.Store(i, true)
				if de.Msg.Args["seconds"] != int(store.HashBusyRetry.Seconds()) {
					return "busy without the seconds to wait"
				}
			}
			return answer(err)
		})
		if p := s.Hashing.Peak(); p != 1 {
			t.Errorf("%d hashes at once, want 1", p)
		}
		busy := got["rate_limited auth.busy"]
		if busy == 0 || busy+got[badPassword] != 40 || int64(busy) != s.Hashing.Busy() {
			t.Fatalf("answers %v (gate: %d turned away)", got, s.Hashing.Busy())
		}
		// A client turned away kept its attempts: PasswordFailures more are
		// checked before it is slowed down.
		s.Hashing = auth.NewGate(1, time.Minute)
		turnedAway.Range(func(k, _ any) bool {
			client, name := fmt.Sprintf("192.0.2.%d", k), fmt.Sprintf("nobody-%d", k)
			for n := range store.PasswordFailures + 1 {
				want := badPassword
				if n == store.PasswordFailures {
					want = slowDown
				}
				if _, _, err := s.LoginFrom(ctx, client, name, "wrong-password", "api"); answer(err) != want {
					t.Fatalf("attempt %d after being turned away: %v", n+1, err)
				}
			}
			return false
		})
	})
}

// #10.3: 40 simultaneous guesses at one code are compared at most
// CodeAttempts times, on both databases; then the right code is refused.
func TestCodeGuessesUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, _ := storetest.NewStore(t, k)
		phone := storetest.SeekerInput().Phone
		if err := s.RequestCode(ctx, phone); err != nil {
			t.Fatal(err)
		}
		right := codeIn(t, s, phone)
		wrong := fmt.Sprintf("%06d", (mustAtoi(right)+1)%1_000_000)
		got := race(40, func(int) string {
			_, _, err := s.LoginWithCode(ctx, phone, wrong, "api")
			return answer(err)
		})
		const wrongCode, tooMany = "invalid error.invalid code=auth.code_wrong", "rate_limited auth.code_attempts"
		if got[wrongCode] != store.CodeAttempts || got[tooMany] != 40-store.CodeAttempts {
			t.Fatalf("answers %v: want %d comparisons, the rest refused", got, store.CodeAttempts)
		}
		if _, _, err := s.LoginWithCode(ctx, phone, right, "api"); answer(err) != tooMany {
			t.Fatalf("the right code after %d wrong ones: %v", store.CodeAttempts, err)
		}
	})
}

// #10.3: ten simultaneous sign-ins with the right code open one session.
func TestOneCodeOneSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, _ := storetest.NewStore(t, k)
		phone := storetest.SeekerInput().Phone
		if err := s.RequestCode(ctx, phone); err != nil {
			t.Fatal(err)
		}
		right := codeIn(t, s, phone)
		got := race(10, func(int) string {
			_, _, err := s.LoginWithCode(ctx, phone, right, "web")
			return answer(err)
		})
		if got["ok"] != 1 || got["unauthorized auth.code_expired"] != 9 {
			t.Fatalf("answers %v: want one session", got)
		}
		var n int
		if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d sessions (%v)", n, err)
		}
	})
}

// #10.14: outbox bodies are sealed at rest; Outbox opens them (tests read
// codes there before delivery); once delivered a sign-in code is erased, a
// notice stays sealed, and the sealed phone is gone.
func TestOutboxSealedAndCodesErased(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, _ := storetest.NewStore(t, k)
		phone := storetest.SeekerInput().Phone
		if err := s.RequestCode(ctx, phone); err != nil {
			t.Fatal(err)
		}
		code := codeIn(t, s, phone)
		if err := s.Tx(ctx, func(tx *store.Tx) error {
			return s.Send(ctx, tx, phone, "notice", "sms.login_code", "code", "NOTICE", "minutes", "5")
		}); err != nil {
			t.Fatal(err)
		}
		raw := func() string {
			var b strings.Builder
			rows, err := s.DB.R.QueryContext(ctx, `SELECT subject, body, COALESCE(body_cipher, ''), recipient_cipher FROM outbox ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var subject, body string
				var sealed, to []byte
				if err := rows.Scan(&subject, &body, &sealed, &to); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&b, "%s body=%q sealed=%d to=%d %s %s\n", subject, body, len(sealed), len(to), sealed, to)
			}
			return b.String()
		}
		if r := raw(); strings.Contains(r, code) || strings.Contains(r, "NOTICE") || strings.Contains(r, phone) {
			t.Fatalf("plain text at rest before delivery:\n%s", r)
		}
		var sent recorder
		if n, err := s.Deliver(ctx, &sent, 10); err != nil || n != 2 {
			t.Fatalf("delivered %d: %v", n, err)
		}
		if len(sent.msgs) != 2 || !strings.Contains(sent.msgs[0].Body, code) || sent.msgs[0].Recipient != phone ||
			!strings.Contains(sent.msgs[1].Body, "NOTICE") {
			t.Fatalf("sender got %+v", sent.msgs)
		}
		r := raw()
		if strings.Contains(r, code) || strings.Contains(r, "NOTICE") || strings.Contains(r, phone) ||
			!strings.Contains(r, "login_code body=\"\" sealed=0 to=0") || !strings.Contains(r, "notice body=\"\" sealed=") ||
			strings.Contains(r, "notice body=\"\" sealed=0") {
			t.Fatalf("after delivery:\n%s", r)
		}
		msgs, err := s.Outbox(ctx, phone, 2)
		if err != nil || len(msgs) != 2 || msgs[0].Subject != "notice" || !strings.Contains(msgs[0].Body, "NOTICE") ||
			msgs[1].Subject != "login_code" || msgs[1].Body != "" {
			t.Fatalf("outbox after delivery %+v %v", msgs, err)
		}
	})
}

// Spent attempt counters and old codes are pruned.
func TestPruneSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, clock := signInStore(t, k)
		s.LoginFrom(ctx, "192.0.2.1", "longgang", "wrong-password", "web")
		if err := s.RequestCode(ctx, storetest.SeekerInput().Phone); err != nil {
			t.Fatal(err)
		}
		count := func(table string) (n int) {
			if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if err := s.PruneSignIn(ctx); err != nil || count("login_attempts") != 1 || count("login_codes") != 1 {
			t.Fatalf("pruned too early: %v", err)
		}
		clock.Advance(25 * time.Hour)
		if err := s.PruneSignIn(ctx); err != nil || count("login_attempts") != 0 || count("login_codes") != 0 {
			t.Fatalf("not pruned: %v", err)
		}
	})
}

type recorder struct{ msgs []store.Message }

func (r *recorder) Send(_ context.Context, m store.Message) error {
	r.msgs = append(r.msgs, m)
	return nil
}

func codeIn(t *testing.T, s *store.Store, phone string) string {
	t.Helper()
	msgs, err := s.Outbox(context.Background(), phone, 1)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("outbox: %v %v", msgs, err)
	}
	c := regexp.MustCompile(`\d{6}`).FindString(msgs[0].Body)
	if c == "" {
		t.Fatalf("no code in %q", msgs[0].Body)
	}
	return c
}

func mustAtoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}
