package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The seeker's first page on a weak phone link (issue #11): a seeker with
// 20 recommendations, signed in, with a cold cache, opens her home on a
// throttled 3G profile (300 ms latency, 400 kbit/s both ways, the CPU
// slowed 4×). The test writes the bytes of each resource, their total and
// the time until the first job card shows to slowlink.json next to the
// screenshots. The targets are 12 KB and 1.5 s; the test fails above 25 KB
// or 3 s. The next tap must download no CSS or JS again.
func TestSlowLinkSeekerHome(t *testing.T) {
	const (
		targetBytes, failBytes = 12 * 1024, 25 * 1024
		targetTime, failTime   = 1500 * time.Millisecond, 3 * time.Second
	)
	e := Boot(t, "zh-CN")
	e.twentyPostings()

	// Sign in first, on the fast link.
	e.SeekerLogin(e.Fix.Phone)
	e.Run("home on a fast link", chromedp.Navigate(e.URL+"/seeker"), chromedp.WaitVisible(chromedp.CSS(".posting-card")))
	if n, _ := chromedp.Run(e.Ctx, chromedp.Evaluate[int](`document.querySelectorAll(".posting-card").length`)); n < 20 {
		t.Fatalf("the seeker has %d recommendations, want 20", n)
	}
	e.Run("leave", chromedp.Navigate("about:blank"))

	net := &netLog{reqs: map[network.RequestID]*netReq{}}
	if err := chromedp.Listen(e.Ctx, net.event); err != nil {
		t.Fatal(err)
	}
	ctx := e.Ctx
	call := func(what string, err error) {
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
	call("network on", err)
	_, err = chromedp.Call(ctx, network.ClearBrowserCache, cdp.Empty{})
	call("cold cache", err)
	_, err = chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: false})
	call("cache on", err)
	_, err = chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Latency: 300, DownloadThroughput: 50_000, UploadThroughput: 50_000, ConnectionType: network.ConnectionTypeCellular3g}}})
	call("3G", err)
	_, err = chromedp.Call(ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: 4})
	call("slow CPU", err)

	// The page's own clock: the frame in which the first card is laid out
	// and visible, counted from the navigation's start (a script of the
	// test, added by the DevTools protocol, which the page's CSP allows).
	_, err = chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: firstCardJS})
	call("watch the first card", err)

	// From the moment the navigation is asked for to the moment the first
	// card is in the DOM and visible, as a person holding the phone sees it.
	start := time.Now()
	_, err = chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: e.URL + "/seeker"})
	call("open the home", err)
	e.Run("first card", chromedp.WaitVisible(chromedp.CSS(".posting-card")))
	firstCard := time.Since(start)
	// The page's own clock, for comparison: the first paint after the
	// navigation started (the card is in it when it is above the fold).
	e.Run("loaded", chromedp.WaitReady(chromedp.CSS("footer.foot")))
	time.Sleep(1500 * time.Millisecond) // late requests (deferred script) finish on the slow link
	timing, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](timingJS))
	call("the page's timing", err)
	e.Shot("slowlink-01-home-3g")
	first := net.take()

	// The next tap: a job card. Its page uses the same CSS and JS.
	e.Run("tap a card", chromedp.Click(chromedp.CSS(".posting-card a.card-link")),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/apply"]`)))
	time.Sleep(1500 * time.Millisecond)
	e.Shot("slowlink-02-posting-3g")
	second := net.take()

	report := slowReport{
		Profile:     "latency 300 ms, 400 kbit/s down and up (50,000 B/s), CPU 4x, cold cache, 360 px",
		FirstCardMS: firstCard.Milliseconds(),
		InPage:      timing,
		TargetBytes: targetBytes, FailBytes: failBytes,
		TargetMS: targetTime.Milliseconds(), FailMS: failTime.Milliseconds(),
	}
	for _, r := range first {
		report.Home = append(report.Home, r.row(e.URL))
		report.HomeBytes += int64(r.Bytes)
	}
	for _, r := range second {
		report.NextTap = append(report.NextTap, r.row(e.URL))
		report.NextTapBytes += int64(r.Bytes)
		if (r.Type == network.ResourceTypeStylesheet || r.Type == network.ResourceTypeScript) && !r.Cached {
			t.Errorf("the next tap downloaded %s again (%d bytes)", r.URL, int64(r.Bytes))
		}
	}
	b, _ := json.MarshalIndent(report, "", " ")
	if err := os.WriteFile(filepath.Join(e.shots, "slowlink.json"), append(b, '\n'), 0o644); err != nil {
		t.Error(err)
	}
	t.Logf("seeker's home on 3G: %d bytes, first card after %v\n%s", report.HomeBytes, firstCard.Round(time.Millisecond), b)
	if report.HomeBytes > targetBytes || firstCard > targetTime {
		t.Logf("over the target of %d bytes and %v", targetBytes, targetTime)
	}
	if report.HomeBytes > failBytes {
		t.Errorf("the seeker's home transferred %d bytes on a cold cache, more than %d", report.HomeBytes, failBytes)
	}
	if firstCard > failTime {
		t.Errorf("the first job card showed after %v on 3G, more than %v", firstCard, failTime)
	}
	if len(first) == 0 || first[0].Type != network.ResourceTypeDocument {
		t.Errorf("the home's requests were not seen: %+v", report.Home)
	}
}

