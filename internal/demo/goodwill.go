package demo

import (
	"context"
	"fmt"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/goodwill"
	"easyjob/internal/ident"
	"easyjob/internal/store"
)

// The goodwill part of the demo: an officer of the civil affairs bureau (demo-civil) who
// verifies social organisations; two organisations, the Shenzhen charity federation
// (managed by demo-charity, verified) and a social workers' association (awaiting
// verification); donations of goods and money with earmarks; a campaign of goodwill packages
// for community cleaners and frontline workers part-way to its 5,000 target, with recipients
// registered by four units in three districts; and two counselling courses, one full with a
// waiting list.

// Usernames of the goodwill demo accounts.
const (
	CharityUser = "demo-charity"
	CivilUser   = "demo-civil"
	SocialUser  = "demo-social"
)

func loadGoodwill(ctx context.Context, s *store.Store, hash, password string, sum *Summary) error {
	g := goodwill.New(s)
	admin := easyjob.Actor{UserID: adminID, Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll, Lang: "zh-CN"}
	now := s.Clock.Now()
	var civil int64
	if err := s.DB.W.QueryRowContext(ctx, `INSERT INTO users (username, password_hash, name, role, region, created_at)
		VALUES ($1, $2, $3, 'officer', $4, $5) RETURNING id`, CivilUser, hash, "深圳市民政局社会组织管理处", easyjob.CityRegion,
		easyjob.Millis(now)).Scan(&civil); err != nil {
		return err
	}
	if err := g.SetVerifier(ctx, admin, civil); err != nil {
		return err
	}
	officer := easyjob.Actor{UserID: civil, Role: easyjob.RoleOfficer, Region: easyjob.CityRegion, Scope: easyjob.ScopeAll, Lang: "zh-CN"}
	charity, cu, err := g.Register(ctx, goodwill.OrgSignup{Name: "深圳市慈善会", USCC: ident.GenerateCreditCode("53440300MJL0C1T1"),
		District: "440304", ContactName: "陈干事", Username: CharityUser, Password: password})
	if err != nil {
		return fmt.Errorf("charity: %w", err)
	}
	if _, _, err := g.Register(ctx, goodwill.OrgSignup{Name: "深圳市社会工作者协会", USCC: ident.GenerateCreditCode("51440300MJL0D2T2"),
		District: "440303", ContactName: "林社工", Username: SocialUser, Password: password}); err != nil {
		return fmt.Errorf("social workers: %w", err)
	}
	if _, err := g.Review(ctx, officer, charity.ID, "verify", ""); err != nil {
		return err
	}
	sum.Accounts = append(sum.Accounts,
		Account{Username: CivilUser, Role: easyjob.RoleOfficer, Name: "深圳市民政局社会组织管理处", Region: easyjob.CityRegion},
		Account{Username: CharityUser, Role: easyjob.RoleOrg, Name: "陈干事（深圳市慈善会）"},
		Account{Username: SocialUser, Role: easyjob.RoleOrg, Name: "林社工（深圳市社会工作者协会，待核实）"})
	sum.Users += 3
	staff := store.ActorOf(cu, "zh-CN")

	pkg, err := g.DefinePackage(ctx, staff, goodwill.PackageInput{Name: "抗疫爱心包", ValueFen: 12800, Items: []goodwill.Line{
		{Item: "医用口罩", Unit: "只", Qty: 10}, {Item: "免洗洗手液", Unit: "瓶", Qty: 1}, {Item: "牛奶", Unit: "箱", Qty: 1}}})
	if err != nil {
		return err
	}
	c, err := g.CreateCampaign(ctx, staff, goodwill.CampaignInput{Name: "致敬一线·5000 份抗疫爱心包", Target: 5000,
		Groups: []goodwill.Group{goodwill.GroupCleaners, goodwill.GroupFrontline}, PackageID: pkg.ID, Points: []goodwill.Point{
			{Name: "福田区慈善会服务站", District: "440304", Address: "福华三路 88 号"},
			{Name: "龙岗区布吉街道党群服务中心", District: "440307", Address: "布吉街道龙岭路 1 号"}}})
	if err != nil {
		return err
	}
	donations := []goodwill.DonationInput{
		{Kind: goodwill.Goods, Donor: "深圳华强电子有限公司", Earmark: goodwill.GroupCleaners, Lines: []goodwill.Line{
			{Item: "医用口罩", Unit: "只", Qty: 20000}, {Item: "免洗洗手液", Unit: "瓶", Qty: 1500}}},
		{Kind: goodwill.Goods, Donor: "光明乳业华南公司", Earmark: goodwill.GroupFrontline, CampaignID: c.ID, Lines: []goodwill.Line{
			{Item: "牛奶", Unit: "箱", Qty: 1200}}},
		{Kind: goodwill.Goods, Donor: "爱心市民王女士", Lines: []goodwill.Line{{Item: "医用口罩", Unit: "只", Qty: 3000}, {Item: "免洗洗手液", Unit: "瓶", Qty: 200}}},
		{Kind: goodwill.Money, Donor: "深圳市某科技有限公司", Earmark: goodwill.GroupFrontline, AmountFen: 50_000_000},
		{Kind: goodwill.Money, Donor: "匿名捐赠者", AmountFen: 2_000_00},
		{Kind: goodwill.Goods, Donor: "平安社区志愿者", Earmark: goodwill.GroupPatients, Lines: []goodwill.Line{{Item: "血氧仪", Unit: "台", Qty: 40}}},
	}
	for i, d := range donations {
		d.IdemKey = fmt.Sprintf("demo-donation-%d", i)
		if _, err := g.Donate(ctx, staff, d); err != nil {
			return fmt.Errorf("donation %d: %w", i, err)
		}
	}
	if _, err := g.Assemble(ctx, staff, c.ID, 600, "demo-assembly-1"); err != nil {
		return err
	}
	// Four units register their people; most have collected their package.
	units := []struct {
		unit goodwill.UnitInput
		n    int
		grp  string
	}{
		{goodwill.UnitInput{Name: "万科物业福田片区", Kind: "property", District: "440304"}, 120, "社区保洁员"},
		{goodwill.UnitInput{Name: "龙岗区第三人民医院", Kind: "hospital", District: "440307"}, 100, "一线防疫人员"},
		{goodwill.UnitInput{Name: "布吉街道办事处", Kind: "street_office", District: "440307"}, 80, "一线防疫人员"},
		{goodwill.UnitInput{Name: "南山区环卫保洁中心", Kind: "other", District: "440305"}, 100, "社区保洁员"},
	}
	person := 0
	for _, u := range units {
		rows := [][]string{{"姓名", "身份证号", "手机号", "人群"}}
		for range u.n {
			person++
			birth := time.Date(1965+person%35, time.Month(1+person%12), 1+person%28, 0, 0, 0, 0, time.UTC)
			rows = append(rows, []string{gwSurnames[person%len(gwSurnames)] + given[person%len(given)],
				ident.GenerateResidentID(u.unit.District, birth, person%900+1, person%2 == 0), fmt.Sprintf("1350000%04d", person), u.grp})
		}
		if _, err := g.ImportRecipients(ctx, staff, c.ID, u.unit, rows); err != nil {
			return fmt.Errorf("recipients of %s: %w", u.unit.Name, err)
		}
	}
	rs, err := g.Recipients(ctx, staff, c.ID, 10_000)
	if err != nil {
		return err
	}
	for i, r := range rs {
		if i%10 >= 8 { // two in ten have not collected theirs yet
			continue
		}
		point := c.Points[0].ID
		if r.District == "440307" {
			point = c.Points[1].ID
		}
		if _, err := g.Handover(ctx, staff, c.ID, goodwill.HandoverInput{RecipientID: r.ID, PointID: point}); err != nil {
			return fmt.Errorf("hand-over %d: %w", r.ID, err)
		}
	}
	// Two courses: one full with a waiting list, one with places left.
	day := func(d, h int) time.Time {
		t := now.In(easyjob.Shanghai).AddDate(0, 0, d)
		return time.Date(t.Year(), t.Month(), t.Day(), h, 0, 0, 0, easyjob.Shanghai)
	}
	full, err := g.CreateCourse(ctx, staff, goodwill.CourseInput{Title: "一线医护人员减压团体辅导", Mode: "place", Place: "福田区社工服务中心 3 楼",
		Counsellor: "陈老师（国家二级心理咨询师）", Capacity: 8, Sessions: []time.Time{day(2, 19), day(9, 19), day(16, 19)}, Minutes: 90})
	if err != nil {
		return err
	}
	open, err := g.CreateCourse(ctx, staff, goodwill.CourseInput{Title: "康复患者心理支持（线上）", Mode: "online", Place: "腾讯会议，开课前短信发送会议号",
		Counsellor: "李老师", Capacity: 20, Sessions: []time.Time{day(3, 20), day(10, 20)}, Minutes: 60})
	if err != nil {
		return err
	}
	for i := range 11 {
		in := goodwill.JoinInput{Nickname: nicknames[i%len(nicknames)], Phone: fmt.Sprintf("1360000%04d", i)}
		a := easyjob.Actor{}
		if i%3 == 0 {
			a, in.Unit = staff, "龙岗区第三人民医院"
		}
		if _, err := g.Join(ctx, a, full.ID, in); err != nil {
			return fmt.Errorf("join %d: %w", i, err)
		}
	}
	for i := range 5 {
		if _, err := g.Join(ctx, easyjob.Actor{}, open.ID, goodwill.JoinInput{Nickname: nicknames[(i+4)%len(nicknames)], Phone: fmt.Sprintf("1370000%04d", i)}); err != nil {
			return err
		}
	}
	return nil
}

var (
	gwSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"}
	given      = []string{"秀英", "建国", "桂兰", "志强", "丽", "海燕", "伟", "春梅", "军", "玉兰", "明", "芳", "国强"}
	nicknames  = []string{"晴天", "小鹿", "向日葵", "阿木", "蓝莓", "星星", "麦子", "橙子", "山风", "小满", "青柠"}
)
