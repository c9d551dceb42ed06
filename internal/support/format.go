package support

import (
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
)

// Numbers and times for pages, the same in both languages.

// CNY formats an amount with thousands separators and two decimals: 30,000.00.
func CNY(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String() + "." + frac
	if neg {
		out = "-" + out
	}
	return out
}

// EstimateText is the estimate formatted, or "".
func (i Item) EstimateText() string {
	if i.EstimateCNY == nil {
		return ""
	}
	return CNY(*i.EstimateCNY)
}

// ReceivedText is the amount received formatted, or "".
func (t Ticket) ReceivedText() string {
	if t.ReceivedCNY == nil {
		return ""
	}
	return CNY(*t.ReceivedCNY)
}

// CreatedText is when the ticket was raised, in Shanghai, to the minute.
func (t Ticket) CreatedText() string { return shanghai(t.CreatedAt) }

// AtText is when the reply was written, in Shanghai.
func (r Reply) AtText() string { return shanghai(r.At) }

// DaysText is the mean days to benefit with one decimal, or "".
func (m MeasureStat) DaysText() string {
	if m.DaysToBenefit == nil {
		return ""
	}
	return strconv.FormatFloat(*m.DaysToBenefit, 'f', 1, 64)
}

// ValueText is the parameter value, or "" when not known.
func (v ParamVersion) ValueText() string {
	if v.Value == nil {
		return ""
	}
	return strconv.FormatFloat(*v.Value, 'f', -1, 64)
}

func shanghai(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(easyjob.Shanghai).Format("2006-01-02 15:04")
}

// GotBenefit tells whether the enterprise said, closing the ticket, that it received it.
func (t Ticket) GotBenefit() bool { return t.Received != nil && *t.Received }
