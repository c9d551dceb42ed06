// Package policy is the rules-as-code engine for Shenzhen's 16 measures to support
// enterprises through COVID-19 (惠企16条, issued 2020-02-07). It is pure: it does no I/O
// beyond reading the YAML rule files embedded in the binary (measures/*.yaml) or the case
// and rule files of an fs.FS it is given.
//
// A measure is data: one YAML file with a stable slug, bilingual titles, the department,
// the source, validity periods, parameters whose values change on dates, eligibility
// conditions written as expr-lang expressions over the enterprise Profile, and the parts of
// the benefit (a CNY estimate, a deferral, a non-monetary benefit, or "not estimated" with
// a note). What the shared data does not say is recorded in the file's `unknown:` list and
// shown with every result, never filled in by guesswork.
//
// Load parses and checks every file (unknown fields, expressions that do not compile against
// the Profile, overlapping validity periods, parameter dates out of order) and reports
// file:line; expressions are compiled once, there. Rules.Evaluate answers, for one Profile
// on one date, each measure's Status with the condition that failed, the facts that are
// missing or the rule details that are not known, and the estimated benefit:
//
//	condition := leaf | condition && condition | condition || condition | !condition
//
// A leaf whose facts are not all known is "missing"; a leaf that reads a parameter with no
// known value on the date is "rule unknown". && and || follow Kleene's three-valued logic,
// so a known false leaf decides "not eligible" even when other facts are missing.
//
// Rules are values: Rules.WithParam derives a new set with a parameter value added from a
// date, which never changes a result for an earlier date. RunCases runs OpenFisca-style case
// files (profile, date, expected status and amount) against a rule set.
package policy
