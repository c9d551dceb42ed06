package store_test

import (
	"context"
	"sync"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/store/storetest"
)

// TestOneInvitationUnderConcurrency: the same candidate invited to the
// same posting many times at once (two staff of the employer tapping
// together, a double submit) gets one invitation and one text message; the
// others are told it is a duplicate and count nothing against the day's
// limit. The unique index invitations_posting_seeker holds it: Invite
// does not look for an earlier invitation before it inserts.
func TestOneInvitationUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		p := f.Published(t, 5)
		sk, _ := f.Seeker(t)
		ref, err := s.CandidateRef(p.ID, sk.ID)
		if err != nil {
			t.Fatal(err)
		}
		const n = 8
		start := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, dup := 0, 0
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				err := s.Invite(ctx, f.Boss, p.ID, ref)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errCode(err) == easyjob.ECONFLICT:
					dup++
				default:
					t.Errorf("invite: %v", err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if ok != 1 || dup != n-1 {
			t.Fatalf("%d invitations sent, %d refused as duplicates; want 1 and %d", ok, dup, n-1)
		}
		var rows, quota, texts int
		if err := s.DB.R.QueryRow(`SELECT COUNT(*) FROM invitations WHERE posting_id = $1 AND seeker_id = $2`, p.ID, sk.ID).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if err := s.DB.R.QueryRow(`SELECT COALESCE(SUM(n), 0) FROM invitation_quota WHERE employer_id = $1`, p.EmployerID).Scan(&quota); err != nil {
			t.Fatal(err)
		}
		msgs, err := s.Outbox(ctx, sk.Phone, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Subject == "invitation" {
				texts++
			}
		}
		if rows != 1 || quota != 1 || texts != 1 {
			t.Fatalf("%d invitation rows, %d counted against the day, %d texts; want one of each", rows, quota, texts)
		}
	})
}
