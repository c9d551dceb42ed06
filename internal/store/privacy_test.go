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

// TestEmployerContactAndReviews: an employer's contact person and phone are
// for its own accounts, officers of its district and its applicants; review
// comments for officers of the district and the employer concerned. The
// phone is sealed at rest, and SealContactPhones seals rows written in
// plain text (before migration 00007, or by a bulk loader).
func TestEmployerContactAndReviews(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		x := f.Employer
		in := storetest.EmployerInput()
		in.CreditCode, in.Name, in.ContactName, in.ContactPhone = ident.GenerateCreditCode("9144030735912997"), "深圳市另一家有限公司", "李主管", "13900139000"
		y, yu, err := s.RegisterEmployer(ctx, store.EmployerSignup{EmployerInput: in, Username: "other", Password: "other-password"})
		if err != nil {
			t.Fatal(err)
		}
		other := store.ActorOf(yu, "zh-CN")
		if _, err := s.VerifyEmployer(ctx, f.Longgang, y.ID, "reject", "营业执照照片看不清"); err != nil {
			t.Fatal(err)
		}
		p, err := s.CreatePosting(ctx, f.Boss, x.ID, f.PostingInput())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReviewPosting(ctx, f.Longgang, p.ID, "approve", "注意加班费写法"); err != nil {
			t.Fatal(err)
		}
		applicant, ame := f.Seeker(t)
		_, stranger := f.Seeker(t)
		if _, err := s.Apply(ctx, ame, applicant.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			who     string
			a       easyjob.Actor
			emp     easyjob.Employer
			contact bool
			reviews bool
		}{
			{"the employer itself", f.Boss, x, true, true},
			{"another employer", other, x, false, false},
			{"an employer reading a rejected one", f.Boss, y, false, false},
			{"the rejected employer itself", other, y, true, true},
			{"the district officer", f.Longgang, x, true, true},
			{"the city", f.City, y, true, true},
			{"a station officer", f.Station, x, false, false},
			{"an applicant", ame, x, true, false},
			{"a seeker who has not applied", stranger, x, false, false},
		} {
			e, err := s.EmployerFor(ctx, tc.a, tc.emp.ID)
			if err != nil || e.Name != tc.emp.Name {
				t.Fatalf("%s: %+v %v", tc.who, e, err)
			}
			if got := e.ContactPhone != "" && e.ContactName != ""; got != tc.contact {
				t.Errorf("%s sees the contact %q %q; want %v", tc.who, e.ContactName, e.ContactPhone, tc.contact)
			}
			if tc.contact && e.ContactPhone != tc.emp.ContactPhone {
				t.Errorf("%s: phone %q, want %q", tc.who, e.ContactPhone, tc.emp.ContactPhone)
			}
			subjects := map[string]int64{"employer": tc.emp.ID}
			if tc.emp.ID == x.ID {
				subjects["posting"] = p.ID
			}
			for subject, id := range subjects {
				rs, err := s.Reviews(ctx, tc.a, subject, id)
				if tc.reviews && (err != nil || len(rs) == 0 || rs[len(rs)-1].Comment == "" && subject == "posting") {
					t.Errorf("%s: %s reviews %+v %v", tc.who, subject, rs, err)
				}
				if !tc.reviews && code(err) != easyjob.EFORBIDDEN {
					t.Errorf("%s reads %s reviews: %+v %v", tc.who, subject, rs, err)
				}
			}
		}

		// At rest: no phone in plain text.
		plainRows := func() int {
			var n int
			s.DB.R.QueryRow(`SELECT COUNT(*) FROM employers WHERE contact_phone <> '' OR contact_phone_cipher IS NULL`).Scan(&n)
			return n
		}
		rows, err := s.DB.R.Query(`SELECT contact_phone_cipher FROM employers`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var b []byte
			rows.Scan(&b)
			if strings.Contains(string(b), x.ContactPhone) || strings.Contains(string(b), y.ContactPhone) {
				t.Error("a contact phone in plain text in contact_phone_cipher")
			}
		}
		rows.Close()
		if n := plainRows(); n != 0 {
			t.Fatalf("%d employers with a plain contact phone", n)
		}
		// A row as written before the migration, then sealed by the Go step.
		if _, err := s.DB.W.Exec(`UPDATE employers SET contact_phone = '13700137000', contact_phone_cipher = NULL WHERE id = $1`, y.ID); err != nil {
			t.Fatal(err)
		}
		if e, _ := s.Employer(ctx, y.ID); e.ContactPhone != "13700137000" {
			t.Fatalf("unsealed row reads %q", e.ContactPhone)
		}
		if n, err := s.SealContactPhones(ctx); err != nil || n != 1 {
			t.Fatalf("sealed %d, %v", n, err)
		}
		if n, err := s.SealContactPhones(ctx); err != nil || n != 0 {
			t.Fatalf("sealed again %d, %v", n, err)
		}
		if e, _ := s.Employer(ctx, y.ID); e.ContactPhone != "13700137000" || plainRows() != 0 {
			t.Fatalf("sealed row reads %q; %d plain", e.ContactPhone, plainRows())
		}
	})
}
