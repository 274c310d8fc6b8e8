package demo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/grading"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// lawIndex picks 11 of every 20 mediators as law majors (55%).
var lawIndex = map[int]bool{0: true, 1: true, 3: true, 4: true, 6: true, 8: true, 10: true, 12: true, 14: true, 16: true, 19: true}

// buildRegistry fills the mediator registry (队伍) for every mediator and
// room lead of the demo, with a profile like the district notice's: about
// 93% 本科及以上, 55% law majors, a few with 法律职业资格, an average age
// near 32, mostly full-time; two on 事业编制 posts (no subsidy), one who
// filed late with the justice bureau, one newly appointed and not yet filed,
// and a few graded by recorded committee decisions. Deterministic: the
// facts follow each mediator's place in user-id order.
func buildRegistry(ctx context.Context, st store.Store, sealer *pii.Sealer, now time.Time) error {
	units, err := st.ListOrgUnits(ctx)
	if err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	rules, err := deadline.Load(ctx, st)
	if err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	seen := map[int64]bool{}
	var ids []int64
	for _, u := range units {
		if u.Kind != domain.OrgOfficeRoom && u.Kind != domain.OrgEnterpriseRoom {
			continue
		}
		us, err := st.ListRoomMediators(ctx, u.ID)
		if err != nil {
			return fmt.Errorf("registry: %w", err)
		}
		for _, m := range us {
			if !seen[m.ID] {
				seen[m.ID] = true
				ids = append(ids, m.ID)
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	today := calendar.DateOf(now)
	for i, id := range ids {
		r := store.MediatorRecord{UserID: id, Kind: "full_time", Education: "bachelor", Employment: "contract", Updated: now}
		if i%3 == 0 {
			r.Sex = "male"
		} else {
			r.Sex = "female"
		}
		r.BirthYear = today.Year - (26 + (i*7)%13) // ages 26–38
		switch {
		case i%14 == 13:
			r.Education = "college"
		case i%7 == 3:
			r.Education = "master"
		}
		r.LawMajor = lawIndex[i%20]
		if r.LawMajor {
			r.Major = "法学"
		} else {
			r.Major = []string{"经济学", "工商管理", "汉语言文学", "社会工作", "市场营销"}[i%5]
		}
		r.LegalQualification = r.LawMajor && i%24 == 0
		if i%12 == 11 {
			r.Kind, r.Employment = "part_time", "rehired_retiree"
		}
		if i == 2 || i == 5 {
			r.Employment = "public_institution"
		}
		// Appointed three to eight years ago (before the demo's three years of
		// cases, so their figures count), not before 22; filed a few working days later.
		years := min(3+i%6, today.Year-r.BirthYear-22)
		appointed := today.AddDays(-365*years - (i*11)%200)
		due := grading.FilingDue(rules.Calendar, appointed)
		filed := rules.Calendar.AddWorkdays(appointed, 3+i%20)
		switch i {
		case 4: // filed a week after the deadline
			filed = due.AddDays(7)
		case 1: // appointed last month, not filed yet
			appointed = today.AddDays(-20)
			filed = calendar.Date{}
		}
		r.AppointedOn, r.TermEnd = appointed.String(), appointed.AddDays(365*5).String()
		if !filed.IsZero() {
			r.FiledOn = filed.String()
		}
		if sealer != nil {
			birth := time.Date(r.BirthYear, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, calendar.Shanghai())
			idn := domain.GenerateIDNumber("310115", birth, i%100, r.Sex == "female")
			phone := fmt.Sprintf("139%08d", 20000000+i*7919)
			r.IDSealed, r.IDHash, r.IDMask = sealer.Seal(idn), sealer.Hash(idn), domain.MaskIDNumber(idn)
			r.PhoneSealed, r.PhoneHash, r.PhoneMask = sealer.Seal(phone), sealer.Hash(phone), domain.MaskMobile(phone)
		}
		if err := st.PutMediatorRecord(ctx, r); err != nil {
			return fmt.Errorf("registry: %w", err)
		}
		// The longest-serving full-timers were graded 四级 at the last annual review.
		if r.Kind == "full_time" && i%6 == 5 {
			d := store.GradeDecision{UserID: id, From: grading.GradeNone, To: "4", DecidedOn: calendar.Date{Year: today.Year - 1, Month: 12, Day: 20}.String(),
				Basis: fmt.Sprintf("%d年度调解员等级评定（调委会主任会议纪要）", today.Year-1), Snapshot: "{}", Created: now}
			if err := st.DecideMediatorGrade(ctx, &d); err != nil {
				return fmt.Errorf("registry: %w", err)
			}
		}
	}
	return nil
}
