// Package ident checks, normalises, masks and protects the personal and
// business identifiers that easyjob handles: resident identity card numbers,
// unified social credit codes, and mainland mobile numbers.
//
// # Resident identity card numbers (居民身份证号码)
//
// GB 11643-1999 "Citizen identification number" defines an 18-character
// number:
//
//	positions 1–6    address code: the county-level division code where the
//	                 number was first issued (GB/T 2260); it is never
//	                 re-issued, so old cards may carry superseded codes
//	positions 7–14   birth date, YYYYMMDD
//	positions 15–17  order code; the 17th digit is odd for men, even for women
//	position 18      check character, ISO 7064:1983 MOD 11-2
//
// The check character is computed from the first 17 digits a1…a17 with the
// weights Wi = 2^(18-i) mod 11 (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2):
// c = (12 − Σ ai·Wi mod 11) mod 11, and the value 10 is written "X".
// [ParseResidentID] accepts a lower-case "x", full-width digits and
// surrounding spaces, and rejects 15-digit first-generation numbers (those
// cards ceased to be valid in 2013). It checks the birth date is a real
// calendar date, not before 1900 and not after today. It does not check the
// address code against the division list: mapping current and superseded
// codes belongs to package region.
//
// # Unified social credit codes (统一社会信用代码)
//
// GB 32100-2015 "Coding rule of the unified social credit identifier for
// legal entities and other organizations" defines an 18-character code over
// the 31 characters 0–9 A–H J–N P–R T U W–Y (no I, O, S, V, Z):
//
//	position 1      registration authority (e.g. 9 = market regulation)
//	position 2      entity type within that authority (e.g. 1 = enterprise)
//	positions 3–8   administrative division code of the registering authority
//	positions 9–17  organisation code (组织机构代码, GB 11714-1997)
//	position 18     check character
//
// Each character has the value of its index in that alphabet (A = 10,
// H = 17, J = 18, … Y = 30). With the weights Wi = 3^(i−1) mod 31
// (1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28) the check value is
// 31 − (Σ ci·Wi mod 31), where 31 is written 0.
//
// The embedded organisation code carries its own check character under
// GB 11714-1997: over its first 8 characters, with digits worth 0–9 and
// letters A = 10 … Z = 35 (the whole alphabet), and weights
// 3 7 9 10 5 8 4 2, the check value is 11 − (Σ mod 11), written "X" for 10
// and "0" for 11. Codes issued in practice satisfy both checks, so
// [ParseCreditCode] enforces both; [ParseCreditCodeLoose] skips the second
// check for the rare data import that needs it.
//
// # Mobile numbers
//
// [ParsePhone] accepts mainland mobile numbers with or without the +86 /
// 0086 / 86 country code and with spaces, hyphens, dots or parentheses, and
// returns the 11 digits. A mobile number starts with 1 and its second digit
// is 3–9.
//
// # Errors
//
// Parse errors are *[Error] values with a [Kind] (which identifier) and a
// [Reason] (what is wrong) so that handlers can map them to localised field
// messages; errors.Is works with the sentinels [ErrEmpty], [ErrLength],
// [ErrCharset], [ErrChecksum], [ErrOrgChecksum], [ErrBirthDate] and
// [ErrPrefix]. Error texts never repeat the input, so they are safe to log.
//
// # Masking and encryption at rest
//
// [MaskID], [MaskPhone] and [MaskName] produce display forms for lists and
// logs. A [Sealer] encrypts identifiers at rest with AES-256-GCM and
// computes blind indexes (keyed HMAC-SHA256) for exact-match lookups; its two
// subkeys are derived from one 32-byte master key with HKDF-SHA256.
// [LoadOrCreateKeyFile] is the package's only I/O.
package ident
