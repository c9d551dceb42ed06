package match_test

import (
	"fmt"
	"time"

	"easyjob/internal/match"
)

func ExampleIndex_Recommend() {
	today := match.DateOf(time.Date(2020, 2, 20, 0, 0, 0, 0, time.UTC))
	ix := match.NewIndex()
	err := ix.Bulk(func(b *match.Builder) error {
		postings := []match.Posting{
			{ID: 1, EmployerID: 7, Occupation: "6-25-04-07", District: "440307", PayMin: 5500, Dorm: true, Meals: true,
				Verified: true, StartDate: today + 3, Headcount: 20, Filled: 5, Pending: 2, Open: true, PublishedAt: today - 1},
			{ID: 2, EmployerID: 8, Occupation: "6-25-04-08", District: "440306", PayMin: 4200, Dorm: true,
				StartDate: today + 10, Headcount: 5, Filled: 0, Pending: 9, Open: true, PublishedAt: today - 20},
			{ID: 3, EmployerID: 9, Occupation: "4-03-02-05", District: "440305", PayMin: 6000,
				StartDate: today + 1, Headcount: 3, Open: true, PublishedAt: today},
		}
		for _, p := range postings {
			if err := b.UpsertPosting(p); err != nil {
				return err
			}
		}
		return b.SetVillagers(7, "451026", 3)
	})
	if err != nil {
		panic(err)
	}
	seeker := match.Seeker{ID: 100, Trades: []string{"6-25-04-07"}, ExpectedPay: 4500, WantsDorm: true, WantsMeals: true,
		AvailableFrom: today, Age: 30, County: "451026", Poor: true, Twinned: true, Active: true}
	recs, err := ix.Recommend(seeker, today, 10)
	if err != nil {
		panic(err)
	}
	for _, r := range recs {
		fmt.Printf("posting %d score %.2f\n", r.PostingID, r.Score)
		for _, why := range r.Reasons {
			fmt.Println("  ", why.Key, why.Args)
		}
	}
	// Output:
	// posting 1 score 12.19
	//    reason.trade_same map[occupation:6-25-04-07]
	//    reason.pay_above map[expected:4500 pay:5500]
	//    reason.dorm_meals map[]
	//    reason.verified map[]
	//    reason.starts_in map[days:3]
	//    reason.villagers map[n:3]
	//    reason.fresh map[days:1]
	//    reason.policy_poor map[]
	//    reason.policy_twinned map[]
	// posting 2 score 3.32
	//    reason.trade_related map[level:minor occupation:6-25-04-08]
	//    reason.starts_in map[days:10]
	//    reason.dorm map[]
	//    reason.policy_poor map[]
	//    reason.policy_twinned map[]
	//    reason.pay_below map[expected:4500 pay:4200]
	//    reason.amenity_lacks map[dorm:false meals:true]
	//    reason.crowded map[pending:9 remaining:5]
}
