package goodwill_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/goodwill"
	"easyjob/internal/ident"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// env is a verified organisation with a staff account, a civil affairs officer, and a
// campaign for community cleaners whose package is two masks and one bottle of sanitiser.
type env struct {
	f        *storetest.Fixture
	g        *goodwill.Service
	staff    easyjob.Actor
	org      goodwill.Org
	pkg      goodwill.Package
	campaign goodwill.Campaign
}

// SocialUSCC is a valid code of a social association registered in Shenzhen.
func SocialUSCC(body string) string { return ident.GenerateCreditCode("51440300" + body) }

func newEnv(t *testing.T, k storetest.Kind) *env {
	t.Helper()
	ctx := context.Background()
	f := storetest.NewFixture(t, k)
	g := goodwill.New(f.S)
	o, u, err := g.Register(ctx, goodwill.OrgSignup{Name: "深圳市慈善会", USCC: SocialUSCC("MJL01234"), District: "440304",
		ContactName: "李干事", Username: "charity", Password: "charity-password"})
	if err != nil {
		t.Fatal(err)
	}
	staff := store.ActorOf(u, "zh-CN")
	if _, err := g.Donate(ctx, staff, goodwill.DonationInput{Kind: goodwill.Money, Donor: "x", AmountFen: 100, IdemKey: "k"}); easyjob.ErrorCode(err) != easyjob.ECONFLICT {
		t.Fatalf("an unverified organisation recorded a donation: %v", err)
	}
	if _, err := g.Review(ctx, f.City, o.ID, "verify", ""); easyjob.ErrorCode(err) != easyjob.EFORBIDDEN {
		t.Fatalf("an officer who is not a verifier verified: %v", err)
	}
	if err := g.SetVerifier(ctx, f.Admin, f.City.UserID); err != nil {
		t.Fatal(err)
	}
	if o, err = g.Review(ctx, f.City, o.ID, "verify", ""); err != nil || !o.Status.Verified() {
		t.Fatalf("verify: %+v %v", o, err)
	}
	e := &env{f: f, g: g, staff: staff, org: o}
	e.pkg, err = g.DefinePackage(ctx, staff, goodwill.PackageInput{Name: "抗疫爱心包", ValueFen: 8800,
		Items: []goodwill.Line{{Item: "口罩", Unit: "只", Qty: 2}, {Item: "消毒液", Unit: "瓶", Qty: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	e.campaign, err = g.CreateCampaign(ctx, staff, goodwill.CampaignInput{Name: "社区保洁员爱心包", Target: 5000,
		Groups: []goodwill.Group{goodwill.GroupCleaners}, PackageID: e.pkg.ID,
		Points: []goodwill.Point{{Name: "福田区慈善会服务站", District: "440304", Address: "福华路 1 号"}}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) donate(t *testing.T, key string, earmark goodwill.Group, masks, sanitiser int64) goodwill.Donation {
	t.Helper()
	d, err := e.g.Donate(context.Background(), e.staff, goodwill.DonationInput{Kind: goodwill.Goods, Donor: "华强电子", Earmark: earmark,
		Lines: []goodwill.Line{{Item: "口罩", Unit: "只", Qty: masks}, {Item: "消毒液", Unit: "瓶", Qty: sanitiser}}, IdemKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (e *env) onHand(t *testing.T) map[string]int64 {
	t.Helper()
	st, err := e.g.Stock(context.Background(), e.staff, e.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, it := range st.Items {
		out[it.Name] = it.OnHand
	}
	for _, p := range st.Packages {
		out["packages:"+p.Campaign] = p.OnHand
	}
	bad, err := e.g.Reconcile(context.Background(), e.org.ID)
	if err != nil || len(bad) > 0 {
		t.Fatalf("the caches differ from the ledger: %v %v", bad, err)
	}
	return out
}

func fieldOf(err error, field string) string {
	var de *easyjob.Error
	if errors.As(err, &de) {
		if m, ok := de.Fields[field]; ok {
			return m.Key
		}
	}
	return ""
}

func TestDonationsAndStock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		e := newEnv(t, k)
		d := e.donate(t, "d1", goodwill.GroupCleaners, 100, 40)
		again := e.donate(t, "d1", goodwill.GroupCleaners, 100, 40) // a double click
		if again.ID != d.ID || again.ReceiptNo != d.ReceiptNo {
			t.Fatalf("the same key recorded twice: %d %d", d.ID, again.ID)
		}
		if got := e.onHand(t); got["口罩"] != 100 || got["消毒液"] != 40 {
			t.Fatalf("stock %v", got)
		}
		// Bad input: a negative quantity, an earmark the campaign does not serve.
		_, err := e.g.Donate(ctx, e.staff, goodwill.DonationInput{Kind: goodwill.Goods, Donor: "某人", IdemKey: "d2",
			Lines: []goodwill.Line{{Item: "口罩", Qty: -5}}})
		if fieldOf(err, "lines[0].qty") != "goodwill.qty_positive" {
			t.Fatalf("negative quantity: %v", err)
		}
		_, err = e.g.Donate(ctx, e.staff, goodwill.DonationInput{Kind: goodwill.Money, Donor: "某人", IdemKey: "d3", AmountFen: 10000,
			Earmark: goodwill.GroupFrontline, CampaignID: e.campaign.ID})
		if fieldOf(err, "earmark") != "goodwill.earmark_mismatch" {
			t.Fatalf("earmark mismatch: %v", err)
		}
		// Writing off more than is on hand: 409, nothing written.
		st, _ := e.g.Stock(ctx, e.staff, e.org.ID)
		masks := st.Items[0].ItemID
		err = e.g.WriteOff(ctx, e.staff, goodwill.WriteOffInput{ItemID: masks, Qty: 101, Reason: "受潮", IdemKey: "w1"})
		if easyjob.ErrorCode(err) != easyjob.ECONFLICT {
			t.Fatalf("write-off over stock: %v", err)
		}
		if err := e.g.WriteOff(ctx, e.staff, goodwill.WriteOffInput{ItemID: masks, Qty: -1, Reason: "受潮", IdemKey: "w1"}); fieldOf(err, "qty") == "" {
			t.Fatalf("negative write-off: %v", err)
		}
		if err := e.g.WriteOff(ctx, e.staff, goodwill.WriteOffInput{ItemID: masks, Qty: 10, Reason: "受潮", IdemKey: "w1"}); err != nil {
			t.Fatal(err)
		}
		if got := e.onHand(t); got["口罩"] != 90 {
			t.Fatalf("after write-off %v", got)
		}
		// Corrections are reversing entries: the write-off was a mistake.
		moves, err := e.g.Moves(ctx, e.staff, e.org.ID, 10)
		if err != nil || moves[0].Kind != goodwill.MoveWrittenOff {
			t.Fatalf("moves %+v %v", moves, err)
		}
		if err := e.g.Reverse(ctx, e.staff, moves[0].ID, "数错了", "r1"); err != nil {
			t.Fatal(err)
		}
		if err := e.g.Reverse(ctx, e.staff, moves[0].ID, "数错了", "r2"); easyjob.ErrorCode(err) != easyjob.ECONFLICT {
			t.Fatalf("reversed twice: %v", err)
		}
		if got := e.onHand(t); got["口罩"] != 100 {
			t.Fatalf("after reversal %v", got)
		}
		// Assembling more than the stock holds: 409 naming the item, nothing written.
		_, err = e.g.Assemble(ctx, e.staff, e.campaign.ID, 41, "a1")
		if easyjob.ErrorCode(err) != easyjob.ECONFLICT || !strings.Contains(fmt.Sprint(err), "stock_short") {
			t.Fatalf("assemble over stock: %v", err)
		}
		if got := e.onHand(t); got["口罩"] != 100 || got["消毒液"] != 40 || got["packages:社区保洁员爱心包"] != 0 {
			t.Fatalf("a refused assembly wrote: %v", got)
		}
		// Goods earmarked for frontline workers are not used for the cleaners' campaign.
		e.donate(t, "d4", goodwill.GroupFrontline, 1000, 1000)
		if _, err := e.g.Assemble(ctx, e.staff, e.campaign.ID, 41, "a1"); easyjob.ErrorCode(err) != easyjob.ECONFLICT {
			t.Fatalf("frontline goods went to cleaners: %v", err)
		}
		x, err := e.g.Assemble(ctx, e.staff, e.campaign.ID, 40, "a2")
		if err != nil || x.Count != 40 {
			t.Fatalf("assemble: %+v %v", x, err)
		}
		if got := e.onHand(t); got["口罩"] != 1020 || got["消毒液"] != 1000 || got["packages:社区保洁员爱心包"] != 40 {
			t.Fatalf("after assembly %v", got)
		}
		// The receipt of goods already used cannot be reversed.
		moves, _ = e.g.Moves(ctx, e.staff, e.org.ID, 100)
		for _, m := range moves {
			if m.Kind == goodwill.MoveReceived && m.Item == "消毒液" && m.Qty == 40 {
				if err := e.g.Reverse(ctx, e.staff, m.ID, "录错", "r3"); easyjob.ErrorCode(err) != easyjob.ECONFLICT {
					t.Fatalf("reversed a receipt already used: %v", err)
				}
			}
		}
		// The donor's page: where the gift went.
		if _, err := e.g.Trace(ctx, d.ReceiptNo, "wrong"); easyjob.ErrorCode(err) != easyjob.ENOTFOUND {
			t.Fatalf("trace without the key: %v", err)
		}
		tr, err := e.g.Trace(ctx, d.ReceiptNo, d.ReceiptKey)
		if err != nil || len(tr.Lines) != 2 || len(tr.Lines[0].Campaigns) != 1 || tr.Lines[0].Campaigns[0].Qty != 80 || tr.Lines[0].Campaigns[0].Packages != 40 {
			t.Fatalf("trace %+v %v", tr, err)
		}
	})
}

// recipients registers n cleaners of one unit; person i has an ID number and a phone.
func (e *env) recipients(t *testing.T, n int) []goodwill.Recipient {
	t.Helper()
	ctx := context.Background()
	rows := [][]string{{"姓名", "身份证号", "手机号", "人群"}}
	for i := range n {
		rows = append(rows, []string{fmt.Sprintf("保洁员%d", i), ident.GenerateResidentID("440304", time.Date(1975, 1, 1+i, 0, 0, 0, 0, time.UTC), i%90+1, true),
			fmt.Sprintf("1391234%04d", i), "社区保洁员"})
	}
	if _, err := e.g.ImportRecipients(ctx, e.staff, e.campaign.ID, goodwill.UnitInput{Name: "福田物业", Kind: "property", District: "440304"}, rows); err != nil {
		t.Fatal(err)
	}
	rs, err := e.g.Recipients(ctx, e.staff, e.campaign.ID, 0)
	if err != nil || len(rs) != n {
		t.Fatalf("recipients %d %v", len(rs), err)
	}
	return rs
}

func TestImportAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		e := newEnv(t, k)
		good := ident.GenerateResidentID("440304", time.Date(1980, 5, 5, 0, 0, 0, 0, time.UTC), 3, false)
		rows := [][]string{
			{"姓名", "身份证号", "手机号", "人群"},
			{"王芳", good, "13912340000", "社区保洁员"},
			{"张伟", "440304198005051234", "", "社区保洁员"}, // a bad check digit
			{"李娜", "", "", "社区保洁员"},                   // neither number
			{"赵敏", "", "13912340001", "一线防疫人员"},       // a group the campaign does not serve
			{"王芳", good, "", "社区保洁员"},                 // twice in the file
		}
		_, err := e.g.ImportRecipients(ctx, e.staff, e.campaign.ID, goodwill.UnitInput{Name: "福田物业", Kind: "property", District: "440304"}, rows)
		var de *easyjob.Error
		if !errors.As(err, &de) || de.Code != easyjob.EINVALID {
			t.Fatalf("bad rows: %v", err)
		}
		for _, want := range []string{"row 3 · B 身份证号", "row 4 · B 身份证号", "row 5 · D 人群", "row 6 · B 身份证号"} {
			if _, ok := de.Fields[want]; !ok {
				t.Errorf("no error at %q: %v", want, de.Fields)
			}
		}
		if rs, _ := e.g.Recipients(ctx, e.staff, e.campaign.ID, 0); len(rs) != 0 {
			t.Fatalf("a refused import wrote %d recipients", len(rs))
		}
		if _, err := e.g.ImportRecipients(ctx, e.staff, e.campaign.ID, goodwill.UnitInput{Name: "福田物业", Kind: "property", District: "440304"}, rows[:2]); err != nil {
			t.Fatal(err)
		}
		if _, err := e.g.ImportRecipients(ctx, e.staff, e.campaign.ID, goodwill.UnitInput{Name: "另一物业", Kind: "property", District: "440304"}, rows[:2]); fieldOf(err, "row 2 · B 身份证号") != "goodwill.import.registered" {
			t.Fatalf("registered twice: %v", err)
		}
	})
}

// TestStockNeverNegative races assemblies and write-offs for the last goods on both
// databases: exactly what the stock holds is taken, never more.
func TestStockNeverNegative(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		e := newEnv(t, k)
		e.donate(t, "d1", goodwill.GroupCleaners, 12, 6) // 6 packages' worth
		e.donate(t, "d2", "", 8, 4)                      // 4 more, general
		st, _ := e.g.Stock(ctx, e.staff, e.org.ID)
		masks := st.Items[0].ItemID
		const n = 16
		var wg sync.WaitGroup
		var mu sync.Mutex
		made, wrote, refused := 0, 0, 0
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				if i%4 == 3 {
					err = e.g.WriteOff(ctx, e.staff, goodwill.WriteOffInput{ItemID: masks, Qty: 2, Reason: "破损", IdemKey: fmt.Sprintf("w%d", i)})
				} else {
					_, err = e.g.Assemble(ctx, e.staff, e.campaign.ID, 1, fmt.Sprintf("a%d", i))
				}
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && i%4 == 3:
					wrote++
				case err == nil:
					made++
				case easyjob.ErrorCode(err) == easyjob.ECONFLICT:
					refused++
				default:
					t.Errorf("%d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		got := e.onHand(t)
		if got["口罩"] < 0 || got["消毒液"] < 0 || int64(made)*2+int64(wrote)*2+got["口罩"] != 20 || int64(made)+got["消毒液"] != 10 {
			t.Fatalf("made %d, wrote off %d, refused %d, left %v", made, wrote, refused, got)
		}
		if got["口罩"] >= 2 && got["消毒液"] >= 1 {
			t.Fatalf("refused while there was stock: made %d, wrote %d, left %v", made, wrote, got)
		}
	})
}

// TestOnePackagePerPerson races hand-overs to the same people on both databases.
func TestOnePackagePerPerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		e := newEnv(t, k)
		e.donate(t, "d1", goodwill.GroupCleaners, 20, 10)
		if _, err := e.g.Assemble(ctx, e.staff, e.campaign.ID, 10, "a1"); err != nil {
			t.Fatal(err)
		}
		rs := e.recipients(t, 3)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := map[int64]int{}
		for i := range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rs[i%3]
				_, err := e.g.Handover(ctx, e.staff, e.campaign.ID, goodwill.HandoverInput{RecipientID: r.ID})
				mu.Lock()
				defer mu.Unlock()
				switch easyjob.ErrorCode(err) {
				case "":
					ok[r.ID]++
				case easyjob.ECONFLICT:
				default:
					t.Errorf("hand-over: %v", err)
				}
			}()
		}
		wg.Wait()
		for _, r := range rs {
			if ok[r.ID] != 1 {
				t.Fatalf("recipient %d had %d packages", r.ID, ok[r.ID])
			}
		}
		_, err := e.g.Handover(ctx, e.staff, e.campaign.ID, goodwill.HandoverInput{RecipientID: rs[0].ID})
		var de *easyjob.Error
		if !errors.As(err, &de) || de.Code != easyjob.ECONFLICT || de.Msg.Key != "goodwill.handover_twice" ||
			de.Msg.Args["point"] != "福田区慈善会服务站" || de.Msg.Args["date"] != "2020-03-02" {
			t.Fatalf("second package: %#v", err)
		}
		if got := e.onHand(t); got["packages:社区保洁员爱心包"] != 7 {
			t.Fatalf("packages left %v", got)
		}
		p, err := e.g.Progress(ctx, e.staff, e.campaign.ID)
		if err != nil || p.Delivered != 3 || p.Registered != 3 || len(p.ByDistrict) != 1 || p.ByUnit[0].Delivered != 3 {
			t.Fatalf("progress %+v %v", p, err)
		}
	})
}

func TestHandoverByCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		e := newEnv(t, k)
		rs := e.recipients(t, 1)
		msgs, err := e.f.S.Outbox(ctx, "13912340000", 1)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("no code sent: %v", err)
		}
		code := msgs[0].Body[strings.IndexAny(msgs[0].Body, "0123456789") : strings.IndexAny(msgs[0].Body, "0123456789")+6]
		if _, err := e.g.Handover(ctx, e.staff, e.campaign.ID, goodwill.HandoverInput{RecipientID: rs[0].ID, Code: code}); easyjob.ErrorCode(err) != easyjob.ECONFLICT {
			t.Fatalf("handed over without packages: %v", err)
		}
		e.donate(t, "d1", goodwill.GroupCleaners, 2, 1)
		if _, err := e.g.Assemble(ctx, e.staff, e.campaign.ID, 1, "a1"); err != nil {
			t.Fatal(err)
		}
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		if _, err := e.g.Handover(ctx, e.staff, e.campaign.ID, goodwill.HandoverInput{RecipientID: rs[0].ID, Code: wrong}); fieldOf(err, "code") == "" {
			t.Fatalf("a wrong code: %v", err)
		}
		h, err := e.g.Handover(ctx, e.staff, e.campaign.ID, goodwill.HandoverInput{RecipientID: rs[0].ID, Code: code})
		if err != nil || h.Method != "code" {
			t.Fatalf("hand-over: %+v %v", h, err)
		}
	})
}

