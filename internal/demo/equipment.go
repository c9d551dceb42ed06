package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/equipment"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// The shared-equipment and reward-challenge part of the demo. The institutions have generic
// names of real kinds (a university's school, a hospital's laboratory, a company) and every
// instrument is synthetic (docs/EQUIPMENT.md). Accounts: demo-researcher (a team member of
// the university who books and takes up challenges), demo-lab (the university's lab
// manager), demo-expert (a reviewer); the commission's officer is demo-officer. A week of
// bookings, a few recorded uses, and two challenges: one open for entries, one awarded and
// paid its first part.

// Demo accounts of the equipment system.
const (
	ResearcherUser = "demo-researcher"
	LabUser        = "demo-lab"
	ExpertUser     = "demo-expert"
)

// DemoInstruments is how many instruments the demo registers.
const DemoInstruments = 300

var demoInstitutions = []equipment.Institution{
	{Name: "某大学生命科学学院", NameEn: "A university's school of life sciences", Kind: "university", District: "440305"},
	{Name: "某大学医学部公共平台", NameEn: "A university's medical core facility", Kind: "university", District: "440305"},
	{Name: "某理工大学材料与分析测试中心", NameEn: "A technical university's analysis centre", Kind: "university", District: "440307"},
	{Name: "某市人民医院检验科", NameEn: "A city people's hospital, clinical laboratory", Kind: "hospital", District: "440303"},
	{Name: "某中医院中心实验室", NameEn: "A hospital of Chinese medicine, central laboratory", Kind: "hospital", District: "440304"},
	{Name: "某区妇幼保健院实验室", NameEn: "A maternal and child health hospital laboratory", Kind: "hospital", District: "440306"},
	{Name: "某生物科技有限公司", NameEn: "A biotechnology company", Kind: "company", District: "440310"},
	{Name: "某基因科技有限公司", NameEn: "A genomics company", Kind: "company", District: "440308"},
	{Name: "某医疗器械有限公司", NameEn: "A medical device company", Kind: "company", District: "440306"},
	{Name: "某新材料研究院", NameEn: "A new materials institute", Kind: "institute", District: "440307"},
	{Name: "某科学城研究平台", NameEn: "A science city research platform", Kind: "institute", District: "440311"},
	{Name: "某疾病预防控制中心实验室", NameEn: "A disease control centre laboratory", Kind: "institute", District: "440309"},
}

var demoModels = map[string][]struct{ zh, en, model string }{
	"pcr":                 {{"实时荧光定量PCR仪", "Real-time PCR system", "QuantStudio 5"}, {"梯度PCR仪", "Gradient thermal cycler", "T100"}, {"数字PCR仪", "Digital PCR system", "QX200"}},
	"sequencer":           {{"高通量基因测序仪", "High-throughput sequencer", "MGISEQ-2000"}, {"桌面测序仪", "Benchtop sequencer", "MiSeq"}},
	"microscope":          {{"激光共聚焦显微镜", "Confocal microscope", "LSM 900"}, {"倒置荧光显微镜", "Inverted fluorescence microscope", "IX73"}},
	"electron_microscope": {{"扫描电子显微镜", "Scanning electron microscope", "SU8010"}, {"透射电子显微镜", "Transmission electron microscope", "Talos F200X"}},
	"mass_spec":           {{"液相色谱质谱联用仪", "LC-MS/MS", "Triple Quad 6500+"}, {"基质辅助激光解吸飞行时间质谱仪", "MALDI-TOF MS", "autoflex"}},
	"chromatography":      {{"高效液相色谱仪", "HPLC", "1260 Infinity II"}, {"气相色谱仪", "Gas chromatograph", "GC-2030"}},
	"flow_cytometer":      {{"流式细胞仪", "Flow cytometer", "CytoFLEX"}, {"流式细胞分选仪", "Cell sorter", "FACSAria III"}},
	"spectrometer":        {{"紫外可见分光光度计", "UV-Vis spectrophotometer", "UV-2600"}, {"傅里叶红外光谱仪", "FTIR spectrometer", "Nicolet iS50"}},
	"nmr":                 {{"核磁共振波谱仪", "NMR spectrometer", "AVANCE NEO 400"}},
	"centrifuge":          {{"超速离心机", "Ultracentrifuge", "Optima XPN-100"}, {"高速冷冻离心机", "Refrigerated centrifuge", "5430R"}},
	"biosafety_cabinet":   {{"二级生物安全柜", "Class II biosafety cabinet", "1300 Series A2"}},
	"other":               {{"细胞培养工作站", "Cell culture workstation", ""}, {"全自动核酸提取仪", "Automated nucleic acid extractor", "KingFisher Flex"}},
}

