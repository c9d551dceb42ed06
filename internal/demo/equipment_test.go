package demo_test

import (
	"context"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/equipment"
	"easyjob/internal/store/storetest"
)

// The equipment demo: a few hundred instruments, a week of bookings, recorded uses, an
// awarded challenge paid its first part and a published one, and the three accounts.
func TestEquipmentDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		s, _ := storetest.NewStore(t, k)
		o := opts()
		o.Equipment = true
		sum := mustLoad(t, s, o)
		if n := count(t, s, `SELECT COUNT(*) FROM equipment_instruments`); n != 300 {
			t.Errorf("%d instruments", n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM equipment_bookings WHERE start_at > $1`, easyjob.Millis(storetest.Start)); n < 30 {
			t.Errorf("%d bookings in the coming week", n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM equipment_usage WHERE end_at > 0`); n < 5 {
			t.Errorf("%d recorded uses", n)
		}
		found := map[string]bool{}
		for _, a := range sum.Accounts {
			found[a.Username] = true
		}
		for _, u := range []string{"demo-researcher", "demo-lab", "demo-expert", "demo-officer"} {
			if !found[u] {
				t.Errorf("no account %s", u)
			}
		}
		sv := equipment.New(s)
		cs, err := sv.Challenges(context.Background(), easyjob.Actor{}, false)
		if err != nil || len(cs) != 2 || cs[1].Status != "awarded" || cs[0].Status != "published" || len(cs[1].Entries) != 1 {
			t.Fatalf("challenges %+v %v", cs, err)
		}
		if e := cs[1].Entries[0]; e.Award != 7_500_000 || e.Paid != 2_000_000 {
			t.Errorf("awarded %+v", e)
		}
	})
}
