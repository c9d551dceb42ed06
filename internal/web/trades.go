package web

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/occupation"
)

// TradeChoice is one trade of the picker: the everyday name a person says
// (保安) and the occupation it is recorded under.
type TradeChoice struct {
	Code   string
	Label  string // the everyday name, or the occupation's name
	Formal string // the classification's name, when Label is an everyday one
}

// TradePicker is the searchable trade picker: the trades chosen, a few
// one-tap everyday names, what a search found, and the everyday names for
// the input's datalist. It works without JavaScript: the search button
// posts the form back with find=1 and the page shows what it found,
// keeping everything typed.
type TradePicker struct {
	Chosen  []TradeChoice
	Popular []TradeChoice
	Found   []TradeChoice
	Query   string
	Names   []string
	Missed  bool // a search found nothing
}

const popularTrades = 12

func tradeChoice(lang, code string) TradeChoice {
	c := TradeChoice{Code: code, Label: occupation.NameIn(lang, code)}
	if e, ok := occupation.EverydayOf(code); ok {
		c.Label, c.Formal = e.Name, occupation.Name(code)
		if strings.HasPrefix(lang, "en") {
			c.Label = e.English
		}
	}
	return c
}

// tradePicker builds the picker for the chosen codes and a search.
func tradePicker(lang string, chosen []string, query string) TradePicker {
	tp := TradePicker{Query: strings.TrimSpace(query)}
	mine := map[string]bool{}
	for _, c := range chosen {
		if c == "" || mine[c] {
			continue
		}
		mine[c] = true
		tp.Chosen = append(tp.Chosen, tradeChoice(lang, c))
	}
	for _, e := range occupation.EverydayTrades() {
		if strings.HasPrefix(lang, "en") {
			tp.Names = append(tp.Names, e.English)
		} else {
			tp.Names = append(tp.Names, e.Name)
		}
		if len(tp.Popular) < popularTrades && !mine[e.Code] {
			tp.Popular = append(tp.Popular, tradeChoice(lang, e.Code))
		}
	}
	if tp.Query != "" {
		shown := map[string]bool{}
		for _, c := range append(tp.Chosen, tp.Popular...) {
			shown[c.Code] = true
		}
		add := func(code string) {
			if !shown[code] && len(tp.Found) < 12 {
				shown[code] = true
				tp.Found = append(tp.Found, tradeChoice(lang, code))
			}
		}
		for _, e := range occupation.FindEveryday(tp.Query) {
			add(e.Code)
		}
		for _, o := range occupation.Search(tp.Query) {
			add(o.Code)
		}
		tp.Missed = len(tp.Found) == 0 && len(occupation.FindEveryday(tp.Query)) == 0
	}
	return tp
}

// typedTrade adds the trade typed in the search box when it is exactly an
// everyday name (in either language) and the form was sent to save: who
// types "保安" and taps save means 保安.
func typedTrade(trades []string, typed string) []string {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return trades
	}
	for _, e := range occupation.EverydayTrades() {
		if e.Name == typed || strings.EqualFold(e.English, typed) {
			for _, t := range trades {
				if t == e.Code {
					return trades
				}
			}
			return append(trades, e.Code)
		}
	}
	return trades
}

// The phone a seeker signed in with, for the first profile: sealed to the
// account in a short-lived cookie at sign-in (the account keeps only the
// phone's blind index), so the form is filled in and nobody types it twice.
const signinPhoneCookie = "easyjob_signin_phone"

func (h *Handler) rememberSigninPhone(w http.ResponseWriter, u easyjob.User, phone string) {
	if h.S.Sealer == nil || u.SeekerID != 0 {
		return
	}
	b, err := h.S.Sealer.Seal([]byte(strings.TrimSpace(phone)), []byte("signin.phone:"+strconv.FormatInt(u.ID, 10)))
	if err != nil {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: signinPhoneCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/seeker/profile",
		MaxAge: 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func (h *Handler) signinPhone(r *http.Request, userID int64) string {
	c, err := r.Cookie(signinPhoneCookie)
	if err != nil || h.S.Sealer == nil {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return ""
	}
	p, err := h.S.Sealer.Open(b, []byte("signin.phone:"+strconv.FormatInt(userID, 10)))
	if err != nil {
		return ""
	}
	return string(p)
}
