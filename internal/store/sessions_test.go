package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// #11: sessions are answered from memory, and a logout in one process is
// refused at once in another, as is an account change (a seeker's new
// profile) seen at once — on both databases. The second store has its own
// connections and memory: to the database it is another process.
func TestSessionCacheFollowsOtherProcesses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f, url := fixtureURL(t, k)
		s2 := otherProcess(t, f, url)

		tok, _, err := f.S.Login(ctx, "city", "city-password", "api")
		if err != nil {
			t.Fatal(err)
		}
		for range 3 { // the first from the database, then from memory
			if u, err := s2.Session(ctx, tok); err != nil || u.ID != f.City.UserID {
				t.Fatalf("session in the second process: %+v %v", u, err)
			}
		}
		other, _, err := f.S.Login(ctx, "city", "city-password", "api")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s2.Session(ctx, other); err != nil {
			t.Fatal(err)
		}
		if err := f.S.Logout(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if u, err := s2.Session(ctx, tok); easyjob.ErrorCode(err) != easyjob.EUNAUTHORIZED {
			t.Fatalf("logged out in the first process, still served by the second: %+v %v", u, err)
		}
		if _, err := f.S.Session(ctx, tok); easyjob.ErrorCode(err) != easyjob.EUNAUTHORIZED {
			t.Fatalf("logged out, still served by the first: %v", err)
		}
		if u, err := s2.Session(ctx, other); err != nil || u.ID != f.City.UserID {
			t.Fatalf("the other session of the same account ended too: %v", err)
		}

		// A seeker signs in with a code (no profile yet), then makes the
		// profile through the first process: the second sees it at once.
		in := storetest.SeekerInput()
		phone := in.Phone
		if err := f.S.RequestCode(ctx, phone); err != nil {
			t.Fatal(err)
		}
		stok, su, err := f.S.LoginWithCode(ctx, phone, codeIn(t, f.S, phone), "api")
		if err != nil {
			t.Fatal(err)
		}
		if u, err := s2.Session(ctx, stok); err != nil || u.SeekerID != 0 {
			t.Fatalf("before the profile: %+v %v", u, err)
		}
		me := easyjob.Actor{UserID: su.ID, Role: easyjob.RoleSeeker}
		sk, err := f.S.CreateProfile(ctx, me, in)
		if err != nil {
			t.Fatal(err)
		}
		if u, err := s2.Session(ctx, stok); err != nil || u.SeekerID != sk.ID {
			t.Fatalf("profile made in the first process, the second still serves the account without it: %+v %v", u, err)
		}

		// A session past its expiry is refused even from memory.
		f.Clock.Advance(store.SessionTTLAPI + time.Second)
		if _, err := s2.Session(ctx, other); easyjob.ErrorCode(err) != easyjob.EUNAUTHORIZED {
			t.Fatalf("expired session served: %v", err)
		}
	})
}

// #11: a published posting's detail comes from the matching index; it must
// equal what the database says, also after an application changes its
// counters and after the posting is closed.
func TestPostingFromMemoryEqualsDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		p := f.Published(t, 3)
		seeker, me := f.Seeker(t)
		mustMatching(t, f.S)
		fromDB := func() easyjob.Posting {
			t.Helper()
			pg, err := f.S.Postings(ctx, f.Boss, store.PostingFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range pg.Items {
				if x.ID == p.ID {
					return x
				}
			}
			t.Fatal("posting not listed")
			return easyjob.Posting{}
		}
		same := func(when string) {
			t.Helper()
			got, err := f.S.Posting(ctx, easyjob.Actor{}, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := fromDB(); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: detail %+v\ndatabase %+v", when, got, want)
			}
		}
		same("published")
		if _, err := f.S.Apply(ctx, me, seeker.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		same("after an application")
		if got, _ := f.S.Posting(ctx, easyjob.Actor{}, p.ID); got.Pending != 1 {
			t.Fatalf("pending after an application: %d", got.Pending)
		}
		if _, err := f.S.ClosePosting(ctx, f.Boss, p.ID); err != nil {
			t.Fatal(err)
		}
		same("closed")
	})
}
