package storetest

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"easyjob/internal/auth"
	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/store"
)

// Clock is a movable test clock.
type Clock struct{ t atomic.Int64 }

// NewClock starts at t.
func NewClock(t time.Time) *Clock {
	c := &Clock{}
	c.t.Store(t.UnixNano())
	return c
}

func (c *Clock) Now() time.Time          { return time.Unix(0, c.t.Load()).UTC() }
func (c *Clock) Advance(d time.Duration) { c.t.Add(int64(d)) }

// Start is the fixtures' "now": a day in March 2020.
var Start = time.Date(2020, 3, 2, 1, 0, 0, 0, time.UTC)

// Fixture is a store with the people of a small hiring day.
type Fixture struct {
	S        *store.Store
	Clock    *Clock
	Admin    easyjob.Actor
	City     easyjob.Actor // a city-wide officer
	Longgang easyjob.Actor // an officer of 龙岗区 (440307)
	Station  easyjob.Actor // an officer of the 那坡县 station (451026), twinned with 龙岗
	Employer easyjob.Employer
	Boss     easyjob.Actor // the employer's account
}

// NewStore builds a Store on a fresh database of kind k with a random key,
// fast password hashing and a test clock.
// FastPassword are cheap argon2id parameters for tests.
var FastPassword = auth.Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32}

func NewStore(tb testing.TB, k Kind) (*store.Store, *Clock) {
	db := Open(tb, k)
	key := make([]byte, 32)
	rand.Read(key)
	sealer, err := ident.NewSealer(key)
	if err != nil {
		tb.Fatal(err)
	}
	s := store.New(db, sealer, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.Password = FastPassword
	clock := NewClock(Start)
	s.Clock = clock
	return s, clock
}

// NewFixture makes the store and its people; the employer is verified.
func NewFixture(tb testing.TB, k Kind) *Fixture {
	tb.Helper()
	ctx := context.Background()
	s, clock := NewStore(tb, k)
	f := &Fixture{S: s, Clock: clock}
	must := func(u easyjob.User, err error) easyjob.Actor {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return store.ActorOf(u, "zh-CN")
	}
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	f.Admin = must(s.CreateUser(ctx, root, store.NewUser{Username: "admin", Password: "admin-password", Name: "管理员", Role: easyjob.RoleAdmin}))
	f.City = must(s.CreateUser(ctx, f.Admin, store.NewUser{Username: "city", Password: "city-password", Name: "市局", Role: easyjob.RoleOfficer, Region: "4403"}))
	f.Longgang = must(s.CreateUser(ctx, f.Admin, store.NewUser{Username: "longgang", Password: "lg-password", Name: "龙岗区", Role: easyjob.RoleOfficer, Region: "440307"}))
	f.Station = must(s.CreateUser(ctx, f.Admin, store.NewUser{Username: "napo", Password: "napo-password", Name: "那坡工作站", Role: easyjob.RoleOfficer, Region: "451026"}))
	e, u, err := s.RegisterEmployer(ctx, store.EmployerSignup{EmployerInput: EmployerInput(), Username: "boss", Password: "boss-password"})
	if err != nil {
		tb.Fatal(err)
	}
	f.Boss = store.ActorOf(u, "zh-CN")
	if f.Employer, err = s.VerifyEmployer(ctx, f.City, e.ID, "verify", ""); err != nil {
		tb.Fatal(err)
	}
	return f
}

// EmployerInput is a valid enterprise in 龙岗区.
func EmployerInput() easyjob.EmployerInput {
	return easyjob.EmployerInput{
		Name: "深圳市龙岗精密电子有限公司", CreditCode: ident.GenerateCreditCode("914403073591234" + "5"),
		District: "440307", Street: "440307018", Address: "吉华街道甘李路 8 号", ContactName: "王经理",
		ContactPhone: "13800138000", Industry: "电子制造",
	}
}

// PostingInput is a valid assembly-line posting starting in a week.
func (f *Fixture) PostingInput() easyjob.PostingInput {
	today := easyjob.DateOf(f.Clock.Now())
	return easyjob.PostingInput{
		Title: "电子厂普工", Occupation: "6-25-04-02", Headcount: 5, PayMin: 5000, PayMax: 6500,
		OvertimeRule: "加班费按劳动法", PayDay: 15, Dorm: true, Meals: true, Shift: easyjob.ShiftTwo,
		SocialInsurance: true, StartDate: today.AddDays(7), ClosingDate: today.AddDays(30),
		District: "440307", Street: "440307018", Address: "吉华街道甘李路 8 号", AgeMin: 18, AgeMax: 50,
		Description: "手机主板组装，坐班，两班倒。",
	}
}

// Published creates and approves a posting with headcount n.
func (f *Fixture) Published(tb testing.TB, n int) easyjob.Posting {
	tb.Helper()
	ctx := context.Background()
	in := f.PostingInput()
	in.Headcount = n
	p, err := f.S.CreatePosting(ctx, f.Boss, f.Employer.ID, in)
	if err != nil {
		tb.Fatal(err)
	}
	if p, err = f.S.ReviewPosting(ctx, f.Longgang, p.ID, "approve", ""); err != nil {
		tb.Fatal(err)
	}
	return p
}

var seq atomic.Int64

// SeekerInput is a valid seeker from 那坡县, unique per call.
func SeekerInput() easyjob.SeekerInput {
	n := seq.Add(1)
	return easyjob.SeekerInput{
		Name: fmt.Sprintf("农%d", n),
		// Born 1970–1994, so adults on any clock a test uses; unique for
		// millions of calls (the day moves every 500 sequence numbers).
		IDNumber: ident.GenerateResidentID("451026", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n/500%9000)), int(n%500), n%2 == 0),
		Phone:    fmt.Sprintf("139%08d", n), Trades: []string{"6-25-04-02"}, Experience: 3, ExpectedPay: 4500,
		WantsDorm: true, WantsMeals: true, Education: "junior", ConsentMethod: easyjob.ConsentSigned,
	}
}

// Seeker registers a seeker at the station and returns the seeker's actor.
func (f *Fixture) Seeker(tb testing.TB) (easyjob.Seeker, easyjob.Actor) {
	tb.Helper()
	k, err := f.S.RegisterSeeker(context.Background(), f.Station, SeekerInput())
	if err != nil {
		tb.Fatal(err)
	}
	return k, easyjob.Actor{Role: easyjob.RoleSeeker, SeekerID: k.ID, UserID: -k.ID}
}