func loadEquipment(ctx context.Context, s *store.Store, hash string, now time.Time, seed int64, sum *Summary) error {
	sv := equipment.New(s)
	root := easyjob.Actor{UserID: adminID, Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll, Lang: "zh-CN"}
	rng := rand.New(rand.NewPCG(uint64(seed), 17))
	var insts []equipment.Institution
	for _, in := range demoInstitutions {
		x, err := sv.AddInstitution(ctx, root, in)
		if err != nil {
			return err
		}
		insts = append(insts, x)
	}
	var cats []string
	for _, c := range equipment.Categories {
		cats = append(cats, c.Key)
	}
	perInst := map[int64][]equipment.InstrumentInput{}
	for i := range DemoInstruments {
		inst := insts[i%len(insts)]
		cat := cats[rng.IntN(len(cats))]
		m := demoModels[cat][rng.IntN(len(demoModels[cat]))]
		p, _, _ := region.Locate(inst.District)
		in := equipment.InstrumentInput{Code: fmt.Sprintf("SZ-%02d-%04d", inst.ID, i+1), Name: m.zh, NameEn: m.en, Category: cat, Model: m.model,
			District: inst.District, Address: inst.Name, Lat: p.Lat + (rng.Float64()-0.5)*0.04, Lng: p.Lng + (rng.Float64()-0.5)*0.04,
			Sharing: equipment.Open, FeePerHour: 50 * (1 + rng.IntN(12)), Contact: "设备共享办公室", NoticeMinutes: 60,
			MinMinutes: 30, MaxMinutes: 480, Approval: rng.IntN(5) == 0}
		switch {
		case cat == "biosafety_cabinet" || cat == "pcr" && rng.IntN(2) == 0:
			in.Biosafety = 2
		case cat == "flow_cytometer" || cat == "sequencer":
			in.Biosafety = 1
		}
		if cat == "electron_microscope" || cat == "nmr" {
			in.Certificate = "大型仪器上机培训"
		}
		switch rng.IntN(20) {
		case 0:
			in.Sharing, in.OutReason = equipment.OutOfService, "维修保养中"
		case 1, 2:
			in.Sharing = equipment.Internal
		}
		perInst[inst.ID] = append(perInst[inst.ID], in)
	}
	for _, inst := range insts {
		if err := sv.Load(ctx, root, inst.ID, perInst[inst.ID]); err != nil {
			return fmt.Errorf("instruments of %s: %w", inst.Name, err)
		}
	}

	// The accounts: three of the demo and a few more people who book and review.
	person := func(user, name string, inst int64, manager, expert bool, bsl int, certs ...string) (easyjob.Actor, error) {
		var id int64
		if err := s.DB.W.QueryRowContext(ctx, `INSERT INTO users (username, password_hash, name, role, region, created_at)
			VALUES ($1, $2, $3, 'researcher', '', $4) RETURNING id`, user, hash, name, easyjob.Millis(now)).Scan(&id); err != nil {
			return easyjob.Actor{}, err
		}
		if err := sv.SetPerson(ctx, root, equipment.PersonInput{UserID: id, InstitutionID: inst, Manager: manager, Expert: expert,
			Biosafety: bsl, Certificates: certs}); err != nil {
			return easyjob.Actor{}, err
		}
		sum.Users++
		return easyjob.Actor{UserID: id, Role: easyjob.RoleResearcher, Lang: "zh-CN"}, nil
	}
	type acct struct {
		user, name     string
		inst           int
		manager, exprt bool
		bsl            int
		certs          []string
	}
	accts := []acct{
		{ResearcherUser, "林晓研究员", 0, false, false, 2, []string{"大型仪器上机培训"}},
		{LabUser, "陈实验室主任", 0, true, false, 2, nil},
		{ExpertUser, "周评审专家", -1, false, true, 0, nil},
		{"demo-doctor", "黄检验医师", 3, false, false, 2, nil},
		{"demo-engineer", "吴工程师", 6, false, false, 1, nil},
		{"demo-expert-2", "郑评审专家", -1, false, true, 0, nil},
		{"demo-expert-3", "孙评审专家", -1, false, true, 0, nil},
	}
	actors := map[string]easyjob.Actor{}
	for _, a := range accts {
		inst := int64(0)
		if a.inst >= 0 {
			inst = insts[a.inst].ID
		}
		x, err := person(a.user, a.name, inst, a.manager, a.exprt, a.bsl, a.certs...)
		if err != nil {
			return err
		}
		actors[a.user] = x
		if a.user == ResearcherUser || a.user == LabUser || a.user == ExpertUser {
			sum.Accounts = append(sum.Accounts, Account{Username: a.user, Role: easyjob.RoleResearcher, Name: a.name})
		}
	}

	// A week of bookings from tomorrow, 09:00–18:00 Shanghai, on the first 60 open
	// instruments; overlaps are simply skipped (the 409 the system gives).
	res, err := sv.Search(ctx, root, equipment.Filter{Biosafety: -1, Limit: equipment.SearchLimit})
	if err != nil {
		return err
	}
	var open []equipment.Instrument
	for _, x := range res.Items {
		if x.Sharing == equipment.Open && x.Certificate == "" && x.Biosafety <= 1 {
			open = append(open, x)
		}
	}
	bookers := []easyjob.Actor{actors[ResearcherUser], actors["demo-doctor"], actors["demo-engineer"]}
	projects := []string{"新冠病毒核酸检测方法验证", "抗体药物筛选", "肿瘤标志物研究", "新型口罩材料表征", "疫苗抗原纯化"}
	today := easyjob.DateOf(now)
	for d := 1; d <= 7; d++ {
		day := today.AddDays(d).Time()
		for k := range 8 {
			x := open[rng.IntN(min(60, len(open)))]
			start := time.Date(day.Year(), day.Month(), day.Day(), 9+rng.IntN(8), 0, 0, 0, easyjob.Shanghai)
			in := equipment.BookingInput{Start: start.Format(time.RFC3339), End: start.Add(time.Duration(1+rng.IntN(3)) * time.Hour).Format(time.RFC3339),
				Project: projects[rng.IntN(len(projects))], Emergency: k == 0}
			if _, err := sv.Book(ctx, bookers[rng.IntN(len(bookers))], x.ID, in); err != nil && easyjob.ErrorCode(err) != easyjob.ECONFLICT {
				return fmt.Errorf("booking: %w", err)
			}
		}
	}
	// Uses recorded over the past week on the university's own instruments.
	lab := insts[0].ID
	var own []equipment.Instrument
	for _, x := range open {
		if x.InstitutionID == lab && !x.Approval {
			own = append(own, x)
		}
	}
	old := s.Clock
	defer func() { s.Clock = old }()
	for d := 7; d >= 1 && len(own) > 0; d-- {
		day := today.AddDays(-d).Time()
		start := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, easyjob.Shanghai)
		x := own[d%len(own)]
		s.Clock = shiftedClock{start.Add(-2 * time.Hour)}
		b, err := sv.Book(ctx, actors[ResearcherUser], x.ID, equipment.BookingInput{Start: start.Format(time.RFC3339),
			End: start.Add(2 * time.Hour).Format(time.RFC3339), Project: projects[d%len(projects)]})
		if err != nil {
			return fmt.Errorf("past booking: %w", err)
		}
		s.Clock = shiftedClock{start.Add(5 * time.Minute)}
		if _, err := sv.CheckIn(ctx, actors[ResearcherUser], b.ID); err != nil {
			return err
		}
		s.Clock = shiftedClock{start.Add(100 * time.Minute)}
		if _, err := sv.Finish(ctx, actors[ResearcherUser], b.ID); err != nil {
			return err
		}
	}
	s.Clock = old
	return loadChallenges(ctx, sv, root, insts, actors, today)
}

