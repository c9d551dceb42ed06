package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/goodwill"
	"easyjob/internal/ident"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// An organisation records a donation, assembles packages and hands one to a recipient: 201
// once, 409 after, naming the date and the point; the stock is derived from the ledger.
func TestGoodwillAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		ctx := context.Background()
		g := e.app.Goodwill
		root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
		o, u, err := g.Register(ctx, goodwill.OrgSignup{Name: "深圳市慈善会", USCC: ident.GenerateCreditCode("53440300MJL0C1T1"), District: "440304",
			ContactName: "陈", Username: "charity", Password: "charity-password"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := g.Review(ctx, root, o.ID, "verify", ""); err != nil {
			t.Fatal(err)
		}
		org := e.anon.login("charity", "charity-password")
		staff := store.ActorOf(u, "zh-CN")
		d := org.must(201, "POST", "/donations", map[string]any{"kind": "goods", "donor": "华强电子", "earmark": "cleaners",
			"lines": []any{map[string]any{"item": "口罩", "unit": "只", "qty": 4}}, "idempotency_key": "d1"})
		if d["receipt_no"] == "" || d["receipt_key"] == "" {
			t.Fatalf("receipt %v", d)
		}
		if st, body := org.do("POST", "/donations", map[string]any{"kind": "goods", "donor": "x", "idempotency_key": "d2",
			"lines": []any{map[string]any{"item": "口罩", "qty": -3}}}); st != 422 || !strings.Contains(fmt.Sprint(body), "lines[0].qty") {
			t.Fatalf("negative quantity: %d %v", st, body)
		}
		pkg, err := g.DefinePackage(ctx, staff, goodwill.PackageInput{Name: "爱心包", ValueFen: 100, Items: []goodwill.Line{{Item: "口罩", Qty: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := g.CreateCampaign(ctx, staff, goodwill.CampaignInput{Name: "保洁员爱心包", Target: 2, Groups: []goodwill.Group{"cleaners"},
			PackageID: pkg.ID, Points: []goodwill.Point{{Name: "福田服务站", District: "440304"}}})
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/campaigns/%d", c.ID)
		if st, body := org.do("POST", path+"/assemblies", map[string]any{"count": 3, "idempotency_key": "a1"}); st != 409 {
			t.Fatalf("assembling over stock: %d %v", st, body)
		}
		org.must(201, "POST", path+"/assemblies", map[string]any{"count": 2, "idempotency_key": "a1"})
		rows := [][]string{{"姓名", "手机号", "人群"}, {"王芳", "13912340000", "社区保洁员"}}
		if _, err := g.ImportRecipients(ctx, staff, c.ID, goodwill.UnitInput{Name: "福田物业", Kind: "property", District: "440304"}, rows); err != nil {
			t.Fatal(err)
		}
		rs, _ := g.Recipients(ctx, staff, c.ID, 0)
		h := org.must(201, "POST", path+"/handovers", map[string]any{"recipient_id": rs[0].ID})
		if h["method"] != "signature" {
			t.Fatalf("hand-over %v", h)
		}
		st, body := org.do("POST", path+"/handovers", map[string]any{"recipient_id": rs[0].ID})
		msg := fmt.Sprint(body)
		if st != 409 || !strings.Contains(msg, "福田服务站") || !strings.Contains(msg, easyjob.DateOf(time.Now()).String()) || strings.Contains(msg, "王") {
			t.Fatalf("second package: %d %v", st, body)
		}
		stock := org.must(200, "GET", "/stock", nil)
		items := stock["items"].([]any)
		packs := stock["packages"].([]any)
		if items[0].(map[string]any)["on_hand"].(float64) != 0 || packs[0].(map[string]any)["on_hand"].(float64) != 1 {
			t.Fatalf("stock %v", stock)
		}
		if st, _ := e.anon.do("GET", "/stock", nil); st != 401 {
			t.Fatalf("anonymous stock: %d", st)
		}
		p := org.must(200, "GET", path+"/progress", nil)
		if p["delivered"].(float64) != 1 || p["target"].(float64) != 2 {
			t.Fatalf("progress %v", p)
		}
	})
}
