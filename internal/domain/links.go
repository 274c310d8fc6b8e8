package domain

import "regexp"

// personalLink matches the secret part of the links parties receive by SMS
// (consent, online mediation, signing, rating): whoever holds one acts as
// that party, so it must not appear in logs or in records staff can read.
var personalLink = regexp.MustCompile(`(/(?:p|consent|sign|rate)/)[A-Za-z0-9_-]{8,}`)

// RedactLinks replaces the token of every personal link in s with "…".
func RedactLinks(s string) string { return personalLink.ReplaceAllString(s, "${1}…") }
