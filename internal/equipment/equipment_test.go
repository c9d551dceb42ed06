package equipment_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/equipment"
	"easyjob/internal/export"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// rig is a store with the commission, two institutions, researchers, a lab manager and
// three experts.
type rig struct {
	S       *store.Store
	Clock   *storetest.Clock
	E       *equipment.Service
	Admin   easyjob.Actor
	City    easyjob.Actor // the commission's officer
	Uni     equipment.Institution
	Hosp    equipment.Institution
	Lab     easyjob.Actor // manager of Uni's instruments
	Res     easyjob.Actor // researcher of Uni, BSL-2
	Doc     easyjob.Actor // researcher of Hosp, BSL-1
	Experts []easyjob.Actor
}

var ctx = context.Background()

func newRig(t *testing.T, k storetest.Kind) *rig {
	t.Helper()
	s, clock := storetest.NewStore(t, k)
	r := &rig{S: s, Clock: clock, E: equipment.New(s)}
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	user := func(name string, role easyjob.Role, region string) easyjob.Actor {
		u, err := s.CreateUser(ctx, root, store.NewUser{Username: name, Password: name + "-password", Name: name, Role: role, Region: region})
		if err != nil {
			t.Fatal(err)
		}
		return store.ActorOf(u, "zh-CN")
	}
	r.Admin = user("admin", easyjob.RoleAdmin, "")
	r.City = user("commission", easyjob.RoleOfficer, "4403")
	var err error
	if r.Uni, err = r.E.AddInstitution(ctx, r.City, equipment.Institution{Name: "某大学生命科学学院", NameEn: "A university's school of life sciences", Kind: "university", District: "440305"}); err != nil {
		t.Fatal(err)
	}
	if r.Hosp, err = r.E.AddInstitution(ctx, r.City, equipment.Institution{Name: "某市人民医院检验科", Kind: "hospital", District: "440303"}); err != nil {
		t.Fatal(err)
	}
	person := func(name string, inst int64, manager, expert bool, bsl int, certs ...string) easyjob.Actor {
		a := user(name, easyjob.RoleResearcher, "")
		if err := r.E.SetPerson(ctx, r.City, equipment.PersonInput{UserID: a.UserID, InstitutionID: inst, Manager: manager,
			Expert: expert, Biosafety: bsl, Certificates: certs}); err != nil {
			t.Fatal(err)
		}
		return a
	}
	r.Lab = person("lab", r.Uni.ID, true, false, 2)
	r.Res = person("res", r.Uni.ID, false, false, 2, "confocal")
	r.Doc = person("doc", r.Hosp.ID, false, false, 1)
	for i := range 3 {
		r.Experts = append(r.Experts, person(fmt.Sprintf("expert%d", i+1), 0, false, true, 0))
	}
	return r
}

