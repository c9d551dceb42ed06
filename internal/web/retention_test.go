package web_test

import (
	"testing"

	"easyjob/internal/i18n"
	"easyjob/internal/retention"
)

// Every key the retention templates build from a value exists.
func TestRetentionKeys(t *testing.T) {
	cat := i18n.MustLoad()
	dynamic := map[string][]string{
		"leave_reason.":    retention.Reasons,
		"checkin_status.":  {string(retention.Open), string(retention.Escalated), string(retention.Employed), string(retention.Separated), string(retention.LostContact)},
		"dispute_status.":  {"open", "in_hand", "resolved_paid", "resolved_unpaid", "arbitration"},
		"dispute_explain.": {"open", "in_hand", "resolved_paid", "resolved_unpaid", "arbitration"},
		"dispute_action.":  {"take", "resolved_paid", "resolved_unpaid", "arbitration", "reply", "confirm_paid", "note"},
		"dispute_step.": {"report", "reply", "take", "resolved_paid", "resolved_unpaid", "arbitration", "confirm_paid", "escalated",
			"note_seeker", "note_employer", "note_officer"},
		"dispute_kind.": {retention.Arrears, retention.OtherDispute},
		"dispute_show.": {"pending", "escalated", "all"},
		"claim_status.": {"claimed", "approved", "paid", "rejected", "all"},
		"flash.claims_": {"approved", "paid", "rejected"},
		"payee.":        {retention.PayEmployer, retention.PayWorker},
		"ledger_by.":    {"rule", "county", "district", "month"},
		"party.":        {"seeker", "employer", "officer"},
	}
	for prefix, vals := range dynamic {
		for _, v := range vals {
			if !cat.Has("zh-CN", prefix+v) || !cat.Has("en", prefix+v) {
				t.Errorf("%s%s missing", prefix, v)
			}
		}
	}
}
