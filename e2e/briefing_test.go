package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"easyjob/internal/briefing"
	"easyjob/internal/demo"
	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/region"

	"github.com/chromedp/chromedp"
)

// An officer of the city opens the dashboard on a phone and on a desktop,
// reads the funnel for a county and for a district, sees the charts and
// exports a table; a writer drafts today's briefing in Chinese and in
// English, edits it and adds an item with its source; an editor approves
// both; the public pages, the archive and the feeds list them.
func TestBriefingJourney(t *testing.T) {
	e := Boot(t, "zh-CN")
	ctx := context.Background()
	const pw = "demo-password-123"
	if _, err := demo.Load(ctx, e.App.Store, demo.Options{Seed: 3, Postings: 40, Seekers: 400, Password: pw, Force: true}); err != nil {
		t.Fatal(err)
	}
	city := easyjob.Actor{Role: easyjob.RoleOfficer, Region: "4403", Scope: easyjob.ScopeAll, Lang: "zh-CN"}
	today := easyjob.DateOf(e.App.Store.Now())
	all, err := e.App.Briefing.Outcomes(ctx, city, briefing.Query{From: today.AddDays(-89), To: today, GroupBy: "origin_county"})
	if err != nil || len(all.Items) == 0 {
		t.Fatalf("outcomes: %v", err)
	}
	county := all.Items[0]
	for _, it := range all.Items {
		if it.Arrived > county.Arrived {
			county = it
		}
	}

	e.Login(demo.OfficerUser, pw)
	e.Run("dashboard", chromedp.Navigate(e.URL+"/officer/dashboard"), chromedp.WaitVisible(chromedp.ID("funnel")))
	e.MustSee("招聘漏斗", "抵深", "每日抵深人数", "按登记周的留岗曲线", "抵深人数地图", "点对点包车", county.Label)
	e.Shot("briefing-01-dashboard-360")

	// A county's funnel: the figures are the county's row.
	e.Run("county", chromedp.Navigate(e.URL+"/officer/dashboard?region="+county.Key+"&group_by=district"), chromedp.WaitVisible(chromedp.ID("funnel-table")))
	e.MustSee(itoa(county.Registered), itoa(county.Applied), itoa(county.Arrived))
	e.Shot("briefing-02-county-360")
	// A district's.
	dist := "440307"
	e.Run("district", chromedp.Navigate(e.URL+"/officer/dashboard?region="+dist+"&group_by=origin_county"), chromedp.WaitVisible(chromedp.ID("funnel-table")))
	e.MustSee(region.Name(dist), "按来源县")
	e.Shot("briefing-03-district-360")
	// Bad input: reversed dates name the field.
	e.Run("reversed", chromedp.Navigate(e.URL+"/officer/dashboard?from=2026-01-10&to=2026-01-01"), chromedp.WaitVisible(chromedp.ID("filters")))
	e.MustSee("结束日期不能早于开始日期")

	e.Run("desktop", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.URL+"/officer/dashboard?group_by=district"), chromedp.WaitVisible(chromedp.ID("groups-table")))
	e.MustSee("按深圳各区", "导出 .xlsx")
	e.Shot("briefing-04-dashboard-1280")

	// The export link answers a workbook with the same figures.
	token := apiLogin(t, e.URL, demo.OfficerUser, pw)
	xlsx := get(t, e.URL+"/officer/dashboard/export?region="+county.Key+"&group_by=district&table=groups", token)
	rows, err := export.ReadAll(bytes.NewReader(xlsx))
	if err != nil || len(rows) < 2 {
		t.Fatalf("export: %v %d rows", err, len(rows))
	}
	last := rows[len(rows)-1]
	if last[2] != itoa(county.Registered) || last[7] != itoa(county.Arrived) {
		t.Errorf("export total %v, county %+v", last, county)
	}
	e.Run("phone again", chromedp.EmulateViewport(360, 780, chromedp.EmulateScale(1), chromedp.EmulateMobile))
	e.Logout()

	// The writer drafts today's briefing in both languages.
	e.Login(demo.WriterUser, pw)
	for _, lang := range []string{"zh-CN", "en"} {
		e.Run("draft "+lang, chromedp.Navigate(e.URL+"/officer/briefings"),
			chromedp.SetValue(chromedp.ID("lang"), lang),
			chromedp.Click(chromedp.ID("draft")),
			chromedp.WaitVisible(chromedp.ID("approve-box")))
	}
	// Edits the English one: an added item needs a source.
	e.Run("add without source", chromedp.SendKeys(chromedp.ID("body"), "Stations in the counties report that buses run on time."),
		chromedp.Click(chromedp.ID("add")), chromedp.WaitVisible(chromedp.CSS(".field-error")))
	e.MustSee("请写明来源")
	e.Run("add with source", chromedp.SendKeys(chromedp.ID("source"), "Napo county station"),
		chromedp.Click(chromedp.ID("add")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("Stations in the counties report", "Napo county station")
	e.Shot("briefing-05-draft-en")
	// Approving one's own draft is refused.
	e.Run("self approval", chromedp.Click(chromedp.ID("approve")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("撰稿人不能审核自己的稿件")
	e.Logout()

	// The editor approves both.
	e.Login(demo.EditorUser, pw)
	e.Run("list", chromedp.Navigate(e.URL+"/officer/briefings"), chromedp.WaitVisible(chromedp.ID("draft-form")))
	e.Shot("briefing-06-list")
	for _, lang := range []string{"zh-CN", "en"} {
		b, err := e.App.Briefing.Published(ctx, today, lang)
		if err == nil {
			t.Fatalf("%s published before approval: %+v", lang, b)
		}
	}
	ids := draftIDs(t, e, today)
	for _, id := range ids {
		e.Run("approve", chromedp.Navigate(e.URL+"/officer/briefings/"+id), chromedp.Click(chromedp.ID("approve")),
			chromedp.WaitVisible(chromedp.ID("public-link")))
	}
	e.MustSee("已发布")
	e.Shot("briefing-07-approved")
	e.Logout()

	// Everyone reads it.
	e.Run("public zh", chromedp.Navigate(e.URL+"/briefings/"+today.String()), chromedp.WaitVisible(chromedp.ID("briefing-header")))
	e.MustSee("易就业每日通报", "撰稿", "审核", "市人社局通报撰稿人", "市人社局通报审核人", "累计登记求职者")
	e.Shot("briefing-08-public-zh")
	e.Run("public en", chromedp.Navigate(e.URL+"/briefings/"+today.String()+"?lang=en"), chromedp.WaitVisible(chromedp.ID("briefing-header")))
	e.MustSee("Writer", "Editor", "From", "Updated", "job seekers had registered", "Napo county station")
	e.Shot("briefing-09-public-en")
	e.Run("archive", chromedp.Navigate(e.URL+"/briefings"), chromedp.WaitVisible(chromedp.ID("feed")))
	e.MustSee(today.String()[:7], today.String())
	e.Shot("briefing-10-archive")
	for _, lang := range []string{"zh-CN", "en"} {
		feed := string(get(t, e.URL+"/briefings/feed/"+lang, ""))
		if !strings.Contains(feed, "<feed") || !strings.Contains(feed, today.String()) {
			t.Errorf("%s feed: %s", lang, feed)
		}
	}
	md := string(get(t, e.URL+"/briefings/"+today.String()+"/day.md?lang=en", ""))
	if !strings.Contains(md, "Writer: ") || !strings.Contains(md, "1. ") {
		t.Errorf("markdown: %s", md)
	}
	if rows, err := export.ReadAll(bytes.NewReader(get(t, e.URL+"/briefings/"+today.String()+"/figures.xlsx", ""))); err != nil || len(rows) < 4 {
		t.Errorf("figures: %v %d", err, len(rows))
	}
	// The API serves the same briefing and the same funnel.
	var b briefing.Briefing
	if err := json.Unmarshal(get(t, e.URL+"/api/v1/briefings/"+today.String()+"?lang=en", ""), &b); err != nil || b.Status != briefing.StatusPublished || len(b.Items) < 3 {
		t.Errorf("api briefing: %v %+v", err, b)
	}
	var out struct{ Items []briefing.Row }
	if err := json.Unmarshal(get(t, e.URL+"/api/v1/outcomes?group_by=origin_county&from="+today.AddDays(-89).String()+"&to="+today.String(), token), &out); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range out.Items {
		if it.Key == county.Key {
			found = it.Counts() == county.Counts()
		}
	}
	if !found {
		t.Errorf("api outcomes differ from the dashboard for %s", county.Key)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func apiLogin(t *testing.T, base, user, pw string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": pw})
	res, err := http.Post(base+"/api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("login: %v", err)
	}
	return out.Token
}

func get(t *testing.T, url, token string) []byte {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, b)
	}
	return b
}

// draftIDs are the ids of the day's briefings.
func draftIDs(t *testing.T, e *Env, day easyjob.Date) []string {
	bs, err := e.App.Briefing.Drafts(context.Background(), easyjob.Actor{Role: easyjob.RoleOfficer, Region: "4403", Scope: easyjob.ScopeAll})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, b := range bs {
		if b.Day == day {
			ids = append(ids, strconv.FormatInt(b.ID, 10))
		}
	}
	if len(ids) != 2 {
		t.Fatalf("drafts of %s: %v", day, ids)
	}
	return ids
}