func (r *rig) instrument(t *testing.T, in equipment.InstrumentInput) equipment.Instrument {
	t.Helper()
	if in.District == "" {
		in.District = "440305"
	}
	if in.NoticeMinutes == 0 {
		in.NoticeMinutes = 60
	}
	x, err := r.E.SaveInstrument(ctx, r.Lab, in)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func at(t time.Time) string { return t.Format(time.RFC3339) }

func code(err error) string { return easyjob.ErrorCode(err) }

func TestBookingsAndUse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		r := newRig(t, k)
		pcr := r.instrument(t, equipment.InstrumentInput{Code: "PCR-1", Name: "实时荧光定量PCR仪", NameEn: "Real-time PCR system",
			Category: "pcr", Biosafety: 2, FeePerHour: 100, MaxMinutes: 240})
		now := r.Clock.Now()
		start := now.Add(3 * time.Hour).Truncate(time.Hour)
		book := func(a easyjob.Actor, s, e time.Time) (equipment.Booking, error) {
			return r.E.Book(ctx, a, pcr.ID, equipment.BookingInput{Start: at(s), End: at(e), Project: "新冠核酸检测方法验证"})
		}
		// Bad input: ends before it starts, too long, in the past, a level the borrower lacks.
		if _, err := book(r.Res, start, start.Add(-time.Hour)); code(err) != easyjob.EINVALID {
			t.Errorf("ends before it starts: %v", err)
		}
		if _, err := book(r.Res, start, start.Add(5*time.Hour)); code(err) != easyjob.EINVALID {
			t.Errorf("too long: %v", err)
		}
		if _, err := book(r.Res, now.Add(-2*time.Hour), now.Add(-time.Hour)); code(err) != easyjob.EINVALID {
			t.Errorf("in the past: %v", err)
		}
		if _, err := book(r.Doc, start, start.Add(time.Hour)); code(err) != easyjob.EFORBIDDEN {
			t.Errorf("BSL-1 borrower of a BSL-2 instrument: %v", err)
		}
		b, err := book(r.Res, start, start.Add(2*time.Hour))
		if err != nil || b.Status != equipment.Confirmed {
			t.Fatalf("book: %+v %v", b, err)
		}
		_, err = book(r.Res, start.Add(time.Hour), start.Add(3*time.Hour))
		if code(err) != easyjob.ECONFLICT {
			t.Fatalf("overlap: %v", err)
		}
		if de := err.(*easyjob.Error); de.Msg.Args["slot"] != b.When() {
			t.Errorf("the 409 names %v, want %s", de.Msg.Args, b.When())
		}
		// Back to back is fine.
		if _, err := book(r.Res, start.Add(2*time.Hour), start.Add(3*time.Hour)); err != nil {
			t.Fatalf("back to back: %v", err)
		}
		// Too early to check in; then at the start.
		if _, err := r.E.CheckIn(ctx, r.Res, b.ID); code(err) != easyjob.ECONFLICT {
			t.Errorf("early check-in: %v", err)
		}
		r.Clock.Advance(start.Sub(now) + 5*time.Minute)
		if _, err := r.E.CheckIn(ctx, r.Doc, b.ID); code(err) != easyjob.ENOTFOUND {
			t.Errorf("someone else's check-in: %v", err)
		}
		if b, err = r.E.CheckIn(ctx, r.Res, b.ID); err != nil || !b.Status.InUse() {
			t.Fatalf("check in: %+v %v", b, err)
		}
		r.Clock.Advance(80 * time.Minute)
		if b, err = r.E.Finish(ctx, r.Res, b.ID); err != nil || b.Status != equipment.Completed {
			t.Fatalf("finish: %+v %v", b, err)
		}
		uses, err := r.E.Usage(ctx, r.Lab, equipment.UsageFilter{})
		if err != nil || len(uses) != 1 {
			t.Fatalf("usage %+v %v", uses, err)
		}
		if u := uses[0]; u.Operator != "res" || u.Project != "新冠核酸检测方法验证" || u.Fee != 150 || u.End.Sub(u.Start) != 80*time.Minute {
			t.Errorf("use %+v", u)
		}
		var buf bytes.Buffer
		if err := r.E.ExportUsage(ctx, r.Lab, equipment.UsageFilter{}, "zh-CN", &buf); err != nil {
			t.Fatal(err)
		}
		rows, err := export.ReadAll(&buf)
		if err != nil || len(rows) != 2 || rows[1][6] != "新冠核酸检测方法验证" {
			t.Fatalf("export %v %v", rows, err)
		}
		if _, err := r.E.Usage(ctx, r.Res, equipment.UsageFilter{}); code(err) != easyjob.EFORBIDDEN {
			t.Errorf("a researcher reads the usage: %v", err)
		}
	})
}

func TestApprovalQueueEmergencyFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		r := newRig(t, k)
		x := r.instrument(t, equipment.InstrumentInput{Code: "FACS-1", Name: "流式细胞仪", Category: "flow_cytometer", Approval: true})
		start := r.Clock.Now().Add(24 * time.Hour).Truncate(time.Hour)
		a, err := r.E.Book(ctx, r.Doc, x.ID, equipment.BookingInput{Start: at(start), End: at(start.Add(time.Hour)), Project: "常规"})
		if err != nil || a.Status != equipment.Pending {
			t.Fatalf("%+v %v", a, err)
		}
		b, err := r.E.Book(ctx, r.Res, x.ID, equipment.BookingInput{Start: at(start.Add(2 * time.Hour)), End: at(start.Add(3 * time.Hour)),
			Project: "新冠疫苗抗体检测", Emergency: true})
		if err != nil {
			t.Fatal(err)
		}
		q, err := r.E.Queue(ctx, r.Lab)
		if err != nil || len(q) != 2 || q[0].ID != b.ID {
			t.Fatalf("queue %+v %v", q, err)
		}
		if _, err := r.E.Decide(ctx, r.Lab, b.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := r.E.Decide(ctx, r.Lab, b.ID, false); code(err) != easyjob.ECONFLICT {
			t.Errorf("decided twice: %v", err)
		}
		if _, err := r.E.Decide(ctx, r.Res, a.ID, true); code(err) != easyjob.EFORBIDDEN {
			t.Errorf("a researcher approves: %v", err)
		}
		// The pending one lapses when its start passes.
		r.Clock.Advance(25 * time.Hour)
		got, err := r.E.Release(ctx, r.Clock.Now())
		if err != nil || got.Lapsed != 1 {
			t.Fatalf("release %+v %v", got, err)
		}
	})
}

// A booking not checked in within an hour is released; three in 90 days suspend the
// borrower for 30 days.
func TestNoShowsSuspend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		r := newRig(t, k)
		x := r.instrument(t, equipment.InstrumentInput{Code: "C-1", Name: "超速离心机", Category: "centrifuge"})
		for i := range 3 {
			start := r.Clock.Now().Add(2 * time.Hour).Truncate(time.Hour)
			b, err := r.E.Book(ctx, r.Res, x.ID, equipment.BookingInput{Start: at(start), End: at(start.Add(time.Hour)), Project: "样品分离"})
			if err != nil {
				t.Fatal(err)
			}
			r.Clock.Advance(start.Sub(r.Clock.Now()) + 59*time.Minute)
			if got, _ := r.E.Release(ctx, r.Clock.Now()); got.NoShows != 0 {
				t.Fatal("released before the hour")
			}
			r.Clock.Advance(time.Minute)
			got, err := r.E.Release(ctx, r.Clock.Now())
			if err != nil || got.NoShows != 1 || (i == 2) != (got.Suspended == 1) {
				t.Fatalf("no-show %d: %+v %v", i, got, err)
			}
			if b, _ = r.E.Booking(ctx, r.Res, b.ID); b.Status != equipment.NoShow {
				t.Fatalf("status %s", b.Status)
			}
			r.Clock.Advance(10 * 24 * time.Hour)
		}
		start := r.Clock.Now().Add(2 * time.Hour).Truncate(time.Hour)
		_, err := r.E.Book(ctx, r.Res, x.ID, equipment.BookingInput{Start: at(start), End: at(start.Add(time.Hour)), Project: "样品分离"})
		if code(err) != easyjob.EFORBIDDEN || err.(*easyjob.Error).Msg.Key != "equipment.suspended" {
			t.Fatalf("suspended borrower: %v", err)
		}
		r.Clock.Advance(31 * 24 * time.Hour)
		start = r.Clock.Now().Add(2 * time.Hour).Truncate(time.Hour)
		if _, err := r.E.Book(ctx, r.Res, x.ID, equipment.BookingInput{Start: at(start), End: at(start.Add(time.Hour)), Project: "样品分离"}); err != nil {
			t.Fatalf("after the suspension: %v", err)
		}
	})
}

