package web_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"easyjob/internal/app"
	"easyjob/internal/charter"
	"easyjob/internal/config"
	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// charterClient is a signed-in officer's browser without JavaScript.
type charterClient struct {
	t   *testing.T
	url string
	c   *http.Client
}

func (b *charterClient) req(method, path string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.url+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), resp.Header
}

// The plan form names each bad input; a plan is confirmed, its manifest
// exported as .xlsx, and the rider's pass carries a QR code.
func TestCharterPages(t *testing.T) {
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.DB = storetest.SQLiteURL(t)
	cfg.KeyFile = t.TempDir() + "/key"
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	a.Store.Password = storetest.FastPassword
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	s := a.Store
	admin := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	cu, err := s.CreateUser(ctx, admin, store.NewUser{Username: "city", Password: "city-password", Name: "市局", Role: easyjob.RoleOfficer, Region: "4403"})
	if err != nil {
		t.Fatal(err)
	}
	city := store.ActorOf(cu, "zh-CN")
	if _, err := s.CreateUser(ctx, admin, store.NewUser{Username: "napo", Password: "napo-password", Name: "那坡", Role: easyjob.RoleOfficer, Region: "451026"}); err != nil {
		t.Fatal(err)
	}
	emp, boss, err := s.RegisterEmployer(ctx, store.EmployerSignup{EmployerInput: storetest.EmployerInput(), Username: "factory", Password: "factory-password"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyEmployer(ctx, city, emp.ID, "verify", ""); err != nil {
		t.Fatal(err)
	}
	today := easyjob.DateOf(s.Clock.Now())
	in := storetest.EmployerInput()
	p, err := s.CreatePosting(ctx, store.ActorOf(boss, "zh-CN"), emp.ID, easyjob.PostingInput{Title: "普工", Occupation: "6-25-04-02",
		Headcount: 5, PayMin: 5000, PayMax: 6000, Dorm: true, Meals: true, Shift: easyjob.ShiftTwo, StartDate: today.AddDays(5),
		ClosingDate: today.AddDays(20), District: in.District, Street: in.Street, Address: in.Address, Description: "组装。"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReviewPosting(ctx, city, p.ID, "approve", ""); err != nil {
		t.Fatal(err)
	}
	si := storetest.SeekerInput()
	si.Name = "蒙春花"
	k, err := s.RegisterSeeker(ctx, city, si)
	if err != nil {
		t.Fatal(err)
	}
	app, err := s.Apply(ctx, city, k.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Transition(ctx, city, app.ID, store.Move{To: easyjob.StateOffered, StartDate: today.AddDays(2), Pay: 5200}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Transition(ctx, city, app.ID, store.Move{To: easyjob.StateAccepted}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetHealth(ctx, city, k.ID, easyjob.HealthGreen); err != nil {
		t.Fatal(err)
	}

	jar, _ := cookiejar.New(nil)
	b := &charterClient{t: t, url: srv.URL, c: &http.Client{Jar: jar}}
	if st, _, _ := b.req("POST", "/login", url.Values{"username": {"napo"}, "password": {"napo-password"}}); st != 200 {
		t.Fatalf("login %d", st)
	}
	// The pickup form comes filled with the county seat.
	st, body, _ := b.req("GET", "/officer/pickups", nil)
	if st != 200 || !strings.Contains(body, "那坡县人民政府") {
		t.Fatalf("pickups %d", st)
	}
	b.req("POST", "/officer/pickups", url.Values{"county": {"451026"}, "name": {"那坡县人民政府"}, "lat": {"23.42"}, "lng": {"105.83"}})
	// Without a location the point is refused, with the reason.
	if st, body, _ := b.req("POST", "/officer/pickups", url.Values{"county": {"451026"}, "name": {"百省乡路口"}, "known": {""}}); st != 422 ||
		!strings.Contains(body, "请选择上车地点") {
		t.Fatalf("pickup without location: %d", st)
	}
	// A point on the map fills the coordinates; a known place gives them.
	if st, body, _ := b.req("GET", "/officer/pickups?lat=23.35&lng=105.9", nil); st != 200 || !strings.Contains(body, `value="23.35"`) ||
		!strings.Contains(body, `<svg class="countymap"`) || !strings.Contains(body, "?lat=") {
		t.Fatalf("map pick %d", st)
	}
	b.req("POST", "/officer/pickups", url.Values{"county": {"451026"}, "name": {"百省乡路口"}, "known": {"451026"}})
	ptsPage, _ := a.Charter.PickupPoints(ctx, city, store.ListOptions{})
	pts := ptsPage.Items
	if len(pts) != 2 || !pts[1].HasPoint() {
		t.Fatalf("pickup points %+v", pts)
	}
	// Edit and retire the second: it is no longer offered for plans.
	if st, body, _ := b.req("GET", "/officer/pickups/"+itoa64(pts[1].ID)+"/edit", nil); st != 200 || !strings.Contains(body, "百省乡路口") {
		t.Fatalf("edit page %d", st)
	}
	b.req("POST", "/officer/pickups/"+itoa64(pts[1].ID), url.Values{"name": {"百省乡车站"}, "lat": {"23.30"}, "lng": {"105.95"}})
	b.req("POST", "/officer/pickups/"+itoa64(pts[1].ID)+"/retire", nil)
	ptsPage, _ = a.Charter.PickupPoints(ctx, city, store.ListOptions{})
	pts = ptsPage.Items
	if pts[1].Name != "百省乡车站" || *pts[1].Lat != 23.30 || !pts[1].Retired {
		t.Fatalf("edited and retired %+v", pts[1])
	}
	if _, body, _ := b.req("GET", "/officer/plans/new", nil); strings.Contains(body, "百省乡车站") {
		t.Fatal("a retired point is offered for a plan")
	}
	day := today.AddDays(1).String()
	// The plan form groups the county's waiting riders by departure day.
	if _, body, _ := b.req("GET", "/officer/plans/new", nil); !strings.Contains(body, `href="/officer/plans/new?date=`+day+`"`) ||
		!strings.Contains(body, "下一个出发日") {
		t.Fatal("the plan form does not group riders by departure day")
	}
	form := func(pickup int64, seats string) url.Values {
		return url.Values{"date": {day}, "pickup_point_id": {itoa64(pickup)}, "depart_time": {"08:00"}, "seats": {seats},
			"load_factor": {"0.5"}, "max_stops": {"3"}, "road_factor": {"1.3"}}
	}
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"no seats", form(pts[0].ID, "0"), "每车座位数至少为 1"},
		{"retired pickup", form(pts[1].ID, "45"), "上车点“百省乡车站”已停用"},
	} {
		st, body, _ := b.req("POST", "/officer/plans/preview", tc.form)
		if st != 422 || !strings.Contains(html.UnescapeString(body), tc.want) {
			t.Errorf("%s: %d, want %q", tc.name, st, tc.want)
		}
	}
	st, body, _ = b.req("POST", "/officer/plans/preview", form(pts[0].ID, "45"))
	if st != 200 || !strings.Contains(body, `id="confirm-plan"`) {
		t.Fatalf("preview %d", st)
	}
	if st, _, _ := b.req("POST", "/officer/plans", form(pts[0].ID, "45")); st != 200 {
		t.Fatalf("confirm %d", st)
	}
	// Nobody is left: the next plan says so.
	st, body, _ = b.req("POST", "/officer/plans/preview", form(pts[0].ID, "45"))
	if st != 422 || !strings.Contains(html.UnescapeString(body), "没有可以乘车的劳动者") {
		t.Fatalf("no riders: %d", st)
	}
	csPage, err := a.Charter.Charters(ctx, city, charter.CharterFilter{})
	cs := csPage.Items
	if err != nil || len(cs) != 1 {
		t.Fatalf("charters %+v %v", cs, err)
	}
	cid := itoa64(cs[0].ID)
	st, body, _ = b.req("GET", "/officer/charters/"+cid, nil)
	if st != 200 || !strings.Contains(body, "蒙春花") || !strings.Contains(body, "/static/charter.css") {
		t.Fatalf("manifest %d", st)
	}
	st, body, h := b.req("GET", "/officer/charters/"+cid+"/manifest.xlsx", nil)
	if st != 200 || !strings.Contains(h.Get("Content-Type"), "spreadsheet") {
		t.Fatalf("xlsx %d %s", st, h.Get("Content-Type"))
	}
	rows, err := export.ReadAll(bytes.NewReader([]byte(body)))
	if err != nil || len(rows) != 2 || rows[1][1] != "蒙春花" || !strings.Contains(rows[1][2], "*") {
		t.Fatalf("xlsx rows %v %v", rows, err)
	}
	// The officers' exports (issue #12, item 8): names cut, one row each here.
	for path, want := range map[string]int{"/officer/charters/export.xlsx": 1, "/officer/applications/export.xlsx": 1,
		"/officer/arrivals/export.xlsx": 0} {
		st, body, _ := b.req("GET", path, nil)
		rows, err := export.ReadAll(bytes.NewReader([]byte(body)))
		if st != 200 || err != nil || len(rows) != want+1 {
			t.Fatalf("%s: %d %v %v", path, st, rows, err)
		}
		if path == "/officer/applications/export.xlsx" && (rows[1][1] == "蒙春花" || !strings.Contains(rows[1][1], "*")) {
			t.Fatalf("%s: name not cut: %v", path, rows[1])
		}
	}
	// The pass page, opened by the officer who scanned it, has the QR code.
	seats, _ := a.Charter.MySeats(ctx, easyjob.Actor{Role: easyjob.RoleSeeker, SeekerID: k.ID})
	token := seats[app.ID].Token
	st, body, _ = b.req("GET", "/seeker/pass/"+token, nil)
	if st != 200 || !regexp.MustCompile(`src="data:image/png;base64,[A-Za-z0-9+/=&#;]{100,}"`).MatchString(body) {
		t.Fatalf("pass %d %s", st, body[strings.Index(body, "<img"):][:200])
	}
	if st, _, _ := b.req("POST", "/officer/charters/"+cid+"/checkin", url.Values{"code": {srv.URL + "/seeker/pass/" + token}}); st != 200 {
		t.Fatalf("check in %d", st)
	}
	m, _ := a.Charter.Manifest(ctx, city, cs[0].ID)
	if m.Riders[0].Status != charter.SeatBoarded {
		t.Fatalf("after scan %+v", m.Riders[0])
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
