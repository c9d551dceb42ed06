package retention_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/retention"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

const day = 24 * time.Hour

func code(err error) string { return easyjob.ErrorCode(err) }

func field(err error, name string) bool {
	var e *easyjob.Error
	return errors.As(err, &e) && e.Fields[name].Key != ""
}

type worker struct {
	seeker easyjob.Seeker
	me     easyjob.Actor
	app    easyjob.Application
}

// hire walks n seekers of the station from applying to arrived today.
func hire(t *testing.T, f *storetest.Fixture, n int) []worker {
	t.Helper()
	ctx := context.Background()
	p := f.Published(t, n)
	var out []worker
	for range n {
		k, me := f.Seeker(t)
		app, err := f.S.Apply(ctx, me, k.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		start := f.S.Today()
		if _, err = f.S.Transition(ctx, f.Boss, app.ID, store.Move{To: easyjob.StateOffered, StartDate: start, Pay: 5200}); err != nil {
			t.Fatal(err)
		}
		if _, err = f.S.Transition(ctx, me, app.ID, store.Move{To: easyjob.StateAccepted}); err != nil {
			t.Fatal(err)
		}
		if app, err = f.S.Transition(ctx, f.Boss, app.ID, store.Move{To: easyjob.StateArrived}); err != nil {
			t.Fatal(err)
		}
		out = append(out, worker{k, me, app})
	}
	return out
}

func sweep(t *testing.T, r *retention.Service) retention.SweepResult {
	t.Helper()
	res, err := r.SweepCount(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// checkin returns the worker's check-in at day d.
func checkin(t *testing.T, r *retention.Service, w worker, d int) retention.CheckIn {
	t.Helper()
	p, err := r.Due(context.Background(), w.me, retention.DueFilter{DueBefore: easyjob.NewDate(2030, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Items {
		if c.Day == d && c.ApplicationID == w.app.ID {
			return c
		}
	}
	t.Fatalf("no %d-day check-in for application %d in %+v", d, w.app.ID, p.Items)
	return retention.CheckIn{}
}

func state(t *testing.T, f *storetest.Fixture, w worker) easyjob.ApplicationState {
	t.Helper()
	app, err := f.S.Application(context.Background(), f.City, w.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	return app.State
}

func messages(t *testing.T, f *storetest.Fixture, w worker) int {
	t.Helper()
	ms, err := f.S.Outbox(context.Background(), w.seeker.Phone, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range ms {
		if m.Subject == "retention" {
			n++
		}
	}
	return n
}

// A cohort walks from arrival through every check-in, reminder,
// escalation and separation, with the clock moved day by day.
func TestCohort(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		r := retention.New(f.S)
		ws := hire(t, f, 4)
		stayer, silent, disputed, lost := ws[0], ws[1], ws[2], ws[3]
		arrived := f.S.Today()

		if res := sweep(t, r); res.Created != 0 {
			t.Fatalf("check-ins on arrival day: %+v", res)
		}
		f.Clock.Advance(29 * day)
		if res := sweep(t, r); res.Created != 0 {
			t.Fatalf("check-ins before 30 days: %+v", res)
		}
		f.Clock.Advance(day)
		if res := sweep(t, r); res.Created != 4 {
			t.Fatalf("30-day check-ins: %+v", res)
		}
		if res := sweep(t, r); res.Created != 0 || res.Reminded != 0 {
			t.Fatalf("a second sweep did something: %+v", res)
		}
		c := checkin(t, r, stayer, 30)
		if c.Due != arrived.AddDays(30) || c.Status != retention.Open || messages(t, f, stayer) != 1 {
			t.Fatalf("check-in %+v, %d messages", c, messages(t, f, stayer))
		}

		// Someone else's check-in: 403.
		if _, err := r.Answer(ctx, silent.me, c.ID, retention.AnswerInput{Answer: retention.Stays}); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("answer for someone else: %v", err)
		}
		// A separation date before arrival or in the future: 422 naming left_on.
		for _, bad := range []easyjob.Date{arrived.AddDays(-1), f.S.Today().AddDays(1), {}} {
			_, err := r.Answer(ctx, stayer.me, c.ID, retention.AnswerInput{Answer: retention.Left, LeftOn: bad, Reason: "pay"})
			if code(err) != easyjob.EINVALID || !field(err, "left_on") {
				t.Fatalf("left on %s: %v", bad, err)
			}
		}
		if _, err := r.Answer(ctx, stayer.me, c.ID, retention.AnswerInput{Answer: retention.Left, LeftOn: arrived, Reason: "bored"}); !field(err, "reason") {
			t.Fatalf("bad reason: %v", err)
		}

		// The stayer answers at once; the employer agrees in bulk.
		if c, err := r.Answer(ctx, stayer.me, c.ID, retention.AnswerInput{Answer: retention.Stays}); err != nil || c.Status != retention.Employed {
			t.Fatalf("answer: %+v %v", c, err)
		}
		if s := state(t, f, stayer); s != easyjob.StateRetained30 {
			t.Fatalf("stayer in %s", s)
		}
		due, err := r.Due(ctx, f.Boss, retention.DueFilter{})
		if err != nil || len(due.Items) != 4 {
			t.Fatalf("employer's due list: %d %v", len(due.Items), err)
		}
		// The employer says the disputed worker left for pay.
		cd := checkin(t, r, disputed, 30)
		if _, err := r.Answer(ctx, f.Boss, cd.ID, retention.AnswerInput{Answer: retention.Left, LeftOn: arrived.AddDays(20), Reason: "pay"}); err != nil {
			t.Fatal(err)
		}
		if s := state(t, f, disputed); s != easyjob.StateSeparated {
			t.Fatalf("disputed in %s", s)
		}
		// The worker disagrees: the station officer sees it.
		if c, err := r.Answer(ctx, disputed.me, cd.ID, retention.AnswerInput{Answer: retention.Stays}); err != nil || !c.Disagree {
			t.Fatalf("disagreement: %+v %v", c, err)
		}
		dis, err := r.Due(ctx, f.Station, retention.DueFilter{Disagree: true})
		if err != nil || len(dis.Items) != 1 || dis.Items[0].ID != cd.ID {
			t.Fatalf("station's disagreements: %+v %v", dis.Items, err)
		}
		// The separation is kept with who said so.
		app, _ := f.S.Application(ctx, f.Station, disputed.app.ID)
		ret, err := r.StateOf(ctx, app)
		if err != nil || ret.SeparatedBy != "employer" || ret.SeparationReason != "pay" || ret.SeparatedOn != arrived.AddDays(20) {
			t.Fatalf("retention %+v %v", ret, err)
		}
		// The officer calls and settles: the separation stands.
		if c, err := r.Answer(ctx, f.Station, cd.ID, retention.AnswerInput{Answer: retention.Stays}); err != nil || c.Disagree || c.Status != retention.Separated {
			t.Fatalf("settled: %+v %v", c, err)
		}

		// Reminders after 3 and 7 days, escalation after 10.
		f.Clock.Advance(3 * day)
		if res := sweep(t, r); res.Reminded != 2 || res.Escalated != 0 {
			t.Fatalf("day 33: %+v", res)
		}
		sweep(t, r)
		if n := messages(t, f, silent); n != 2 {
			t.Fatalf("silent got %d messages after the first reminder", n)
		}
		f.Clock.Advance(4 * day)
		if res := sweep(t, r); res.Reminded != 2 {
			t.Fatalf("day 37: %+v", res)
		}
		f.Clock.Advance(3 * day)
		if res := sweep(t, r); res.Escalated != 2 || res.Reminded != 0 {
			t.Fatalf("day 40: %+v", res)
		}
		if n := messages(t, f, silent); n != 3 {
			t.Fatalf("silent got %d messages", n)
		}
		esc, err := r.Due(ctx, f.Station, retention.DueFilter{Escalated: true})
		if err != nil || len(esc.Items) != 2 {
			t.Fatalf("escalated: %d %v", len(esc.Items), err)
		}
		// The station officer cannot reach one worker.
		if c, err := r.MarkLostContact(ctx, f.Station, checkin(t, r, lost, 30).ID); err != nil || c.Status != retention.LostContact {
			t.Fatalf("lost contact: %+v %v", c, err)
		}
		if _, err := r.MarkLostContact(ctx, lost.me, checkin(t, r, lost, 30).ID); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("seeker marks lost contact: %v", err)
		}
		// The station officer answers for the silent worker after a call.
		if c, err := r.Answer(ctx, f.Station, checkin(t, r, silent, 30).ID, retention.AnswerInput{Answer: retention.Stays}); err != nil || c.OfficerAnswer != retention.Stays {
			t.Fatalf("officer's answer: %+v %v", c, err)
		}
		if s := state(t, f, silent); s != easyjob.StateRetained30 {
			t.Fatalf("silent in %s", s)
		}

		// 90 days: the separated worker is not asked again.
		f.Clock.Advance(50 * day)
		if res := sweep(t, r); res.Created != 3 {
			t.Fatalf("90-day check-ins: %+v", res)
		}
		if _, err := r.Answer(ctx, f.Boss, checkin(t, r, stayer, 90).ID, retention.AnswerInput{Answer: retention.Stays}); err != nil {
			t.Fatal(err)
		}
		// The silent worker leaves for family reasons.
		if _, err := r.Answer(ctx, silent.me, checkin(t, r, silent, 90).ID,
			retention.AnswerInput{Answer: retention.Left, LeftOn: f.S.Today().AddDays(-5), Reason: "family"}); err != nil {
			t.Fatal(err)
		}
		// The lost worker turns up and answers the 90-day check-in: up two states.
		if _, err := r.Answer(ctx, lost.me, checkin(t, r, lost, 90).ID, retention.AnswerInput{Answer: retention.Stays}); err != nil {
			t.Fatal(err)
		}
		if s := state(t, f, lost); s != easyjob.StateRetained90 {
			t.Fatalf("lost in %s", s)
		}
		f.Clock.Advance(90 * day)
		if res := sweep(t, r); res.Created != 2 {
			t.Fatalf("180-day check-ins: %+v", res)
		}
		if _, err := r.Answer(ctx, stayer.me, checkin(t, r, stayer, 180).ID, retention.AnswerInput{Answer: retention.Stays}); err != nil {
			t.Fatal(err)
		}
		want := map[int64]easyjob.ApplicationState{stayer.app.ID: easyjob.StateRetained180, silent.app.ID: easyjob.StateSeparated,
			disputed.app.ID: easyjob.StateSeparated, lost.app.ID: easyjob.StateRetained90}
		for _, w := range ws {
			if s := state(t, f, w); s != want[w.app.ID] {
				t.Errorf("application %d in %s, want %s", w.app.ID, s, want[w.app.ID])
			}
		}
		// Separations give their places back; every step is in the history.
		p, _ := f.S.Posting(ctx, f.Boss, stayer.app.PostingID)
		if p.Filled != 2 {
			t.Errorf("filled %d, want 2", p.Filled)
		}
		h, err := r.History(ctx, f.Station, silent.app.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range h {
			kinds = append(kinds, e.Kind)
		}
		wantKinds := []string{"due", "reminder_1", "reminder_2", "escalated", "answer_officer", "due", "answer_seeker"}
		if len(kinds) != len(wantKinds) {
			t.Fatalf("history %v", kinds)
		}
		for i := range kinds {
			if kinds[i] != wantKinds[i] {
				t.Fatalf("history %v", kinds)
			}
		}
		evs, _ := f.S.Events(ctx, f.Station, silent.app.ID)
		if last := evs[len(evs)-1]; last.To != easyjob.StateSeparated || last.ActorRole != easyjob.RoleSeeker {
			t.Fatalf("last event %+v", last)
		}
	})
}
