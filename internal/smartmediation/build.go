package smartmediation

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Our values the builder derives; codes.csv maps each (column our_value).
const (
	agreementOral    = "oral"
	agreementWritten = "written"

	DifficultySimple  = "simple"
	DifficultyNormal  = "normal"
	DifficultyComplex = "complex"

	outcomeAgreed     = "agreed"
	outcomeNotAgreed  = "not_agreed"
	outcomeTerminated = "terminated"
	outcomeWithdrawn  = "withdrawn"
	outcomeODRSettled = "odr_settled"
	outcomeOpen       = "open"

	mannerImmediate   = "immediate"
	mannerDeadline    = "deadline"
	mannerInstalments = "instalments"

	performedAll     = "performed"
	performedPartial = "partial"
	performedNone    = "unperformed"
	performedPending = "pending"

	kindPerson             = "person"
	kindLegal              = "legal"
	kindIndividualBusiness = "individual_business"

	employmentFullTime = "full_time"
	employmentPartTime = "part_time"
)

// ComplexFen: a claim from this amount (5万元) makes a case 疑难复杂 unless
// the source says otherwise.
const ComplexFen = 5_000_000

// ErrNotReportable marks a case the platform does not take: never
// accepted (received, 不予受理) or merged into another case. A sync job
// skips it rather than retrying.
var ErrNotReportable = errors.New("不报送")

// CaseSource is what a case record is built from. Case, Agreement and the
// follow-up come from the store; the codes are how the platform knows our
// committee, room and mediators.
type CaseSource struct {
	Case            store.Case       // with its Parties (GetCase fills them)
	Agreement       *store.Agreement // nil when the case has none
	CommitteeCode   string           // 调委会编码 as registered with the platform
	RoomCode        string           // 调解工作室编码; "" while not routed to a room
	MediatorCodes   []string         // 调解员编码 of the case's mediators, presiding first
	Satisfaction    int              // latest 回访 score 1–5; 0 without follow-up
	MediatedAt      *time.Time       // last held session; nil: the agreement's or closing date
	ODRSettled      bool             // closed by odr_settled (the case is then withdrawn)
	Difficulty      string           // DifficultySimple/Normal/Complex; "": derived
	PersonsInvolved int              // 涉及人数 when more than the parties (a group); 0: the parties
	AsOf            time.Time        // when the record is built: a deadline before it is missed
	Codes           *Codes           // nil: DefaultCodes()
}

func (s CaseSource) codes() *Codes {
	if s.Codes != nil {
		return s.Codes
	}
	return DefaultCodes()
}

// cst is China Standard Time; dates in records are days in it.
var cst = time.FixedZone("CST", 8*3600)

func day(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(cst).Format(time.DateOnly)
}

// CaseCode is the stable 案件编码 of a case: the committee's platform code,
// the year and the case's sequence number, e.g. "310115001-2026-000123".
func CaseCode(committeeCode string, year int, seq int64) string {
	if committeeCode == "" || year <= 0 || seq <= 0 {
		return ""
	}
	return fmt.Sprintf("%s-%04d-%06d", committeeCode, year, seq)
}

