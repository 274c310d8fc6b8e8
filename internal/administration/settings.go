package administration

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

var (
	// ErrNoOverride: the date has no override to delete.
	ErrNoOverride = access.NotFound("该日期没有调整")
	// ErrPolicyDateTaken: a policy version already starts on that date.
	ErrPolicyDateTaken = access.Conflict("该生效日期已有规则版本")
)

// DayOff is a coming day without work, with why.
type DayOff struct {
	Date   calendar.Date
	Reason string
}

// CalendarView is the overrides and the days off of the coming 90 days.
type CalendarView struct {
	Overrides []store.CalendarOverride
	From      calendar.Date
	DaysOff   []DayOff
}

// Calendar shows the working-day calendar to who keeps the settings.
func (s *Service) Calendar(ctx context.Context, p *auth.Principal) (CalendarView, error) {
	if !p.Can(domain.PermSettings) {
		return CalendarView{}, access.ErrForbidden
	}
	rules, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return CalendarView{}, fmt.Errorf("load deadline rules: %w", err)
	}
	os, err := s.Store.ListCalendarOverrides(ctx)
	if err != nil {
		return CalendarView{}, fmt.Errorf("list calendar overrides: %w", err)
	}
	v := CalendarView{Overrides: os, From: calendar.DateOf(s.now())}
	for i := 0; i < 90; i++ {
		day := v.From.AddDays(i)
		if work, reason := rules.Calendar.DayInfo(day); !work {
			v.DaysOff = append(v.DaysOff, DayOff{day, reason})
		}
	}
	return v, nil
}

// PutCalendarOverride makes one date a working day (kind "work") or a day
// off ("off"), winning over the State Council schedule.
func (s *Service) PutCalendarOverride(ctx context.Context, p *auth.Principal, date, kind, name string) (store.CalendarOverride, error) {
	if !p.Can(domain.PermSettings) {
		return store.CalendarOverride{}, access.ErrForbidden
	}
	name = strings.TrimSpace(name)
	o := store.CalendarOverride{Date: date, Workday: kind == "work", Name: name, UpdatedBy: p.UserID}
	d, err := calendar.ParseDate(date)
	fe := func(field, msg string) (store.CalendarOverride, error) {
		return o, &domain.FieldError{Field: field, Message: msg}
	}
	switch {
	case err != nil:
		return fe("date", "日期格式应为 YYYY-MM-DD")
	case d.Year < 2000 || d.Year > 2100:
		return fe("date", "日期应在2000年至2100年之间")
	case name == "" || utf8.RuneCountInString(name) > 50:
		return fe("name", "请填写名称（不超过50个字）")
	case kind != "work" && kind != "off":
		return fe("kind", "请选择调整为工作日或休息日")
	}
	o.Date = d.String()
	if err := s.Store.PutCalendarOverride(ctx, o); err != nil {
		return o, fmt.Errorf("put calendar override: %w", err)
	}
	return o, nil
}

// DeleteCalendarOverride removes one date's override.
func (s *Service) DeleteCalendarOverride(ctx context.Context, p *auth.Principal, date string) error {
	if !p.Can(domain.PermSettings) {
		return access.ErrForbidden
	}
	err := s.Store.DeleteCalendarOverride(ctx, date)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNoOverride
	}
	if err != nil {
		return fmt.Errorf("delete calendar override: %w", err)
	}
	return nil
}

// Policies lists the versioned deadline rules.
func (s *Service) Policies(ctx context.Context, p *auth.Principal) ([]store.Policy, error) {
	if !p.Can(domain.PermSettings) {
		return nil, access.ErrForbidden
	}
	ps, err := s.Store.ListPolicies(ctx)
	if err != nil {
		return nil, fmt.Errorf("list policies: %w", err)
	}
	return ps, nil
}

// AddPolicy stores a new policy version (or changes one not yet in force).
// It must start after today, so that no accepted case changes its rules
// after the fact.
func (s *Service) AddPolicy(ctx context.Context, p *auth.Principal, sp *store.Policy) error {
	if !p.Can(domain.PermSettings) {
		return access.ErrForbidden
	}
	sp.Code, sp.Name, sp.EffectiveFrom = strings.TrimSpace(sp.Code), strings.TrimSpace(sp.Name), strings.TrimSpace(sp.EffectiveFrom)
	// A day that does not parse would reach the rules as no day at all.
	if _, err := calendar.ParseDate(sp.EffectiveFrom); err != nil && sp.EffectiveFrom != "" {
		return &domain.FieldError{Field: "effective_from", Message: "生效日期无效：" + sp.EffectiveFrom + "，应为“2027-01-01”这样的日期"}
	}
	cp := deadline.ToCalendar(*sp)
	if err := cp.Validate(); err != nil {
		return policyInvalid(err)
	}
	today := calendar.DateOf(s.now())
	if !today.Before(cp.EffectiveFrom) {
		return &domain.FieldError{Field: "effective_from", Message: "新版本的生效日期须晚于今天"}
	}
	// The store updates a version by its code: only one not yet in force
	// may change, and the check and the write are one transaction.
	return s.Store.InTx(ctx, func(tx store.Store) error {
		ps, err := tx.ListPolicies(ctx)
		if err != nil {
			return fmt.Errorf("list policies: %w", err)
		}
		for _, old := range ps {
			if old.Code == sp.Code && !today.Before(deadline.ToCalendar(old).EffectiveFrom) {
				return &domain.FieldError{Field: "code", Message: "代码为" + sp.Code + "的版本已经生效，不能修改，请使用新代码"}
			}
		}
		err = tx.PutPolicy(ctx, sp)
		if errors.Is(err, store.ErrConflict) {
			return ErrPolicyDateTaken
		}
		if err != nil {
			return fmt.Errorf("put policy: %w", err)
		}
		return nil
	})
}

// policyInvalid turns the calendar package's joined messages into one
// validation error that lists each.
func policyInvalid(err error) error {
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	ve := &access.ValidationError{}
	for _, e := range errs {
		ve.Fields = append(ve.Fields, &domain.FieldError{Field: "policy", Message: e.Error()})
	}
	return ve
}