// TestCourseCapacity races sign-ups and cancellations on both databases: a course never
// holds more than its capacity, and each cancellation of a place promotes the next waiting.
func TestCourseCapacity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		e := newEnv(t, k)
		start := storetest.Start.Add(48 * time.Hour)
		c, err := e.g.CreateCourse(ctx, e.staff, goodwill.CourseInput{Title: "一线人员减压团体辅导", Mode: "place", Place: "福田区社工服务中心",
			Counsellor: "陈老师", Capacity: 3, Sessions: []time.Time{start, start.Add(7 * 24 * time.Hour)}, Minutes: 90})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.g.CreateCourse(ctx, e.staff, goodwill.CourseInput{Title: "x", Mode: "place", Counsellor: "y", Capacity: 0,
			Sessions: []time.Time{storetest.Start.Add(-time.Hour)}, Minutes: 60}); fieldOf(err, "capacity") == "" || fieldOf(err, "place") == "" || fieldOf(err, "sessions[0]") == "" {
			t.Fatalf("bad course: %v", err)
		}
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.g.Join(ctx, easyjob.Actor{}, c.ID, goodwill.JoinInput{Nickname: fmt.Sprintf("小%d", i), Phone: fmt.Sprintf("1370000%04d", i)}); err != nil {
					t.Errorf("join: %v", err)
				}
			}()
		}
		wg.Wait()
		c, _ = e.g.Course(ctx, c.ID)
		if c.Enrolled != 3 || c.Waiting != 7 {
			t.Fatalf("enrolled %d waiting %d", c.Enrolled, c.Waiting)
		}
		if _, err := e.g.Join(ctx, easyjob.Actor{}, c.ID, goodwill.JoinInput{Nickname: "again", Phone: "13700000001"}); easyjob.ErrorCode(err) != easyjob.ECONFLICT {
			t.Fatalf("joined twice: %v", err)
		}
		ps, err := e.g.Participants(ctx, e.staff, c.ID)
		if err != nil || len(ps) != 10 || strings.Contains(ps[0].Phone, ps[0].Phone[3:7]) && !strings.Contains(ps[0].Phone, "****") {
			t.Fatalf("participants %+v %v", ps, err)
		}
		// Every enrolled participant cancels at once, while others sign up: three promoted.
		var promoted sync.Map
		for _, p := range ps[:3] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				next, err := e.g.Cancel(ctx, e.staff, c.ID, p.ID, "")
				if err != nil || next == 0 {
					t.Errorf("cancel: %d %v", next, err)
				}
				promoted.Store(next, true)
			}()
		}
		for i := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.g.Join(ctx, easyjob.Actor{}, c.ID, goodwill.JoinInput{Nickname: "新", Phone: fmt.Sprintf("1380000%04d", i)}); err != nil {
					t.Errorf("join: %v", err)
				}
			}()
		}
		wg.Wait()
		c, _ = e.g.Course(ctx, c.ID)
		ps, _ = e.g.Participants(ctx, e.staff, c.ID)
		enrolled := 0
		for _, p := range ps {
			if p.Status == goodwill.Enrolled {
				enrolled++
				if _, ok := promoted.Load(p.ID); !ok {
					t.Errorf("%s holds a place without promotion", p.Nickname)
				}
			}
		}
		if c.Enrolled != 3 || enrolled != 3 || c.Waiting != 7 {
			t.Fatalf("after cancellations: enrolled %d (%d rows), waiting %d", c.Enrolled, enrolled, c.Waiting)
		}
		// The self sign-up cancels by phone; the waiting list moves up.
		if p, err := e.g.Join(ctx, easyjob.Actor{}, c.ID, goodwill.JoinInput{Nickname: "自己", Phone: "13600000000"}); err != nil || p.Position != 8 {
			t.Fatalf("join: %+v %v", p, err)
		}
		if _, err := e.g.Cancel(ctx, easyjob.Actor{}, c.ID, 0, "13600000000"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.g.Cancel(ctx, easyjob.Actor{}, c.ID, 0, "13600000000"); easyjob.ErrorCode(err) != easyjob.ENOTFOUND {
			t.Fatalf("cancelled twice: %v", err)
		}
		// Reminders a day before each session, once.
		if n, err := e.g.RemindDue(ctx, storetest.Start); err != nil || n != 0 {
			t.Fatalf("early reminders %d %v", n, err)
		}
		if n, err := e.g.RemindDue(ctx, start.Add(-23*time.Hour)); err != nil || n != 3 {
			t.Fatalf("reminders %d %v", n, err)
		}
		if n, err := e.g.RemindDue(ctx, start.Add(-22*time.Hour)); err != nil || n != 0 {
			t.Fatalf("reminded twice %d %v", n, err)
		}
		// Attendance leaves as counts only.
		if err := e.g.MarkAttended(ctx, e.staff, c.Sessions[0].ID, ps[0].ID); err != nil {
			t.Fatal(err)
		}
		header, rows, err := e.g.AttendanceRows(ctx, e.staff, c.ID)
		if err != nil || len(rows) != 2 || rows[0][5] != "1" {
			t.Fatalf("attendance %v %v %v", header, rows, err)
		}
		for _, r := range rows {
			for _, v := range r {
				for _, p := range ps {
					if v == p.Nickname {
						t.Fatalf("a nickname in the export: %v", rows)
					}
				}
			}
		}
	})
}
