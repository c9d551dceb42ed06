package match

// Rescore is a recommendation's score under policy to instead of from.
// Only the priority multiplier M (the same for every posting of a seeker)
// and the congestion factor C (per posting) depend on the policy, so the
// new score is score·(M'/M)·(C'/C); pending and remaining are the
// posting's applied-and-shortlisted count and places left. A posting with
// nothing remaining scores 0 under any policy.
func Rescore(score float64, poor, twinned bool, pending, remaining int, from, to Policy) float64 {
	if remaining <= 0 {
		return 0
	}
	m0, m1 := priority(&from, poor, twinned), priority(&to, poor, twinned)
	c0 := congestion(from.CongestionAlpha, int32(pending), int32(remaining))
	c1 := congestion(to.CongestionAlpha, int32(pending), int32(remaining))
	if m0 == 0 || c0 == 0 {
		return 0
	}
	return score / (m0 * c0) * (m1 * c1)
}
