package store_test

import (
	"context"
	"sync"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// TestMatchDayDrop: a dropped proposal is never converted; a drop and a
// conversion racing on the same proposal cannot both win; the list of runs
// and the proposals carry what a reviewer needs.
func TestMatchDayDrop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		p := f.Published(t, 3)
		for range 3 {
			f.Seeker(t)
		}
		mustMatching(t, f.S)
		day := easyjob.DateOf(f.Clock.Now()).AddDays(5)
		run, err := f.S.ProposeMatchDay(ctx, f.Station, "451026", day)
		if err != nil || len(run.Proposals) != 3 {
			t.Fatalf("run %+v %v", run, err)
		}
		if x := run.Proposals[0]; x.SeekerName == "" || x.PostingTitle != p.Title || x.County != "451026" {
			t.Fatalf("proposal for review %+v", x)
		}
		runs, err := f.S.MatchRuns(ctx, f.Station)
		if err != nil || len(runs) != 1 || runs[0].Open != 3 {
			t.Fatalf("runs %+v %v", runs, err)
		}
		if _, err := f.S.DropProposals(ctx, f.Station, run.ID, []int64{999999}); code(err) != easyjob.EINVALID {
			t.Fatalf("foreign id: %v", err)
		}
		n, err := f.S.DropProposals(ctx, f.Station, run.ID, []int64{run.Proposals[0].ID})
		if err != nil || n != 1 {
			t.Fatalf("drop %d %v", n, err)
		}
		// Race a drop and a conversion of the second proposal.
		second := run.Proposals[1].ID
		var wg sync.WaitGroup
		var dropped int
		var conv store.ConvertResult
		wg.Add(2)
		go func() { defer wg.Done(); dropped, _ = f.S.DropProposals(ctx, f.Station, run.ID, []int64{second}) }()
		go func() { defer wg.Done(); conv, _ = f.S.ConvertProposals(ctx, f.Station, run.ID, []int64{second}) }()
		wg.Wait()
		if dropped+conv.Converted+conv.Failed != 1 {
			t.Fatalf("both won: dropped %d, converted %+v", dropped, conv)
		}
		res, err := f.S.ConvertProposals(ctx, f.Station, run.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := f.S.MatchRun(ctx, f.Station, run.ID)
		if got.Proposals[0].Status != store.ProposalDropped || got.Proposals[0].ApplicationID != 0 {
			t.Fatalf("dropped one converted: %+v (%+v)", got.Proposals[0], res)
		}
		if got.Proposals[2].Status != store.ProposalConverted {
			t.Fatalf("third %+v", got.Proposals[2])
		}
	})
}

// TestPolicyPreview: the preview ranks a sample seeker's list under other
// weights without saving them.
func TestPolicyPreview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		f.Published(t, 3)
		f.Published(t, 2)
		sk, _ := f.Seeker(t)
		mustMatching(t, f.S)
		before, err := f.S.MatchPolicy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		in := before
		in.TwinnedWeight = 2
		lines, err := f.S.PolicyPreview(ctx, f.Station, sk.ID, in, 10)
		if err != nil || len(lines) != 2 {
			t.Fatalf("preview %+v %v", lines, err)
		}
		for _, l := range lines {
			if l.NewScore <= l.OldScore || l.NewRank == 0 {
				t.Errorf("a twinned seeker's scores rise: %+v", l)
			}
		}
		if after, _ := f.S.MatchPolicy(ctx); after != before {
			t.Fatalf("preview saved: %+v", after)
		}
		in.PoorWeight = 11
		if _, err := f.S.PolicyPreview(ctx, f.Station, sk.ID, in, 10); fieldsOf(err)["poor_weight"].Key == "" {
			t.Fatalf("range: %v", err)
		}
		if _, err := f.S.PolicyPreview(ctx, f.Boss, sk.ID, before, 10); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("employer: %v", err)
		}
	})
}
