package easyjob

import (
	"math/rand/v2"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestTransitionsTable(t *testing.T) {
	cases := []struct {
		from, to ApplicationState
		role     Role
		want     bool
	}{
		{StateApplied, StateShortlisted, RoleEmployer, true},
		{StateApplied, StateShortlisted, RoleSeeker, false},
		{StateOffered, StateAccepted, RoleSeeker, true},
		{StateOffered, StateAccepted, RoleEmployer, false},
		{StateAccepted, StateDeparted, RoleOfficer, true},
		{StateAccepted, StateDeparted, RoleAdmin, true},
		{StateAccepted, StateDeparted, RoleEmployer, false},
		{StateDeparted, StateArrived, RoleEmployer, true},
		{StateApplied, StateOnboarded, RoleEmployer, false},
		{StateLeft, StateApplied, RoleOfficer, false},
		{StateRejected, StateOffered, RoleEmployer, false},
		{StateOnboarded, StateRetained30, RoleSeeker, true},
		{StateRetained30, StateRetained180, RoleEmployer, false},
		{StateRetained90, StateSeparated, RoleOfficer, true},
		{StateSeparated, StateRetained30, RoleOfficer, false},
	}
	for _, c := range cases {
		if got := CanTransition(c.from, c.to, c.role); got != c.want {
			t.Errorf("%s → %s by %s: got %v", c.from, c.to, c.role, got)
		}
	}
}

// allowed lists every state role may move from, the moves made only by a
// system (the retention check-ins) included.
func allowed(from ApplicationState, role Role) []ApplicationState {
	var out []ApplicationState
	for _, t := range Transitions {
		if t.From == from && CanTransition(from, t.To, role) {
			out = append(out, t.To)
		}
	}
	return out
}

// Walking any sequence of allowed moves keeps the places held equal to the
// sum of the headcount deltas, and exits are final; a retained worker
// holds their place until separated.
func TestPipelineProperties(t *testing.T) {
	roles := []Role{RoleSeeker, RoleEmployer, RoleOfficer}
	rapid.Check(t, func(t *rapid.T) {
		state, held := StateApplied, 0
		for range rapid.IntRange(0, 16).Draw(t, "steps") {
			role := rapid.SampledFrom(roles).Draw(t, "role")
			next := allowed(state, role)
			if len(next) == 0 {
				break
			}
			to := rapid.SampledFrom(next).Draw(t, "to")
			if !CanTransition(state, to, role) {
				t.Fatalf("NextStates offered %s → %s to %s", state, to, role)
			}
			if via := Via(state, to); via != "" && hasState(NextStates(state, role), to) {
				t.Fatalf("NextStates offers %s → %s, a move only %s makes", state, to, via)
			}
			held += HeadcountDelta(state, to)
			state = to
			want := 0
			if state.TakesHeadcount() {
				want = 1
			}
			if held != want {
				t.Fatalf("in %s, held %d", state, held)
			}
		}
	})
	for _, s := range []ApplicationState{StateWithdrawn, StateRejected, StateDeclined, StateNoShow, StateLeft, StateSeparated} {
		for _, r := range roles {
			if n := allowed(s, r); len(n) != 0 {
				t.Errorf("%s is an exit but %s can move it to %v", s, r, n)
			}
		}
	}
}

func TestCheckPosting(t *testing.T) {
	base := PostingInput{Title: "普工", PayMin: 5000, PayDay: 10, Description: "包吃住"}
	rules := func(in PostingInput) (out []string) {
		for _, c := range CheckPosting(in, 2200) {
			out = append(out, c.Rule+":"+c.Severity)
		}
		return out
	}
	if r := rules(base); len(r) != 0 {
		t.Fatalf("clean posting: %v", r)
	}
	cases := []struct {
		edit func(*PostingInput)
		want string
	}{
		{func(p *PostingInput) { p.PayMin = 2000 }, "min_wage:refused"},
		{func(p *PostingInput) { p.Description = "入职交押金 200" }, "asks_money:flag"},
		{func(p *PostingInput) { p.Description = "需交服装费" }, "asks_money:flag"},
		{func(p *PostingInput) { p.Title = "保安（限男）" }, "discrimination:flag"},
		{func(p *PostingInput) { p.Description = "限汉族" }, "discrimination:flag"},
		{func(p *PostingInput) { p.PayDay = 0 }, "pay_day:warning"},
	}
	for _, c := range cases {
		in := base
		c.edit(&in)
		r := rules(in)
		if len(r) != 1 || r[0] != c.want {
			t.Errorf("want %s, got %v", c.want, r)
		}
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2020-03-02")
	if err != nil || d.String() != "2020-03-02" || d.AddDays(28).String() != "2020-03-30" {
		t.Fatalf("%v %v", d, err)
	}
	if _, err := ParseDate("2020-02-30"); err == nil {
		t.Fatal("impossible date parsed")
	}
	if AgeOn(NewDate(2000, 2, 29), NewDate(2020, 2, 28)) != 19 || AgeOn(NewDate(2000, 2, 29), NewDate(2020, 2, 29)) != 20 {
		t.Fatal("age")
	}
}

func hasState(xs []ApplicationState, x ApplicationState) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// TestParseDateAgreesWithTime: the hand-written parser accepts what
// time.Parse(time.DateOnly) accepts and gives the same day: every day of
// 1896–2104 (leap years and their exceptions), and strings close to the form.
func TestParseDateAgreesWithTime(t *testing.T) {
	check := func(s string) {
		t.Helper()
		want, werr := time.Parse(time.DateOnly, s)
		got, gerr := ParseDate(s)
		if (werr == nil) != (gerr == nil) || (werr == nil && !got.Time().Equal(want)) {
			t.Fatalf("ParseDate(%q) = %v, %v; time.Parse: %v, %v", s, got, gerr, want, werr)
		}
	}
	for d := time.Date(1896, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2105; d = d.AddDate(0, 0, 1) {
		check(d.Format(time.DateOnly))
	}
	for _, s := range []string{"", "2020-02-29", "2021-02-29", "1900-02-29", "2000-02-29", "2020-00-10", "2020-13-01",
		"2020-01-00", "2020-01-32", "2020-04-31", "2020-2-03", "2020-02-3", " 2020-02-03", "2020-02-03 ", "2020/02/03",
		"+020-02-03", "-020-02-03", "2020-+2-03", "0000-01-01", "9999-12-31", "2020-02-03x", "２０２０-02-03", "2020-1a-03"} {
		check(s)
	}
	r := rand.New(rand.NewPCG(1, 2))
	const chars = "0123456789-+ x"
	for range 100000 {
		b := []byte("2020-02-03")
		for range 1 + r.IntN(3) {
			b[r.IntN(len(b))] = chars[r.IntN(len(chars))]
		}
		check(string(b))
	}
}