// Fifty concurrent bookings of one instrument in overlapping windows: the ones that succeed
// are pairwise disjoint, and every refused one overlaps one that succeeded.
func TestNoOverlapUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		r := newRig(t, k)
		x := r.instrument(t, equipment.InstrumentInput{Code: "SEQ-1", Name: "基因测序仪", Category: "sequencer"})
		base := r.Clock.Now().Add(24 * time.Hour).Truncate(time.Hour)
		rng := rand.New(rand.NewPCG(7, 17))
		type win struct{ s, e time.Time }
		wins := make([]win, 50)
		for i := range wins {
			s := base.Add(time.Duration(rng.IntN(20)) * 30 * time.Minute)
			wins[i] = win{s, s.Add(time.Duration(1+rng.IntN(4)) * 30 * time.Minute)}
		}
		who := []easyjob.Actor{r.Res, r.Lab}
		var wg sync.WaitGroup
		ok := make([]bool, len(wins))
		errs := make([]error, len(wins))
		for i, w := range wins {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := r.E.Book(ctx, who[i%2], x.ID, equipment.BookingInput{Start: at(w.s), End: at(w.e), Project: fmt.Sprint("p", i)})
				ok[i], errs[i] = err == nil, err
			}()
		}
		wg.Wait()
		var won []win
		for i, w := range wins {
			switch {
			case ok[i]:
				won = append(won, w)
			case code(errs[i]) != easyjob.ECONFLICT:
				t.Fatalf("booking %d: %v", i, errs[i])
			}
		}
		for i := range won {
			for j := i + 1; j < len(won); j++ {
				if won[i].s.Before(won[j].e) && won[j].s.Before(won[i].e) {
					t.Fatalf("overlapping bookings held: %v and %v", won[i], won[j])
				}
			}
		}
		for i, w := range wins {
			if ok[i] {
				continue
			}
			hit := false
			for _, v := range won {
				hit = hit || (w.s.Before(v.e) && v.s.Before(w.e))
			}
			if !hit {
				t.Fatalf("booking %d %v refused without an overlap", i, w)
			}
		}
		cal, err := r.E.Calendar(ctx, x.ID, base, base.Add(24*time.Hour))
		if err != nil || len(cal) != len(won) {
			t.Fatalf("calendar %d, won %d: %v", len(cal), len(won), err)
		}
		t.Logf("%d of %d bookings held", len(won), len(wins))
	})
}

func TestSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		r := newRig(t, k)
		pcr := r.instrument(t, equipment.InstrumentInput{Code: "PCR-1", Name: "实时荧光定量PCR仪", NameEn: "Real-time PCR system", Category: "pcr", Model: "QuantStudio 5"})
		r.instrument(t, equipment.InstrumentInput{Code: "PCR-2", Name: "梯度PCR仪", Category: "pcr", District: "440307"})
		r.instrument(t, equipment.InstrumentInput{Code: "MIC-1", Name: "激光共聚焦显微镜", NameEn: "Confocal microscope", Category: "microscope", Biosafety: 1})
		r.instrument(t, equipment.InstrumentInput{Code: "MS-1", Name: "液质联用仪", Category: "mass_spec", Sharing: equipment.Internal})
		find := func(a easyjob.Actor, f equipment.Filter) []string {
			t.Helper()
			f.Biosafety--
			res, err := r.E.Search(ctx, a, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, x := range res.Items {
				out = append(out, x.Code)
			}
			return out
		}
		anon := easyjob.Actor{}
		if got := fmt.Sprint(find(anon, equipment.Filter{Q: "pcr"})); got != "[PCR-1 PCR-2]" {
			t.Errorf("pcr: %s", got)
		}
		if got := fmt.Sprint(find(anon, equipment.Filter{Q: "荧光 quantstudio"})); got != "[PCR-1]" {
			t.Errorf("two words: %s", got)
		}
		if got := fmt.Sprint(find(anon, equipment.Filter{Q: "microscope"})); got != "[MIC-1]" {
			t.Errorf("English: %s", got)
		}
		if got := fmt.Sprint(find(anon, equipment.Filter{Q: "显微镜"})); got != "[MIC-1]" {
			t.Errorf("Chinese: %s", got)
		}
		if got := fmt.Sprint(find(anon, equipment.Filter{Q: "100%_"})); got != "[]" {
			t.Errorf("wildcards: %s", got)
		}
		if got := fmt.Sprint(find(anon, equipment.Filter{Biosafety: 2})); got != "[MIC-1]" {
			t.Errorf("BSL-1: %s", got)
		}
		if got := fmt.Sprint(find(anon, equipment.Filter{Category: "pcr", District: "440307"})); got != "[PCR-2]" {
			t.Errorf("category and district: %s", got)
		}
		if got := fmt.Sprint(find(r.Res, equipment.Filter{Category: "mass_spec"})); got != "[MS-1]" {
			t.Errorf("internal, own institution: %s", got)
		}
		if got := fmt.Sprint(find(r.Doc, equipment.Filter{Category: "mass_spec"})); got != "[]" {
			t.Errorf("internal, other institution: %s", got)
		}
		// Free on a morning: the booked one drops out. Near 南山区 within 10 km: not 龙岗.
		start := r.Clock.Now().Add(24 * time.Hour).Truncate(time.Hour)
		if _, err := r.E.Book(ctx, r.Res, pcr.ID, equipment.BookingInput{Start: at(start), End: at(start.Add(2 * time.Hour)), Project: "x"}); err != nil {
			t.Fatal(err)
		}
		f := equipment.Filter{Category: "pcr", FreeFrom: start.Add(time.Hour), FreeTo: start.Add(3 * time.Hour)}
		if got := fmt.Sprint(find(anon, f)); got != "[PCR-2]" {
			t.Errorf("free: %s", got)
		}
		f.FreeFrom = start.Add(2 * time.Hour)
		if got := fmt.Sprint(find(anon, f)); got != "[PCR-1 PCR-2]" {
			t.Errorf("free after: %s", got)
		}
		if got := fmt.Sprint(find(anon, equipment.Filter{Category: "pcr", Near: "440305", KM: 10})); got != "[PCR-1]" {
			t.Errorf("near: %s", got)
		}
		if _, err := r.E.Search(ctx, anon, equipment.Filter{Biosafety: -1, FreeFrom: start}); code(err) != easyjob.EINVALID {
			t.Errorf("half a window: %v", err)
		}
	})
}

func TestImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		r := newRig(t, k)
		header := []string{"仪器编号", "仪器名称", "英文名称", "类别", "所在区", "共享状态", "停用原因", "生物安全等级", "收费（元/小时）"}
		file := func(rows ...[]string) *bytes.Buffer {
			var b bytes.Buffer
			if err := export.WriteXLSX(&b, "list", header, rows); err != nil {
				t.Fatal(err)
			}
			return &b
		}
		rep, err := r.E.Import(ctx, r.Lab, file(
			[]string{"A-1", "扫描电子显微镜", "SEM", "electron_microscope", "南山区", "开放", "", "0", "300"},
			[]string{"A-2", "核磁共振波谱仪", "", "核磁共振波谱仪", "不存在区", "停用", "", "5", "x"},
			[]string{"A-1", "重复", "", "pcr", "440305", "", "", "", ""},
		))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 0 || len(rep.Errors) < 5 {
			t.Fatalf("bad rows: %+v", rep)
		}
		fields := map[string]bool{}
		for _, e := range rep.Errors {
			fields[fmt.Sprint(e.Line, e.Field)] = true
		}
		for _, want := range []string{"3district", "3out_reason", "3biosafety", "3fee_per_hour", "4code"} {
			if !fields[want] {
				t.Errorf("no error %s in %+v", want, rep.Errors)
			}
		}
		if own, _ := r.E.Owned(ctx, r.Lab); len(own) != 0 {
			t.Fatalf("a list with errors wrote %d rows", len(own))
		}
		rep, err = r.E.Import(ctx, r.Lab, file(
			[]string{"A-1", "扫描电子显微镜", "SEM", "electron_microscope", "南山区", "开放", "", "0", "300"},
			[]string{"A-2", "核磁共振波谱仪", "", "nmr", "440305", "停用", "探头维修至4月", "0", "200"},
		))
		if err != nil || rep.Created != 2 || len(rep.Errors) != 0 {
			t.Fatalf("import %+v %v", rep, err)
		}
		rep, err = r.E.Import(ctx, r.Lab, file([]string{"A-2", "核磁共振波谱仪", "", "nmr", "440305", "开放", "", "0", "200"}))
		if err != nil || rep.Updated != 1 {
			t.Fatalf("update %+v %v", rep, err)
		}
		if _, err := r.E.Import(ctx, r.Res, file()); code(err) != easyjob.EFORBIDDEN {
			t.Errorf("a researcher imports: %v", err)
		}
	})
}
