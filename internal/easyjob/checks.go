package easyjob

import "strings"

// Words that ask seekers for money. Charging a job seeker for a job is
// unlawful (Employment Promotion Law art. 40, Labour Contract Law art. 9).
var moneyWords = []string{
	"押金", "保证金", "报名费", "服装费", "工衣费", "工服费", "制服费", "体检费", "中介费", "介绍费",
	"培训费", "建档费", "手续费", "入职费", "风险金", "抵押", "扣身份证", "收身份证",
	"deposit", "registration fee", "uniform fee", "agency fee", "training fee",
}

// Words that restrict by gender or ethnicity (Employment Promotion Law
// arts. 27–28 forbid it).
var restrictionWords = []string{
	"限男", "限女", "只招男", "只招女", "仅招男", "仅招女", "仅限男", "仅限女", "男性优先", "女性优先",
	"男士优先", "女士优先", "女性勿扰", "男性勿扰", "不招女", "不招男",
	"限汉族", "仅汉族", "只招汉族", "汉族优先", "少数民族勿扰", "不招少数民族", "不要少数民族",
	"不招新疆", "不招藏族", "不招彝族", "不招回族",
	"male only", "female only", "men only", "women only",
}

// CheckPosting runs the automatic checks on a posting before review. A
// check with severity CheckRefused stops submission; flags go to the
// reviewing officer; warnings go to the employer.
func CheckPosting(in PostingInput, minWage int) []Check {
	var out []Check
	if in.PayMin > 0 && in.PayMin < minWage {
		out = append(out, Check{Rule: "min_wage", Severity: CheckRefused, Field: "pay_min",
			Key: "check.min_wage", Args: map[string]any{"pay": in.PayMin, "min": minWage}})
	}
	text := strings.ToLower(in.Title + "\n" + in.Description + "\n" + in.PieceRate + "\n" + in.OvertimeRule)
	if w := firstWord(text, moneyWords); w != "" {
		out = append(out, Check{Rule: "asks_money", Severity: CheckFlag, Field: "description",
			Key: "check.asks_money", Args: map[string]any{"word": w}})
	}
	if w := firstWord(text, restrictionWords); w != "" {
		out = append(out, Check{Rule: "discrimination", Severity: CheckFlag, Field: "description",
			Key: "check.discrimination", Args: map[string]any{"word": w}})
	}
	if in.PayDay == 0 {
		out = append(out, Check{Rule: "pay_day", Severity: CheckWarning, Field: "pay_day", Key: "check.pay_day"})
	}
	return out
}

func firstWord(text string, words []string) string {
	for _, w := range words {
		if strings.Contains(text, w) {
			return w
		}
	}
	return ""
}

// Refused tells whether any check refuses the posting.
func Refused(checks []Check) bool {
	for _, c := range checks {
		if c.Severity == CheckRefused {
			return true
		}
	}
	return false
}
