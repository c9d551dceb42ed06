package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"easyjob/internal/app"
	"easyjob/internal/config"
	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// A station reports a day by the form (missing stays missing), corrects
// it, sees the table, the map and the county's chart with both versions,
// and imports a sheet whose bad rows are named by row and column.
func TestEpidemicPages(t *testing.T) {
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
	admin := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	if _, err := a.Store.CreateUser(ctx, admin, store.NewUser{Username: "napo", Password: "napo-password", Name: "那坡", Role: easyjob.RoleOfficer, Region: "451026"}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	b := &charterClient{t: t, url: srv.URL, c: &http.Client{Jar: jar}}
	if st, _, _ := b.req("POST", "/login", url.Values{"username": {"napo"}, "password": {"napo-password"}}); st != 200 {
		t.Fatalf("login %d", st)
	}
	day := easyjob.DateOf(a.Store.Now()).AddDays(-1).String()
	st, body, _ := b.req("GET", "/officer/epidemic", nil)
	if st != 200 || !strings.Contains(body, `<svg viewBox="0 0 340 220"`) || !strings.Contains(body, `id="r-451026"`) || !strings.Contains(body, `id="report-form"`) {
		t.Fatalf("board %d %s", st, body)
	}
	// Bad input: named next to the field, nothing written.
	st, body, _ = b.req("POST", "/officer/epidemic/report", url.Values{"region": {"451026"}, "date": {day}, "new_confirmed": {"-1"}})
	if st != 422 || !strings.Contains(body, "不能是负数") {
		t.Fatalf("negative %d", st)
	}
	st, body, _ = b.req("POST", "/officer/epidemic/report", url.Values{"region": {"451026"}, "date": {day}, "in_hospital": {"abc"}})
	if st != 422 || !strings.Contains(body, "不是整数") {
		t.Fatalf("a word %d", st)
	}
	st, body, _ = b.req("POST", "/officer/epidemic/report", url.Values{"region": {"451024"}, "date": {day}})
	if st != 403 {
		t.Fatalf("another county %d", st)
	}
	st, body, _ = b.req("POST", "/officer/epidemic/report", url.Values{"region": {"451026"}, "date": {day}, "new_confirmed": {"0"}, "new_suspected": {"0"}, "in_hospital": {""}})
	if st != 200 || !strings.Contains(body, "已记录") || !strings.Contains(body, `<span class="missing">缺</span>`) {
		t.Fatalf("report %d %s", st, body)
	}
	st, body, _ = b.req("POST", "/officer/epidemic/report", url.Values{"region": {"451026"}, "date": {day}, "new_confirmed": {"0"}, "new_suspected": {"0"}, "in_hospital": {"0"}})
	if st != 200 || !strings.Contains(body, "第 2 版") || !strings.Contains(body, "更正 2 版") || !strings.Contains(body, `class="version"`) || !strings.Contains(body, "<svg") {
		t.Fatalf("correction %d", st)
	}
	// An import with a word in a count: row and column named, nothing written.
	sheet := "地区,日期,新增确诊,新增疑似,在院治疗\n那坡县," + day + ",0,0,0\n451026,2020-02-01,无,0,0\n451026," + day + ",0,0,0\n"
	st, body = upload(t, b, "/officer/epidemic/import", "r.csv", sheet)
	if st != 422 || !strings.Contains(body, `id="import-errors"`) || !strings.Contains(body, `<td data-label="行">3</td><td data-label="列">新增确诊</td>`) || !strings.Contains(body, "同一地区同一天") {
		t.Fatalf("import errors %d %s", st, body)
	}
	sheet = "region,date,new_confirmed,new_suspected,in_hospital\n451026,2020-02-01,0,0,0\n451026,2020-02-02,1,,0\n"
	if st, body = upload(t, b, "/officer/epidemic/import", "r.csv", sheet); st != 200 || !strings.Contains(body, "已导入 2 行") {
		t.Fatalf("import %d %s", st, body)
	}
	if st, body, _ = b.req("GET", "/officer/epidemic/451026?as_of=2020-02-02", nil); st != 200 || !strings.Contains(body, `risk-high`) {
		t.Fatalf("region page %d", st)
	}
	if st, _, _ = b.req("GET", "/officer/epidemic/451024", nil); st != 200 {
		t.Fatalf("another county's page %d", st)
	}
	// Override: who, why, until when.
	if st, body, _ = b.req("POST", "/officer/epidemic/451026/override", url.Values{"level": {"medium"}, "reason": {"核查"}}); st != 200 || !strings.Contains(body, "人工设定：核查") {
		t.Fatalf("override %d", st)
	}
}

func upload(t *testing.T, b *charterClient, path, name, content string) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest("POST", b.url+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}
