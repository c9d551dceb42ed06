package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// TestCandidatesFromMemoryEqualDatabase: candidates answered from the
// matching index's memory (the posting's owner, the masked seekers, who
// applied to the employer) equal the answer read from the database, for
// the employer and for officers, on several postings — before any
// application, after one made in another process (once this one has
// polled), after one made in this process (at once), and after a seeker's
// profile changed in another process.
func TestCandidatesFromMemoryEqualDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f, url := fixtureURL(t, k)
		var posts []easyjob.Posting
		for i := range 3 {
			posts = append(posts, f.Published(t, 5+i))
		}
		var seekers []easyjob.Seeker
		var actors []easyjob.Actor
		for range 6 {
			s, a := f.Seeker(t)
			seekers, actors = append(seekers, s), append(actors, a)
		}
		m := mustMatching(t, f.S)
		other := otherProcess(t, f, url)
		mustMatching(t, other)
		deadline := time.Now().Add(10 * time.Second)
		for !m.AppliedRead() {
			if time.Now().After(deadline) {
				t.Fatal("who applied where is not read after 10 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
		// ref stands for the opened reference: each one is sealed afresh.
		norm := func(p easyjob.Posting, cs []store.Candidate) []store.Candidate {
			t.Helper()
			for i := range cs {
				if cs[i].Ref != "" {
					id, err := f.S.CandidateOf(p.ID, cs[i].Ref)
					if err != nil {
						t.Fatal(err)
					}
					cs[i].Ref = fmt.Sprint("seeker ", id)
				}
			}
			return cs
		}
		same := func(when string) (applied int) {
			t.Helper()
			for _, a := range []easyjob.Actor{f.Boss, f.Longgang, f.City} {
				for _, p := range posts {
					mem, err := f.S.Candidates(ctx, a, p.ID, 20)
					if err != nil {
						t.Fatal(err)
					}
					db, err := f.S.CandidatesFromDatabase(ctx, a, p.ID, 20)
					if err != nil {
						t.Fatal(err)
					}
					mem, db = norm(p, mem), norm(p, db)
					if len(db) == 0 {
						t.Fatalf("%s: no candidates for posting %d", when, p.ID)
					}
					if !reflect.DeepEqual(mem, db) {
						t.Fatalf("%s, %s, posting %d:\nmemory   %+v\ndatabase %+v", when, a.Role, p.ID, mem, db)
					}
					for _, c := range mem {
						if c.Applied && a.Role == easyjob.RoleEmployer {
							applied++
						}
					}
				}
			}
			return applied
		}
		if n := same("before any application"); n != 0 {
			t.Fatalf("applied before any application: %d", n)
		}
		// Another process records an application: this one follows it on
		// its poll, and the employer now sees that seeker's contact on its
		// other postings too.
		if _, err := other.Apply(ctx, actors[0], seekers[0].ID, posts[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := m.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if n := same("after an application in another process"); n == 0 {
			t.Fatal("the application made in another process shows nowhere")
		}
		// One made here shows at once, without a poll.
		if _, err := f.S.Apply(ctx, actors[1], seekers[1].ID, posts[1].ID); err != nil {
			t.Fatal(err)
		}
		before := same("after an application in this process")
		// A profile changed in another process: the masked seeker held in
		// memory is read again.
		if err := other.SetPoor(ctx, f.Station, seekers[2].ID, true); err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(time.Millisecond)
		if err := m.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if n := same("after a profile changed in another process"); n != before {
			t.Fatalf("applied %d, then %d", before, n)
		}
	})
}