// BuildCase maps a case to its record and validates it. A case the
// platform does not take yields ErrNotReportable; a case that cannot be
// mapped or fails validation a *ValidationError with Chinese messages.
func BuildCase(src CaseSource) (CaseRecord, error) {
	if src.AsOf.IsZero() {
		return CaseRecord{}, errors.New("smartmediation: CaseSource.AsOf is required")
	}
	codes, c := src.codes(), src.Case
	outcome, err := outcomeOf(src)
	if err != nil {
		return CaseRecord{}, err
	}
	b := &checker{codes: codes}
	mapped := func(field, table, ours string) string {
		code, ok := codes.ForOurs(table, ours)
		if !ok {
			b.add(field, "%s：本平台的“%s”没有对应代码", TableName(table), ours)
		}
		return code
	}
	difficulty := src.Difficulty
	if difficulty == "" {
		difficulty = deriveDifficulty(src)
	}
	kind := agreementWritten
	if src.Agreement != nil && src.Agreement.Kind == agreementOral {
		kind = agreementOral
	}
	rec := CaseRecord{
		FormatVersion:   FormatVersion,
		CodeSystem:      codes.System(),
		CaseCode:        CaseCode(src.CommitteeCode, c.Year, c.Seq),
		DocketNumber:    strings.TrimSpace(c.Number),
		MediationType:   mapped("mediation_type", TableMediationType, kind),
		CommitteeCode:   src.CommitteeCode,
		RoomCode:        src.RoomCode,
		MediatorCodes:   append([]string{}, src.MediatorCodes...),
		AcceptedDate:    day(c.AcceptedAt),
		DisputeCategory: mapped("dispute_category", TableDisputeCategory, c.Category),
		CaseSource:      mapped("case_source", TableCaseSource, string(c.Channel)),
		Difficulty:      mapped("difficulty", TableDifficulty, difficulty),
		Summary:         summary(c),
		Result:          mapped("result", TableResult, outcome),
		AmountFen:       c.ClaimFen,
		PersonsInvolved: max(src.PersonsInvolved, len(c.Parties)),
	}
	switch {
	case outcome == outcomeAgreed && src.Agreement == nil:
		b.add("agreement_content", "协议内容：案件已达成协议，但没有找到调解协议")
	case outcome == outcomeAgreed:
		a := src.Agreement
		rec.AgreementContent = agreementContent(*a)
		rec.AgreementDate = agreementDay(*a)
		rec.PerformanceManner = mapped("performance_manner", TablePerformanceManner, manner(a.Terms, rec.AgreementDate))
		rec.PerformanceStatus = mapped("performance_status", TablePerformanceStatus, performance(a.Terms, src.AsOf))
		for _, t := range a.Terms {
			rec.AgreementAmountFen += t.AmountFen
		}
	}
	rec.MediationDate = mediationDay(src, outcome, rec.AgreementDate)
	if s := src.Satisfaction; s >= 1 && s <= 5 {
		satisfied := s >= 4 // 4 满意, 5 非常满意; 3 一般 is not 满意
		rec.Satisfied = &satisfied
	}
	rec.Parties = partyRecords(c.Parties, mapped)
	if len(b.errs) > 0 {
		return CaseRecord{}, b.result()
	}
	return rec, rec.Validate(codes)
}

// outcomeOf says how the case stands, as a result our value.
func outcomeOf(src CaseSource) (string, error) {
	c := src.Case
	terminated := func() string {
		// A designated mediator means the case reached mediation and failed
		// there; before that a termination ends it without mediation.
		if c.PresidingID != 0 || len(src.MediatorCodes) > 0 {
			return outcomeNotAgreed
		}
		return outcomeTerminated
	}
	ended := func() string {
		if src.ODRSettled {
			return outcomeODRSettled
		}
		return outcomeWithdrawn
	}
	skip := func(why string) (string, error) { return "", fmt.Errorf("%w：%s", ErrNotReportable, why) }
	switch c.Status {
	case domain.StatusReceived:
		return skip("案件尚未受理")
	case domain.StatusRejected:
		return skip("不予受理的案件")
	case domain.StatusAccepted, domain.StatusODRNegotiating, domain.StatusConsenting, domain.StatusAssigned,
		domain.StatusMediating, domain.StatusSuspended:
		return outcomeOpen, nil
	case domain.StatusAgreed, domain.StatusPerforming, domain.StatusFollowedUp:
		return outcomeAgreed, nil
	case domain.StatusTerminated:
		return terminated(), nil
	case domain.StatusWithdrawn:
		if c.MergedInto != 0 {
			return skip("已并入其他案件")
		}
		return ended(), nil
	case domain.StatusArchived:
		switch {
		case c.MergedInto != 0:
			return skip("已并入其他案件")
		case domain.TerminateReasons.Has(c.ReasonCode):
			return terminated(), nil
		case domain.RejectReasons.Has(c.ReasonCode):
			return skip("不予受理的案件")
		case src.Agreement != nil && src.Agreement.EffectiveAt != nil:
			return outcomeAgreed, nil
		}
		return ended(), nil
	}
	return "", fmt.Errorf("smartmediation: case %s has unknown status %q", c.Number, c.Status)
}

