package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/goodwill"
	"easyjob/internal/ident"

	"github.com/chromedp/chromedp"
)

// writeSheet writes rows as an .xlsx file in the test's directory.
func writeSheet(t *testing.T, name string, rows [][]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := export.WriteXLSX(f, "名单", rows[0], rows[1:]); err != nil {
		t.Fatal(err)
	}
	return path
}

// A social organisation registers with its USCC and the civil affairs bureau verifies it;
// it records a donation earmarked for community cleaners (a negative quantity is refused),
// defines a package, runs a campaign with a small target: assembling more than the stock
// holds is refused with nothing written, a unit's list with a bad row is refused naming the
// row and column, the good list registers everyone, hand-overs reach the target; the donor's
// page shows where the gift went.
func TestGoodwillJourney(t *testing.T) {
	e := Boot(t, "zh-CN")
	ctx := context.Background()
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	var officer int64
	if err := e.App.Store.DB.R.QueryRowContext(ctx, `SELECT id FROM users WHERE username = 'city-officer'`).Scan(&officer); err != nil {
		t.Fatal(err)
	}
	if err := e.App.Goodwill.SetVerifier(ctx, root, officer); err != nil {
		t.Fatal(err)
	}
	org := e.Ctx
	e.Run("register", chromedp.Navigate(e.URL+"/goodwill/register"), chromedp.WaitVisible(chromedp.ID("register-form")),
		chromedp.SendKeys(chromedp.ID("name"), "深圳市慈善会"),
		chromedp.SendKeys(chromedp.ID("uscc"), ident.GenerateCreditCode("53440300MJL0C1T1")),
		chromedp.SetValue(chromedp.ID("district"), "440304"),
		chromedp.SendKeys(chromedp.ID("contact_name"), "陈干事"),
		chromedp.SendKeys(chromedp.ID("username"), "charity"),
		chromedp.SendKeys(chromedp.ID("password"), "charity-password"),
		chromedp.Click(chromedp.CSS(`#register-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("org-status")))
	e.MustSee("深圳市慈善会", "待核实", "民政部门正在核实")
	e.Shot("goodwill-01-registered")

	e.Browser()
	e.Login("city-officer", "city-password")
	e.Run("verify", chromedp.Navigate(e.URL+"/officer/goodwill"), chromedp.WaitVisible(chromedp.ID("orgs")))
	e.MustSee("深圳市慈善会", "基金会")
	e.Shot("goodwill-02-verify")
	e.Run("verify click", chromedp.Click(chromedp.CSS(`#orgs button[value="verify"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已核实")

	e.Ctx = org
	e.Run("package", chromedp.Navigate(e.URL+"/goodwill/packages/new"), chromedp.WaitVisible(chromedp.ID("package-form")),
		chromedp.SendKeys(chromedp.ID("name"), "抗疫爱心包"),
		chromedp.SendKeys(chromedp.ID("value"), "88"),
		chromedp.SendKeys(chromedp.ID("line0-item"), "口罩"), chromedp.SendKeys(chromedp.ID("line0-qty"), "2"), chromedp.SendKeys(chromedp.ID("line0-unit"), "只"),
		chromedp.SendKeys(chromedp.ID("line1-item"), "消毒液"), chromedp.SendKeys(chromedp.ID("line1-qty"), "1"), chromedp.SendKeys(chromedp.ID("line1-unit"), "瓶"),
		chromedp.Click(chromedp.CSS(`#package-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("stock-table")))
	e.MustSee("抗疫爱心包", "¥88.00")

	e.Run("campaign", chromedp.Navigate(e.URL+"/goodwill/campaigns/new"), chromedp.WaitVisible(chromedp.ID("campaign-form")),
		chromedp.SendKeys(chromedp.ID("name"), "社区保洁员爱心包"),
		chromedp.SendKeys(chromedp.ID("target"), "3"),
		chromedp.Click(chromedp.ID("group-cleaners")),
		chromedp.SendKeys(chromedp.ID("point_name"), "福田区慈善会服务站"),
		chromedp.SetValue(chromedp.ID("point_district"), "440304"),
		chromedp.SendKeys(chromedp.ID("point_address"), "福华三路 88 号"),
		chromedp.Click(chromedp.CSS(`#campaign-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("progress")))
	campaignURL := e.location()

	// A donation of goods with a negative quantity is refused, naming the field.
	e.Run("bad donation", chromedp.Navigate(e.URL+"/goodwill/donations/new"), chromedp.WaitVisible(chromedp.ID("donation-form")),
		chromedp.SendKeys(chromedp.ID("donor"), "深圳华强电子有限公司"),
		chromedp.SetValue(chromedp.ID("earmark"), "cleaners"),
		chromedp.SendKeys(chromedp.ID("line0-item"), "口罩"), chromedp.SendKeys(chromedp.ID("line0-qty"), "-10"), chromedp.SendKeys(chromedp.ID("line0-unit"), "只"),
		chromedp.SendKeys(chromedp.ID("line1-item"), "消毒液"), chromedp.SendKeys(chromedp.ID("line1-qty"), "5"), chromedp.SendKeys(chromedp.ID("line1-unit"), "瓶"),
		chromedp.Click(chromedp.CSS(`#donation-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".field-error")))
	e.MustSee("数量须为正整数")
	e.Shot("goodwill-03-bad-donation")
	e.Run("donation", chromedp.SetValue(chromedp.ID("line0-qty"), "10"),
		chromedp.Click(chromedp.CSS(`#donation-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("receipt")))
	receiptURL := e.location()
	e.MustSee("捐赠已登记", "深圳华强电子有限公司", "社区保洁员", "10 件在库")
	e.Shot("goodwill-04-receipt")
	e.Run("stock", chromedp.Navigate(e.URL+"/goodwill"), chromedp.WaitVisible(chromedp.ID("stock-table")))
	e.MustSee("口罩", "10 只", "消毒液", "5 瓶", "入库")
	e.Shot("goodwill-05-stock")

	// Six packages need 12 masks: refused, nothing written. Four are assembled.
	e.Run("assemble too many", chromedp.Navigate(campaignURL), chromedp.WaitVisible(chromedp.ID("assemble-form")),
		chromedp.SendKeys(chromedp.ID("count"), "6"),
		chromedp.Click(chromedp.CSS(`#assemble-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".flash.error")))
	e.MustSee("库存不足", "需要 12，现有 10", "没有写入任何记录")
	e.Shot("goodwill-06-assemble-refused")
	e.Run("assemble", chromedp.SetValue(chromedp.ID("count"), "4"),
		chromedp.Click(chromedp.CSS(`#assemble-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已组装 4 份爱心包", "已组装 4 份，库存 4 份")

	// A unit's list with a bad row is refused whole, naming the row and the column.
	good := func(i int) string {
		return ident.GenerateResidentID("440304", time.Date(1970+i, 3, 1, 0, 0, 0, 0, time.UTC), i+1, i%2 == 0)
	}
	bad := writeSheet(t, "bad.xlsx", [][]string{{"姓名", "身份证号", "手机号", "人群"},
		{"王秀英", good(0), "13912340000", "社区保洁员"}, {"李建国", "440304197003011234", "", "社区保洁员"}, {"张桂兰", good(2), "13912340002", "社区保洁员"}})
	e.Run("bad import", chromedp.SendKeys(chromedp.ID("unit_name"), "福田物业"),
		chromedp.SetValue(chromedp.ID("unit_district"), "440304"),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{bad}),
		chromedp.Click(chromedp.CSS(`#import-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("row-errors")))
	e.MustSee("整个文件都没有写入", "B 身份证号", "身份证号不正确")
	e.Shot("goodwill-07-import-refused")
	ok := writeSheet(t, "ok.xlsx", [][]string{{"姓名", "身份证号", "手机号", "人群"},
		{"王秀英", good(0), "13912340000", "社区保洁员"}, {"李建国", good(1), "", "社区保洁员"}, {"张桂兰", good(2), "13912340002", "社区保洁员"}})
	e.Run("import", chromedp.SetValue(chromedp.ID("unit_name"), "福田物业"),
		chromedp.SetValue(chromedp.ID("unit_district"), "440304"),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{ok}),
		chromedp.Click(chromedp.CSS(`#import-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已登记“福田物业”的 3 位受助人", "王**", "李**")

	// Hand-overs: a wrong code is refused; a right code, and two signatures on the list.
	code := e.Code("13912340000")
	e.Run("wrong code", chromedp.SendKeys(chromedp.CSS(`#recipient-list form input[name="code"]`), "000000"),
		chromedp.Click(chromedp.CSS(`#recipient-list form button[value="code"]`)), chromedp.WaitVisible(chromedp.CSS(".field-error")))
	e.MustSee("领取码不对")
	for i := range 3 {
		if i == 0 && code != "000000" {
			e.Run("by code", chromedp.SetValue(chromedp.CSS(`#recipient-list form input[name="code"]`), code),
				chromedp.Click(chromedp.CSS(`#recipient-list form button[value="code"]`)))
		} else {
			e.Run("by signature", chromedp.Click(chromedp.CSS(`#recipient-list form button[value="signature"]`)))
		}
		e.MustSee(fmt.Sprintf("%d / 3", i+1)) // the next page, not the one clicked
	}
	e.MustSee("3 / 3", "已完成目标", "已在“福田区慈善会服务站”领取")
	e.Shot("goodwill-08-target-reached")

	// The donor sees where the gift went, without signing in.
	e.Browser()
	e.Run("donor", chromedp.Navigate(receiptURL), chromedp.WaitVisible(chromedp.ID("receipt")))
	e.MustSee("物资去向", "8 件装进了“社区保洁员爱心包”的 4 份爱心包，其中 3 份已送到受助人手中", "2 件在库")
	e.Shot("goodwill-09-donor")
}

// A counselling course fills; the next sign-up waits; a cancellation moves the waiting list
// on. Participants give a nickname and a phone only; the organiser sees masked phones.
func TestGoodwillCourseJourney(t *testing.T) {
	e := Boot(t, "zh-CN")
	ctx := context.Background()
	g := e.App.Goodwill
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	o, _, err := g.Register(ctx, goodwill.OrgSignup{Name: "深圳市社会工作者协会", USCC: ident.GenerateCreditCode("51440300MJL0D2T2"), District: "440303",
		ContactName: "林社工", Username: "social", Password: "social-password"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Review(ctx, root, o.ID, "verify", ""); err != nil {
		t.Fatal(err)
	}
	staff := e.Ctx
	e.Login("social", "social-password")
	start := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 3)
	e.Run("course", chromedp.Navigate(e.URL+"/goodwill/courses/new"), chromedp.WaitVisible(chromedp.ID("course-form")),
		chromedp.SendKeys(chromedp.ID("title"), "一线人员减压团体辅导"),
		chromedp.SetValue(chromedp.ID("mode"), "place"),
		chromedp.SendKeys(chromedp.ID("place"), "罗湖区社工服务中心"),
		chromedp.SendKeys(chromedp.ID("counsellor"), "陈老师"),
		chromedp.SendKeys(chromedp.ID("capacity"), "2"),
		chromedp.SetValue(chromedp.ID("session0"), start.Format("2006-01-02")+"T19:00"),
		chromedp.Click(chromedp.CSS(`#course-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("places")))
	courseURL := e.location()
	e.MustSee("0 / 2", "罗湖区社工服务中心")
	public := e.URL + "/courses/" + filepath.Base(courseURL)

	e.Browser() // people signing up on their phones
	for i, who := range []struct{ nick, phone string }{{"晴天", "13600000001"}, {"小鹿", "13600000002"}, {"向日葵", "13600000003"}} {
		e.Run("join "+who.nick, chromedp.Navigate(public), chromedp.WaitVisible(chromedp.ID("join-form")),
			chromedp.SendKeys(chromedp.ID("nickname"), who.nick), chromedp.SendKeys(chromedp.ID("phone"), who.phone),
			chromedp.Click(chromedp.CSS(`#join-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
		if i == 0 {
			e.Shot("goodwill-course-01-join")
		}
	}
	e.MustSee("已排入候补第 1 位", "现在报名将进入候补")
	e.Shot("goodwill-course-02-waiting")

	e.Ctx = staff
	e.Run("course page", chromedp.Navigate(courseURL), chromedp.WaitVisible(chromedp.ID("participants")))
	e.MustSee("2 / 2", "名额已满", "候补 1 人", "候补第 1 位", "136****0001", "晴天")
	if body := e.Text(); strings.Contains(body, "13600000001") {
		t.Fatalf("a phone in full on the organiser's page")
	}
	e.Shot("goodwill-course-03-full")
	e.Run("cancel", chromedp.Click(chromedp.CSS(`#participants tbody tr:first-child form button.link`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("候补第一位已自动补上名额", "2 / 2", "向日葵")
	if body := e.Text(); strings.Contains(body, "候补第 1 位") || strings.Contains(body, "晴天") {
		t.Fatalf("the waiting list did not move:\n%s", body)
	}
	e.Shot("goodwill-course-04-promoted")
	msgs, err := e.App.Store.Outbox(ctx, "13600000003", 1)
	if err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].Body, "已获得") {
		t.Fatalf("the promoted person was not told: %v %v", msgs, err)
	}
}

// location is the browser's address.
func (e *Env) location() string {
	e.T.Helper()
	loc, err := chromedp.Run(e.Ctx, chromedp.Location())
	if err != nil {
		e.T.Fatal(err)
	}
	return loc
}
