package policy

import (
	"fmt"
	"strings"
)

// Why says in plain words why the result is what it is: the condition not met, the facts
// missing, or what about the rule is not known.
func (r Result) Why() Text {
	m := r.Measure
	switch {
	case r.NotInForce:
		var zh, en []string
		for _, p := range m.Validity {
			zh = append(zh, p.From.String()+"至"+p.To.String())
			en = append(en, p.From.String()+" to "+p.To.String())
		}
		return Text{
			Zh: fmt.Sprintf("%s 不在该措施的有效期内（%s）", r.AsOf, strings.Join(zh, "，")),
			En: fmt.Sprintf("the measure is not in force on %s (valid %s)", r.AsOf, strings.Join(en, ", ")),
		}
	case r.Status == NotEligible:
		return Text{Zh: "不符合条件：" + r.Failed.Text.Zh, En: "condition not met: " + r.Failed.Text.En}
	case r.Status == NeedsInfo:
		l := r.Missing.Labels()
		return Text{Zh: "需补充以下信息：" + l.Zh, En: "information needed: " + l.En}
	case r.Status == Undetermined && r.Gaps == 0:
		return Text{Zh: "该措施的适用条件在资料中未找到，需由主管部门判定", En: "the conditions of this measure were not found in the sources; the department must decide"}
	case r.Status == Undetermined:
		var ts []Text
		for _, p := range r.Gaps.Of(m) {
			ts = append(ts, p.Text)
		}
		l := join(ts)
		return Text{Zh: "规则尚未确定：" + l.Zh, En: "the rule is not settled: " + l.En}
	}
	var ts []Text
	for _, c := range m.Conditions {
		ts = append(ts, c.Text)
	}
	if len(ts) == 0 {
		return Text{Zh: "符合条件（该措施适用于所有用人单位）", En: "eligible (the measure applies to every employer)"}
	}
	l := join(ts)
	return Text{Zh: "符合条件：" + l.Zh, En: "eligible: " + l.En}
}

// Summary says what the benefit is in plain words.
func (b Benefit) Summary() Text {
	var zh, en []string
	for _, pr := range b.Parts {
		z, e := pr.summary()
		zh, en = append(zh, z), append(en, e)
	}
	if len(zh) == 0 {
		return Text{Zh: "无", En: "none"}
	}
	return Text{Zh: strings.Join(zh, "；"), En: strings.Join(en, "; ")}
}

func (pr PartResult) summary() (zh, en string) {
	pt := pr.Part
	zh, en = pt.Text.Zh+"：", pt.Text.En+": "
	switch {
	case pr.Unsure:
		l := pr.Missing.Labels()
		return zh + "是否适用需补充" + l.Zh, en + "whether it applies needs " + l.En
	case pt.Kind == PartNonMonetary:
		return pt.Text.Zh, pt.Text.En
	case pt.Kind == PartNotEstimated:
		return zh + "金额未估算（" + pt.Note.Zh + "）", en + "not estimated (" + pt.Note.En + ")"
	case !pr.Estimated && pr.Missing != 0:
		l := pr.Missing.Labels()
		return zh + "估算需补充" + l.Zh, en + "the estimate needs " + l.En
	case !pr.Estimated:
		return zh + "金额规则尚未确定", en + "the amount is not settled"
	case pt.Kind == PartDeferral:
		z, e := "缓缴", "deferred by"
		if pr.Months > 0 {
			z, e = z+fmt.Sprintf("%d个月", pr.Months), e+fmt.Sprintf(" %d months", pr.Months)
		}
		if pr.Days > 0 {
			z, e = z+fmt.Sprintf("%d天", pr.Days), e+fmt.Sprintf(" %d days", pr.Days)
		}
		return zh + z + "（自" + pt.After.Zh + "起）", en + e + " (from " + pt.After.En + ")"
	}
	z, e := "约", "about"
	if pt.AtMost {
		z, e = "最多", "up to"
	}
	return zh + fmt.Sprintf("%s ¥%.2f", z, pr.CNY), en + fmt.Sprintf("%s CNY %.2f", e, pr.CNY)
}