// firstCardJS notes the time of the first frame in which a job card has a
// size on the screen.
const firstCardJS = `(() => {
  const tick = () => {
    const c = document.querySelector(".posting-card");
    if (c && c.getBoundingClientRect().height > 0) { window.easyjobFirstCard = performance.now(); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`

// timingJS reads the navigation's milestones, from its start.
const timingJS = `(() => {
  const n = performance.getEntriesByType("navigation")[0] || {}, out = {};
  for (const k of ["requestStart", "responseStart", "responseEnd", "domInteractive", "domContentLoadedEventEnd", "loadEventEnd"]) out[k] = Math.round(n[k] || 0);
  for (const r of performance.getEntriesByType("resource")) out[r.name.replace(location.origin, "").split("?")[0]] = Math.round(r.responseEnd);
  const p = performance.getEntriesByName("first-contentful-paint")[0];
  if (p) out.firstContentfulPaint = Math.round(p.startTime);
  out.firstCard = Math.round(window.easyjobFirstCard || 0);
  out.documentBytesDecoded = n.decodedBodySize || 0;
  return out;
})()`

// twentyPostings publishes 19 more postings like the fixture's, so the
// seeker's home has 20 recommendations.
func (e *Env) twentyPostings() {
	t, s, ctx := e.T, e.App.Store, context.Background()
	boss := store.ActorOf(mustUser(t, s, "factory", "factory-password"), "zh-CN")
	city := store.ActorOf(mustUser(t, s, "city-officer", "city-password"), "zh-CN")
	today := easyjob.DateOf(time.Now())
	titles := []string{"手机主板装配工", "电子厂普工", "贴片检验员", "包装普工", "屏幕贴合工", "电池装配工", "质检普工", "物料员",
		"耳机装配工", "充电器装配工", "镜头组装工", "测试普工", "插件工", "焊锡工", "打螺丝普工", "外壳组装工", "手表装配工", "平板装配工", "键盘装配工"}
	for i, title := range titles {
		in := easyjob.PostingInput{Title: title, Occupation: "6-25-04-02", Headcount: 3 + i%5, PayMin: 5000 + 100*i, PayMax: 6500 + 100*i,
			OvertimeRule: "加班按劳动法支付", PayDay: 15, Dorm: true, Meals: i%3 != 0, Shift: easyjob.ShiftTwo, SocialInsurance: true,
			StartDate: today.AddDays(3 + i%9), ClosingDate: today.AddDays(30), District: "440307", Street: "440307018",
			Address: "吉华街道甘李路 8 号", AgeMin: 18, AgeMax: 50, Description: "电子产品组装，两班倒。入职不收任何费用。"}
		p, err := s.CreatePosting(ctx, boss, e.Fix.Employer.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReviewPosting(ctx, city, p.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
	}
}

// netLog keeps the requests of the tab, from the network events.
type netLog struct {
	mu    sync.Mutex
	reqs  map[network.RequestID]*netReq
	order []network.RequestID
}

type netReq struct {
	URL    string
	Type   network.ResourceType
	Bytes  float64
	Cached bool
	Done   bool
}

func (l *netLog) event(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	get := func(id network.RequestID) *netReq {
		r, ok := l.reqs[id]
		if !ok {
			r = &netReq{}
			l.reqs[id] = r
			l.order = append(l.order, id)
		}
		return r
	}
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		r := get(ev.RequestID)
		r.URL, r.Type = ev.Request.URL, ev.Type
	case *network.EventRequestServedFromCache:
		get(ev.RequestID).Cached = true
	case *network.EventResponseReceived:
		r := get(ev.RequestID)
		r.Type = ev.Type
		if ev.Response != nil {
			r.URL = ev.Response.URL
			r.Cached = r.Cached || ev.Response.FromDiskCache || ev.Response.FromPrefetchCache || ev.Response.FromServiceWorker
		}
	case *network.EventLoadingFinished:
		r := get(ev.RequestID)
		r.Bytes, r.Done = ev.EncodedDataLength, true
	}
}

// take returns the requests seen so far, in order, and forgets them.
func (l *netLog) take() []netReq {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []netReq
	for _, id := range l.order {
		if r := l.reqs[id]; r.URL != "" && !strings.HasPrefix(r.URL, "data:") {
			out = append(out, *r)
		}
	}
	l.reqs, l.order = map[network.RequestID]*netReq{}, nil
	return out
}

func (r netReq) row(base string) slowRow {
	u := r.URL
	if p, err := url.Parse(r.URL); err == nil && strings.HasPrefix(r.URL, base) {
		u = p.RequestURI()
	}
	return slowRow{URL: u, Type: string(r.Type), Bytes: int64(r.Bytes), Cached: r.Cached}
}

type slowRow struct {
	URL    string `json:"url"`
	Type   string `json:"type"`
	Bytes  int64  `json:"bytes"`
	Cached bool   `json:"cached,omitempty"`
}

type slowReport struct {
	Profile      string             `json:"profile"`
	HomeBytes    int64              `json:"home_bytes"`
	FirstCardMS  int64              `json:"first_card_ms"`
	InPage       map[string]float64 `json:"in_page"` // milliseconds from the navigation's start; the HTML's size in bytes
	TargetBytes  int64              `json:"target_bytes"`
	FailBytes    int64              `json:"fail_bytes"`
	TargetMS     int64              `json:"target_ms"`
	FailMS       int64              `json:"fail_ms"`
	Home         []slowRow          `json:"home"`
	NextTapBytes int64              `json:"next_tap_bytes"`
	NextTap      []slowRow          `json:"next_tap"`
}
