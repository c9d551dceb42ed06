package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// #11: the poll recounts an employer's villagers only for applications in
// a state that counts, and follows an application once per change; a
// worker's arrival through one process still shows, within a second, as a
// fellow villager in another process's recommendations — and leaving
// takes it away again. Both databases.
func TestVillagersReachOtherProcesses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f, url := fixtureURL(t, k)
		p := f.Published(t, 3)
		mustMatching(t, f.S)
		s2 := otherProcess(t, f, url)
		mustMatching(t, s2)

		worker, wme := f.Seeker(t)
		other, ome := f.Seeker(t) // the same county (the fixture's station)
		villagers := func() string {
			t.Helper()
			recs, err := s2.Recommendations(ctx, ome, other.ID, 20)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs {
				if r.Posting.ID != p.ID {
					continue
				}
				for _, x := range r.Reasons {
					if x.Key == "reason.villagers" {
						return fmt.Sprint(x.Args["n"])
					}
				}
				return "none"
			}
			return "not recommended"
		}
		within := func(want string) {
			t.Helper()
			deadline := time.Now().Add(time.Second)
			for got := villagers(); got != want; got = villagers() {
				if time.Now().After(deadline) {
					t.Fatalf("villagers in the other process: %s, want %s within 1 s", got, want)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		within("none")
		app, err := f.S.Apply(ctx, wme, worker.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			a    easyjob.Actor
			move store.Move
		}{
			{f.Boss, store.Move{To: easyjob.StateOffered, StartDate: easyjob.DateOf(f.Clock.Now()).AddDays(7), Pay: 5200}},
			{wme, store.Move{To: easyjob.StateAccepted}},
			{f.Station, store.Move{To: easyjob.StateDeparted}},
			{f.Boss, store.Move{To: easyjob.StateArrived}},
		}
		for _, st := range steps {
			if _, err := f.S.Transition(ctx, st.a, app.ID, st.move); err != nil {
				t.Fatalf("%s: %v", st.move.To, err)
			}
		}
		within("1")
		if _, err := f.S.Transition(ctx, f.Boss, app.ID, store.Move{To: easyjob.StateLeft, Reason: "回乡"}); err != nil {
			t.Fatal(err)
		}
		within("none")
	})
}
