package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

func errCode(err error) string {
	var de *easyjob.Error
	if errors.As(err, &de) {
		return de.Code
	}
	return ""
}

// TestInvitations: an employer invites a candidate by the opaque reference
// of its ranked list; the seeker sees the invitation, applies (the normal
// Apply closes it) or declines; one invitation per posting and seeker; a
// reference made for one posting is no use on another; the candidate stays
// anonymous until they apply.
func TestInvitations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		p := f.Published(t, 3)
		other := f.Published(t, 3)
		sk, me := f.Seeker(t)
		mustMatching(t, s)
		cs, err := s.Candidates(ctx, f.Boss, p.ID, 10)
		if err != nil || len(cs) != 1 || cs[0].Ref == "" || cs[0].Invited != "" {
			t.Fatalf("candidates %+v %v", cs, err)
		}
		ref := cs[0].Ref
		if strings.Contains(ref, sk.Name) || strings.Contains(ref, sk.Phone) {
			t.Fatalf("the reference names the seeker: %s", ref)
		}
		if err := s.Invite(ctx, f.Boss, other.ID, ref); errCode(err) != easyjob.EINVALID {
			t.Fatalf("a reference on another posting: %v", err)
		}
		if err := s.Invite(ctx, f.Boss, p.ID, "not-a-ref"); errCode(err) != easyjob.EINVALID {
			t.Fatalf("a made-up reference: %v", err)
		}
		if err := s.Invite(ctx, me, p.ID, ref); errCode(err) != easyjob.EFORBIDDEN {
			t.Fatalf("a seeker inviting: %v", err)
		}
		if err := s.Invite(ctx, f.Boss, p.ID, ref); err != nil {
			t.Fatal(err)
		}
		if err := s.Invite(ctx, f.Boss, p.ID, ref); errCode(err) != easyjob.ECONFLICT {
			t.Fatalf("a second invitation: %v", err)
		}
		cs, _ = s.Candidates(ctx, f.Boss, p.ID, 10)
		if len(cs) != 1 || cs[0].Invited != store.InvitationOpen || cs[0].Seeker.Phone != "" || !cs[0].Seeker.Masked {
			t.Fatalf("after inviting: %+v", cs)
		}
		msgs, err := s.Outbox(ctx, sk.Phone, 1)
		if err != nil || len(msgs) == 0 || !strings.Contains(msgs[0].Body, p.Title) {
			t.Fatalf("the seeker's text message: %+v %v", msgs, err)
		}
		inv, err := s.MyInvitations(ctx, me)
		if err != nil || len(inv) != 1 || inv[0].PostingID != p.ID || !inv[0].Status.Open() {
			t.Fatalf("the seeker's invitations: %+v %v", inv, err)
		}
		if _, err := s.Apply(ctx, me, sk.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		if inv, _ = s.MyInvitations(ctx, me); len(inv) != 0 {
			t.Fatalf("applied, still open: %+v", inv)
		}
		cs, _ = s.Candidates(ctx, f.Boss, p.ID, 10)
		if len(cs) == 1 && (cs[0].Invited != store.InvitationApplied || cs[0].Ref != "") {
			t.Fatalf("after applying: %+v", cs)
		}

		// A second seeker declines.
		sk2, me2 := f.Seeker(t)
		ref2, _ := s.CandidateRef(other.ID, sk2.ID)
		if err := s.Invite(ctx, f.Boss, other.ID, ref2); err != nil {
			t.Fatal(err)
		}
		inv, _ = s.MyInvitations(ctx, me2)
		if len(inv) != 1 {
			t.Fatalf("second seeker's invitations: %+v", inv)
		}
		if err := s.DeclineInvitation(ctx, me, inv[0].ID); errCode(err) != easyjob.ENOTFOUND {
			t.Fatalf("declining someone else's invitation: %v", err)
		}
		if err := s.DeclineInvitation(ctx, me2, inv[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeclineInvitation(ctx, me2, inv[0].ID); errCode(err) != easyjob.ECONFLICT {
			t.Fatalf("declining twice: %v", err)
		}
		if err := s.Invite(ctx, f.Boss, other.ID, ref2); errCode(err) != easyjob.ECONFLICT {
			t.Fatalf("inviting again after a decline: %v", err)
		}
	})
}

// TestInvitationsDailyLimitUnderConcurrency: an employer's invitations of a
// day stop at the limit however many are sent at once.
func TestInvitationsDailyLimitUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		s.InvitationsPerDay = 3
		p := f.Published(t, 20)
		var refs []string
		for range 8 {
			sk, _ := f.Seeker(t)
			ref, err := s.CandidateRef(p.ID, sk.ID)
			if err != nil {
				t.Fatal(err)
			}
			refs = append(refs, ref)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, limited := 0, 0
		for _, ref := range refs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := s.Invite(ctx, f.Boss, p.ID, ref)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errCode(err) == easyjob.ERATELIMIT:
					limited++
				default:
					t.Errorf("invite: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok != 3 || limited != 5 {
			t.Fatalf("sent %d, limited %d; want 3 and 5", ok, limited)
		}
		f.Clock.Advance(24 * 60 * 60 * 1e9)
		sk, _ := f.Seeker(t)
		ref, _ := s.CandidateRef(p.ID, sk.ID)
		if err := s.Invite(ctx, f.Boss, p.ID, ref); err != nil {
			t.Fatalf("the next day: %v", err)
		}
	})
}