func deriveDifficulty(src CaseSource) string {
	switch {
	case src.Case.GroupID != 0 || src.Case.ClaimFen >= ComplexFen:
		return DifficultyComplex
	case src.Agreement != nil && src.Agreement.Kind == agreementOral:
		return DifficultySimple
	}
	return DifficultyNormal
}

// truncate keeps at most n characters, marking a cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func summary(c store.Case) string {
	s := strings.TrimSpace(c.Description)
	if claim := strings.TrimSpace(c.Claim); claim != "" {
		s += "\n诉求：" + claim
	}
	return truncate(Scrub(strings.TrimSpace(s)), MaxSummary)
}

func agreementContent(a store.Agreement) string {
	if len(a.Terms) == 0 {
		return truncate(Scrub(strings.TrimSpace(a.Responsibility)), MaxAgreement)
	}
	items := make([]string, len(a.Terms))
	for i, t := range a.Terms {
		items[i] = fmt.Sprintf("%d. %s：%s，%s元，%s，%s前履行", i+1, domain.PartyWord(t.Party),
			strings.TrimSpace(t.Content), domain.FormatFen(t.AmountFen), strings.TrimSpace(t.Manner), t.Deadline)
	}
	return truncate(Scrub(strings.Join(items, "；")), MaxAgreement)
}

func agreementDay(a store.Agreement) string {
	if a.EffectiveAt != nil {
		return day(a.EffectiveAt)
	}
	return day(&a.Created) // reached, signatures pending
}

// manner: everything due on the agreement's day is 即时履行, several due
// dates are 分期履行, one later date is 限期履行.
func manner(terms []domain.Term, agreed string) string {
	var dates []string
	for _, t := range terms {
		if t.Deadline > agreed && !slices.Contains(dates, t.Deadline) {
			dates = append(dates, t.Deadline)
		}
	}
	switch len(dates) {
	case 0:
		return mannerImmediate
	case 1:
		return mannerDeadline
	}
	return mannerInstalments
}

func performance(terms []domain.Term, asOf time.Time) string {
	done, missed := 0, false
	today := asOf.In(cst).Format(time.DateOnly)
	for _, t := range terms {
		if t.PerformedAt != "" {
			done++
		} else if t.Deadline < today {
			missed = true
		}
	}
	switch {
	case done == len(terms):
		return performedAll // an agreement without terms owes nothing
	case done > 0:
		return performedPartial
	case missed:
		return performedNone
	}
	return performedPending
}

func mediationDay(src CaseSource, outcome, agreed string) string {
	switch {
	case src.MediatedAt != nil:
		return day(src.MediatedAt)
	case outcome == outcomeAgreed:
		return agreed
	case outcome == outcomeNotAgreed:
		return day(src.Case.ClosedAt)
	}
	return ""
}

// partyRecords lists applicants first, each side in the store's order.
func partyRecords(parties []store.Party, mapped func(field, table, ours string) string) []PartyRecord {
	ordered := slices.Clone(parties)
	slices.SortStableFunc(ordered, func(a, b store.Party) int {
		return strings.Compare(a.Kind, b.Kind) // "consumer" < "merchant"
	})
	out := make([]PartyRecord, 0, len(ordered))
	for i, p := range ordered {
		field := fmt.Sprintf("parties.%d.", i)
		kind := kindPerson
		credit := strings.ToUpper(strings.TrimSpace(p.CreditCode))
		if p.Kind == "merchant" {
			kind = kindLegal
			if strings.HasPrefix(credit, "92") { // registration type 92: 个体工商户
				kind = kindIndividualBusiness
			}
		} else {
			credit = ""
		}
		phone := strings.TrimSpace(p.PhoneMask)
		if phone != "" && !maskedPhone(phone) {
			phone = domain.MaskMobile(phone)
		}
		out = append(out, PartyRecord{
			Role:        mapped(field+"role", TablePartyRole, p.Kind),
			Kind:        mapped(field+"kind", TablePartyKind, kind),
			Name:        strings.TrimSpace(p.Name),
			PhoneMasked: phone,
			CreditCode:  credit,
		})
	}
	return out
}