func loadChallenges(ctx context.Context, sv *equipment.Service, root easyjob.Actor, insts []equipment.Institution, actors map[string]easyjob.Actor, today easyjob.Date) error {
	officer := easyjob.Actor{UserID: officerID, Role: easyjob.RoleOfficer, Region: easyjob.CityRegion, Scope: easyjob.ScopeAll, Lang: "zh-CN"}
	crit := []equipment.CriterionInput{{Name: "技术路线可行性", Weight: 40}, {Name: "团队能力与条件", Weight: 30}, {Name: "进度与成果转化", Weight: 30}}
	// An awarded challenge: two teams, two rounds, the first part paid.
	done, err := sv.CreateChallenge(ctx, officer, equipment.ChallengeInput{Title: "新冠病毒快速抗原检测试剂", Problem: "研制 15 分钟内出结果、灵敏度不低于 95%、可在社区使用的抗原检测试剂，并完成临床验证。",
		Eligibility: "在深圳注册的高校、医院、科研机构和企业，可联合申报", Ceiling: 10_000_000, UpfrontPct: 30, UpfrontCap: 2_000_000,
		OpensOn: today.AddDays(-60), ClosesOn: today.AddDays(-30), Milestone: "完成 500 例临床样本验证", MilestoneOn: today.AddDays(90), Criteria: crit})
	if err != nil {
		return err
	}
	for _, from := range []equipment.ChallengeStatus{"draft", "reviewed"} {
		if _, err := sv.Advance(ctx, officer, done.ID, from); err != nil {
			return err
		}
	}
	a, err := sv.TakeUp(ctx, actors[ResearcherUser], done.ID, equipment.EntryInput{Team: "微流控快检攻关组", Members: "林晓, 王磊, 刘芳",
		Proposal: "基于微流控芯片与量子点荧光标记的抗原检测，已完成样机。", Ask: 8_000_000})
	if err != nil {
		return err
	}
	b, err := sv.TakeUp(ctx, actors["demo-doctor"], done.ID, equipment.EntryInput{Team: "检验科快检团队", Members: "黄医师, 何技师",
		Proposal: "改进胶体金试纸条，提升低载量样本的灵敏度。", Ask: 5_000_000})
	if err != nil {
		return err
	}
	if _, err := sv.Advance(ctx, officer, done.ID, "published"); err != nil {
		return err
	}
	experts := []easyjob.Actor{actors[ExpertUser], actors["demo-expert-2"], actors["demo-expert-3"]}
	c, err := sv.Challenge(ctx, officer, done.ID)
	if err != nil {
		return err
	}
	sheet := func(v int, assessed int64) equipment.SheetInput {
		sc := map[int64]int{}
		for i, cr := range c.Criteria {
			sc[cr.ID] = min(10, v+i%2)
		}
		return equipment.SheetInput{Scores: sc, Assessed: assessed, Comment: "方案清晰"}
	}
	if err := sv.DeclareConflict(ctx, experts[2], b.ID, "曾在该院检验科任职"); err != nil {
		return err
	}
	for round := 1; round <= 2; round++ {
		if _, err := sv.OpenRound(ctx, officer, done.ID); err != nil {
			return err
		}
		for i, x := range experts {
			if _, err := sv.Score(ctx, x, a.ID, sheet(7+i%2, int64(7_000_000+i*500_000))); err != nil {
				return err
			}
			if i < 2 {
				if _, err := sv.Score(ctx, x, b.ID, sheet(6, 4_500_000)); err != nil {
					return err
				}
			}
		}
		if _, err := sv.CloseRound(ctx, officer, done.ID); err != nil {
			return err
		}
		if round == 1 {
			if _, err := sv.Shortlist(ctx, officer, done.ID, []int64{a.ID, b.ID}); err != nil {
				return err
			}
		}
	}
	if _, err := sv.Award(ctx, officer, done.ID, a.ID); err != nil {
		return err
	}
	// A challenge open for entries, with one team in.
	open, err := sv.CreateChallenge(ctx, officer, equipment.ChallengeInput{Title: "呼吸机关键部件国产化", Problem: "研制可替代进口的呼吸机涡轮风机和流量传感器，性能达到同类进口产品水平。",
		Eligibility: "在深圳注册的企业或高校，可联合申报", Ceiling: 20_000_000, UpfrontPct: 30, UpfrontCap: 5_000_000,
		OpensOn: today.AddDays(-5), ClosesOn: today.AddDays(25), Milestone: "样机通过第三方检测", MilestoneOn: today.AddDays(180), Criteria: crit})
	if err != nil {
		return err
	}
	for _, from := range []equipment.ChallengeStatus{"draft", "reviewed"} {
		if _, err := sv.Advance(ctx, officer, open.ID, from); err != nil {
			return err
		}
	}
	_, err = sv.TakeUp(ctx, actors["demo-engineer"], open.ID, equipment.EntryInput{Team: "风机与传感器联合攻关组", Members: "吴工, 赵工",
		Proposal: "自研无刷电机驱动的涡轮风机，配套热膜式流量传感器。", Ask: 15_000_000})
	return err
}
