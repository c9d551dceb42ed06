package store_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// TestCandidatesAnonymous: before a seeker applies, an employer's candidate
// list carries what a hiring choice needs and nothing that identifies them
// — no ID characters, county code, age or birth date, registered-poor or
// health status, phone or full name — and the seeker's own record is not
// found. After applying, the employer sees name and phone, and the ID
// number only as its county and check character.
func TestCandidatesAnonymous(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		p := f.Published(t, 3)
		sk, me := f.Seeker(t)
		if err := s.SetPoor(ctx, f.Station, sk.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetHealth(ctx, f.Station, sk.ID, easyjob.HealthGreen); err != nil {
			t.Fatal(err)
		}
		full, err := s.SeekerRow(ctx, sk.ID)
		if err != nil {
			t.Fatal(err)
		}
		mustMatching(t, s)
		candidate := func() store.Candidate {
			t.Helper()
			cs, err := s.Candidates(ctx, f.Boss, p.ID, 10)
			if err != nil || len(cs) != 1 || cs[0].Seeker.ID != sk.ID {
				t.Fatalf("candidates %+v %v", cs, err)
			}
			return cs[0]
		}
		c := candidate()
		b, _ := json.Marshal(c)
		text := string(b)
		x := c.Seeker
		for what, leak := range map[string]bool{
			"ID characters":   x.IDNumber != "",
			"county code":     x.HomeCounty != "" || strings.Contains(text, full.HomeCounty),
			"age":             x.Age != 0 || strings.Contains(text, `"age":`+itoa(int64(full.Age))),
			"birth date":      !x.BirthDate.IsZero() || strings.Contains(text, full.BirthDate.String()),
			"registered poor": x.Poor || strings.Contains(text, "policy_poor"),
			"health":          x.Health != "" || strings.Contains(text, easyjob.HealthGreen),
			"phone":           x.Phone != "" || strings.Contains(text, full.Phone),
			"full name":       strings.Contains(text, full.Name),
			"gender":          x.Gender != "",
			"group":           x.Group != "",
		} {
			if leak {
				t.Errorf("an employer's candidate before applying shows the %s: %s", what, text)
			}
		}
		if !x.Masked || x.Province != "450000" || x.AgeBand == "" || len(x.Trades) == 0 || x.ExpectedPay != full.ExpectedPay ||
			!x.WantsDorm || x.Education == "" || c.Score <= 0 || len(c.Reasons) == 0 || c.Applied {
			t.Errorf("what a hiring choice needs is missing: %s", text)
		}
		if _, err := s.Seeker(ctx, f.Boss, sk.ID, ""); code(err) != easyjob.ENOTFOUND {
			t.Errorf("employer opens a seeker who has not applied: %v", err)
		}
		// Officers keep their masked view.
		oc, err := s.Candidates(ctx, f.Longgang, p.ID, 10)
		if err != nil || len(oc) != 1 || oc[0].Seeker.IDNumber != ident.MaskID(full.IDNumber) || oc[0].Seeker.Phone != ident.MaskPhone(full.Phone) {
			t.Errorf("officer's candidate %+v %v", oc, err)
		}

		if _, err := s.Apply(ctx, me, sk.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		want := full.IDNumber[:6] + strings.Repeat("*", 11) + full.IDNumber[17:]
		c = candidate()
		if !c.Applied || c.Seeker.Name != full.Name || c.Seeker.Phone != full.Phone || c.Seeker.IDNumber != want {
			t.Errorf("applied candidate %+v", c.Seeker)
		}
		v, err := s.Seeker(ctx, f.Boss, sk.ID, "")
		if err != nil || v.Name != full.Name || v.IDNumber != want {
			t.Errorf("applicant's record: %+v %v", v, err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
