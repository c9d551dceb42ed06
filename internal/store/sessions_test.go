package store_test

import (
	"context"
	"io"
	"log/slog"
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
		db2, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		s2 := store.New(db2, f.S.Sealer, slog.New(slog.NewTextHandler(io.Discard, nil)))
		s2.Clock = f.Clock

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
