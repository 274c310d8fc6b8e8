// Package standards is the 标准引领 capability: inspections of a room
// against the district standard (internal/roomstandard) with findings,
// photos and rectification items followed until done, and 示范工作室
// designation from the latest inspection and the room's evaluation figures.
package standards

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/evidence"
	"github.com/tiaojie/tiaojie/internal/roomstandard"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service records inspections and designations.
type Service struct {
	Store     store.Store
	Scorecard *scorecard.Service
	Rules     *roomstandard.ModelRules // nil: roomstandard.DefaultModelRules
	Now       func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) today() calendar.Date { return calendar.DateOf(s.now()) }

func (s *Service) rules() roomstandard.ModelRules {
	if s.Rules != nil {
		return *s.Rules
	}
	return roomstandard.DefaultModelRules
}

func invalid(field, msg string) error {
	return &access.ValidationError{Fields: []*domain.FieldError{{Field: field, Message: msg}}}
}

// scope is the rooms p reaches with routine.read.
type scope struct {
	units []store.OrgUnit
	rooms []store.OrgUnit
}

func (sc scope) committees() []int64 {
	seen := map[int64]bool{}
	out := []int64{}
	for _, r := range sc.rooms {
		if !seen[r.ParentID] {
			seen[r.ParentID] = true
			out = append(out, r.ParentID)
		}
	}
	return out
}

func (sc scope) room(id int64) (store.OrgUnit, bool) {
	for _, r := range sc.rooms {
		if r.ID == id {
			return r, true
		}
	}
	return store.OrgUnit{}, false
}

func (sc scope) unit(id int64) store.OrgUnit {
	for _, u := range sc.units {
		if u.ID == id {
			return u
		}
	}
	return store.OrgUnit{}
}

func (s *Service) resolve(ctx context.Context, p *auth.Principal) (scope, error) {
	if p == nil || !p.Can(domain.PermRoutineRead) {
		return scope{}, access.Forbidden("无权查看工作室标准化建设")
	}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return scope{}, fmt.Errorf("list org units: %w", err)
	}
	sc := scope{units: units}
	for _, u := range units {
		if u.Kind.IsRoom() && p.Reaches(domain.PermRoutineRead, u.Path) {
			sc.rooms = append(sc.rooms, u)
		}
	}
	if len(sc.rooms) == 0 {
		return scope{}, access.Forbidden("本账号没有可查看的调解工作室")
	}
	return sc, nil
}

// canInspect: inspections and designations are the committee's (or the
// justice bureau's) — a binding above the room, never the room's own staff.
func canInspect(p *auth.Principal, room store.OrgUnit, units []store.OrgUnit) bool {
	for _, b := range p.Bindings {
		if domain.RoleHas(b.Role, domain.PermRoutineManage) && b.OrgPath != "" && b.OrgPath != room.Path && strings.HasPrefix(room.Path, b.OrgPath) {
			return true
		}
	}
	return false
}

// RoomRow is one room on the standards page.
type RoomRow struct {
	Room        store.OrgUnit
	Latest      *store.Inspection
	Percent     float64
	Designation *store.Designation // standing
	OpenRectifs int
	Overdue     int
	Verdict     *roomstandard.Verdict // when the viewer may designate
}

// Overview is the standards page.
type Overview struct {
	Rooms           []RoomRow
	Overdue         []store.Rectification
	Designations    []store.Designation
	Standard        roomstandard.Standard
	Rules           roomstandard.ModelRules
	CanInspect      bool
	Today           string
	EvalUnavailable string // why the evaluation figures could not be read
}

// Overview lists the rooms p may see with their latest inspection score,
// designation and, for whoever may designate, whether they qualify and why.
func (s *Service) Overview(ctx context.Context, p *auth.Principal) (Overview, error) {
	sc, err := s.resolve(ctx, p)
	if err != nil {
		return Overview{}, err
	}
	today := s.today()
	ov := Overview{Standard: roomstandard.Default(), Rules: s.rules(), Today: today.String()}
	roomIDs := make([]int64, len(sc.rooms))
	for i, r := range sc.rooms {
		roomIDs[i] = r.ID
	}
	ins, err := s.Store.LatestInspections(ctx, roomIDs)
	if err != nil {
		return Overview{}, err
	}
	latest := map[int64]*store.Inspection{}
	for i := range ins {
		latest[ins[i].RoomID] = &ins[i]
	}
	rects, err := s.Store.ListRectifications(ctx, store.RectificationQuery{CommitteeIDs: sc.committees(), OpenOnly: true})
	if err != nil {
		return Overview{}, err
	}
	des, err := s.Store.ListDesignations(ctx, sc.committees())
	if err != nil {
		return Overview{}, err
	}
	standing := map[int64]*store.Designation{}
	for i := range des {
		if _, ok := sc.room(des[i].RoomID); ok {
			ov.Designations = append(ov.Designations, des[i])
			if des[i].RevokedDay == "" {
				standing[des[i].RoomID] = &des[i]
			}
		}
	}
	figures := map[int64]roomstandard.ModelFacts{}
	for _, cid := range sc.committees() {
		c := sc.unit(cid)
		if !canInspect(p, store.OrgUnit{Path: c.Path + "x"}, sc.units) {
			continue
		}
		ov.CanInspect = true
		f, err := s.roomFigures(ctx, p, c, today)
		if err != nil {
			var ae *access.Error
			if errors.As(err, &ae) {
				ov.EvalUnavailable = ae.Message
				continue
			}
			return Overview{}, err
		}
		for id, v := range f {
			figures[id] = v
		}
	}
	for _, r := range sc.rooms {
		row := RoomRow{Room: r, Latest: latest[r.ID], Designation: standing[r.ID]}
		if row.Latest != nil {
			row.Percent = roomstandard.Percent(row.Latest.EarnedX10, row.Latest.PossibleX10)
		}
		for _, rc := range rects {
			if rc.RoomID != r.ID {
				continue
			}
			row.OpenRectifs++
			if due, err := calendar.ParseDate(rc.DueDay); err == nil && roomstandard.Overdue(due, today) {
				row.Overdue++
			}
		}
		if f, ok := figures[r.ID]; ok && canInspect(p, r, sc.units) {
			f = s.facts(f, row)
			v := roomstandard.Judge(s.rules(), f, today)
			row.Verdict = &v
		}
		ov.Rooms = append(ov.Rooms, row)
	}
	for _, rc := range rects {
		if due, err := calendar.ParseDate(rc.DueDay); err == nil && roomstandard.Overdue(due, today) {
			if _, ok := sc.room(rc.RoomID); ok {
				ov.Overdue = append(ov.Overdue, rc)
			}
		}
	}
	return ov, nil
}

func (s *Service) facts(f roomstandard.ModelFacts, row RoomRow) roomstandard.ModelFacts {
	if row.Latest != nil {
		if d, err := calendar.ParseDate(row.Latest.Day); err == nil {
			f.InspectionDay, f.InspectionPercent = d, row.Percent
		}
	}
	f.OverdueOpen = row.Overdue
	return f
}

// roomFigures reads the committee's rooms' success and on-time closure
// figures for the last 12 months from the scorecard (the rollups).
func (s *Service) roomFigures(ctx context.Context, p *auth.Principal, committee store.OrgUnit, today calendar.Date) (map[int64]roomstandard.ModelFacts, error) {
	from := calendar.DateOf(today.Time().AddDate(-1, 0, 1))
	sc, err := s.Scorecard.Scores(ctx, p, scorecard.Query{Unit: committee.Code, Level: scorecard.LevelRoom, From: from.String(), To: today.String()})
	if err != nil {
		return nil, err
	}
	out := map[int64]roomstandard.ModelFacts{}
	for _, row := range sc.Rows {
		f := roomstandard.ModelFacts{From: sc.Period.From, To: sc.Period.To}
		for _, ind := range row.Result.Indicators {
			switch ind.Code {
			case evaluation.IndicatorSuccess:
				f.SuccessNum, f.SuccessDen = int64(ind.Numerator), int64(ind.Denominator)
			case evaluation.IndicatorOnTimeClosure:
				f.OnTimeNum, f.OnTimeDen = int64(ind.Numerator), int64(ind.Denominator)
			}
		}
		out[row.Subject.ID] = f
	}
	return out, nil
}

// ItemInput is one checklist item's result.
type ItemInput struct {
	Code, Result, Note string
}

// PhotoInput is an uploaded photo.
type PhotoInput struct {
	ItemCode string
	Name     string
	Data     []byte
}

// RectifInput is a finding to put right.
type RectifInput struct {
	ItemCode, Text, Due, Owner string
}

// InspectionInput records an inspection.
type InspectionInput struct {
	RoomID         int64
	Day            string
	Inspectors     string
	Note           string
	Items          []ItemInput
	Photos         []PhotoInput
	Rectifications []RectifInput
}

// Record scores and stores an inspection, its photos (checked by content)
// and its rectification items, all or nothing.
func (s *Service) Record(ctx context.Context, p *auth.Principal, in InspectionInput) (store.Inspection, error) {
	sc, err := s.resolve(ctx, p)
	if err != nil {
		return store.Inspection{}, err
	}
	room, ok := sc.room(in.RoomID)
	if !ok {
		return store.Inspection{}, access.NotFound("工作室不存在或无权查看")
	}
	if !canInspect(p, room, sc.units) {
		return store.Inspection{}, access.Forbidden("检查由调委会或司法行政机关登记，工作室不能自查自评")
	}
	std := roomstandard.Default()
	var errs []*domain.FieldError
	bad := func(f, m string) { errs = append(errs, &domain.FieldError{Field: f, Message: m}) }
	today := s.today()
	day, derr := calendar.ParseDate(strings.TrimSpace(in.Day))
	switch {
	case derr != nil || day.String() != strings.TrimSpace(in.Day):
		bad("day", "请填写检查日期，格式为 YYYY-MM-DD")
	case day.After(today):
		bad("day", fmt.Sprintf("检查日期不能在未来：今天是 %s", today))
	}
	inspectors := strings.TrimSpace(in.Inspectors)
	if inspectors == "" || utf8.RuneCountInString(inspectors) > 100 {
		bad("inspectors", "请填写检查人员（不超过100字）")
	}
	results := map[string]string{}
	var items []store.InspectionItem
	for _, it := range in.Items {
		results[it.Code] = it.Result
		items = append(items, store.InspectionItem{Code: it.Code, Result: it.Result, Note: strings.TrimSpace(it.Note)})
	}
	score, ferrs := roomstandard.Evaluate(std, results)
	errs = append(errs, ferrs...)
	var photos []store.InspectionPhoto
	for _, ph := range in.Photos {
		typ, err := evidence.Picture(ph.Data)
		if err != nil {
			var fe *domain.FieldError
			if errors.As(err, &fe) {
				bad("photos", fmt.Sprintf("照片“%s”：%s", evidence.FileName(ph.Name, ""), fe.Message))
				continue
			}
			return store.Inspection{}, err
		}
		data := evidence.StripMetadata(ph.Data, typ)
		sum := sha256.Sum256(data)
		photos = append(photos, store.InspectionPhoto{ItemCode: ph.ItemCode, Name: evidence.FileName(ph.Name, typ), ContentType: typ,
			SHA256: hex.EncodeToString(sum[:]), Data: data})
	}
	var rects []store.Rectification
	for i, r := range in.Rectifications {
		text, owner := strings.TrimSpace(r.Text), strings.TrimSpace(r.Owner)
		if text == "" && owner == "" && strings.TrimSpace(r.Due) == "" {
			continue
		}
		n := i + 1
		if text == "" {
			bad("rectifications", fmt.Sprintf("第%d条整改事项没有内容", n))
		}
		if owner == "" {
			bad("rectifications", fmt.Sprintf("第%d条整改事项请填写责任人", n))
		}
		due, err := calendar.ParseDate(strings.TrimSpace(r.Due))
		if err != nil {
			bad("rectifications", fmt.Sprintf("第%d条整改事项的整改期限无效，格式为 YYYY-MM-DD", n))
		} else if derr == nil && due.Before(day) {
			bad("rectifications", fmt.Sprintf("第%d条整改事项的期限 %s 早于检查日期", n, due))
		}
		if r.ItemCode != "" {
			if _, _, ok := std.Item(r.ItemCode); !ok {
				bad("rectifications", fmt.Sprintf("第%d条整改事项关联的检查项“%s”不存在", n, r.ItemCode))
			}
		}
		rects = append(rects, store.Rectification{ItemCode: r.ItemCode, Text: text, DueDay: due.String(), Owner: owner})
	}
	if len(errs) > 0 {
		return store.Inspection{}, &access.ValidationError{Fields: errs}
	}
	insp := store.Inspection{CommitteeID: room.ParentID, RoomID: room.ID, RoomName: room.Name, Day: day.String(), StandardVersion: std.Version,
		Inspectors: inspectors, EarnedX10: score.EarnedX10, PossibleX10: score.PossibleX10, Note: strings.TrimSpace(in.Note),
		RecordedBy: p.UserID, Created: s.now(), Items: items, Photos: photos, Rectifications: rects}
	if err := s.Store.AddInspection(ctx, &insp); err != nil {
		return store.Inspection{}, fmt.Errorf("record inspection: %w", err)
	}
	return insp, nil
}

// ItemRow is a checklist line with its result.
type ItemRow struct {
	Part        string
	Item        roomstandard.Item
	Result      string
	ResultLabel string
	Note        string
}

// InspectionView is an inspection as shown.
type InspectionView struct {
	store.Inspection
	Standard  roomstandard.Standard
	Rows      []ItemRow
	Percent   float64
	Parts     []roomstandard.PartScore
	CanManage bool // may close rectification items
	Today     string
}

// Inspection is one inspection p may see.
func (s *Service) Inspection(ctx context.Context, p *auth.Principal, id int64) (InspectionView, error) {
	sc, err := s.resolve(ctx, p)
	if err != nil {
		return InspectionView{}, err
	}
	in, err := s.Store.GetInspection(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return InspectionView{}, access.NotFound("检查记录不存在或无权查看")
	}
	if err != nil {
		return InspectionView{}, fmt.Errorf("get inspection: %w", err)
	}
	room, ok := sc.room(in.RoomID)
	if !ok {
		return InspectionView{}, access.NotFound("检查记录不存在或无权查看")
	}
	std, ok := roomstandard.Lookup(in.StandardVersion)
	if !ok {
		std = roomstandard.Default()
	}
	v := InspectionView{Inspection: in, Standard: std, Percent: roomstandard.Percent(in.EarnedX10, in.PossibleX10),
		CanManage: p.Reaches(domain.PermRoutineManage, room.Path), Today: s.today().String()}
	res := map[string]store.InspectionItem{}
	results := map[string]string{}
	for _, it := range in.Items {
		res[it.Code] = it
		results[it.Code] = it.Result
	}
	if score, errs := roomstandard.Evaluate(std, results); errs == nil {
		v.Parts = score.Parts
	}
	for _, part := range std.Parts {
		for _, it := range part.Items {
			r := res[it.Code]
			v.Rows = append(v.Rows, ItemRow{Part: part.Name, Item: it, Result: r.Result, ResultLabel: roomstandard.ResultLabel(r.Result), Note: r.Note})
		}
	}
	return v, nil
}

// Photo is one photo's bytes, for serving.
func (s *Service) Photo(ctx context.Context, p *auth.Principal, inspectionID, photoID int64) (store.InspectionPhoto, error) {
	if _, err := s.Inspection(ctx, p, inspectionID); err != nil {
		return store.InspectionPhoto{}, err
	}
	ph, err := s.Store.GetInspectionPhoto(ctx, inspectionID, photoID)
	if errors.Is(err, store.ErrNotFound) {
		return store.InspectionPhoto{}, access.NotFound("照片不存在")
	}
	return ph, err
}

// CompleteRectification closes an open item of an inspection: the room's
// lead or the committee.
func (s *Service) CompleteRectification(ctx context.Context, p *auth.Principal, inspectionID, rectID int64, note string) error {
	v, err := s.Inspection(ctx, p, inspectionID)
	if err != nil {
		return err
	}
	if !v.CanManage {
		return access.Forbidden("无权登记整改完成")
	}
	found := false
	for _, r := range v.Rectifications {
		found = found || r.ID == rectID
	}
	note = strings.TrimSpace(note)
	if !found {
		return access.NotFound("整改事项不存在")
	}
	if note == "" {
		return invalid("note", "请填写整改完成情况")
	}
	if err := s.Store.CompleteRectification(ctx, rectID, s.today().String(), note, p.UserID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return access.Conflict("该整改事项已完成")
		}
		return fmt.Errorf("complete rectification: %w", err)
	}
	return nil
}

// OverdueRectifications lists every open rectification item past its due
// day on today, across all committees: the lead's warning sweep reads it.
func (s *Service) OverdueRectifications(ctx context.Context, today calendar.Date) ([]store.Rectification, error) {
	return s.Store.ListRectifications(ctx, store.RectificationQuery{DueBefore: today.String()})
}

// Designate records the committee's designation of a qualifying room.
func (s *Service) Designate(ctx context.Context, p *auth.Principal, roomID int64) (store.Designation, error) {
	ov, err := s.Overview(ctx, p)
	if err != nil {
		return store.Designation{}, err
	}
	for _, r := range ov.Rooms {
		if r.Room.ID != roomID {
			continue
		}
		if r.Verdict == nil {
			if ov.EvalUnavailable != "" {
				return store.Designation{}, access.Forbidden(ov.EvalUnavailable)
			}
			return store.Designation{}, access.Forbidden("示范工作室由调委会认定")
		}
		if r.Designation != nil {
			return store.Designation{}, access.Conflict(fmt.Sprintf("“%s”已是示范工作室（%s 认定）", r.Room.Name, r.Designation.Day))
		}
		if !r.Verdict.Qualifies {
			return store.Designation{}, invalid("room", fmt.Sprintf("“%s”不符合示范工作室条件：%s", r.Room.Name, r.Verdict.Basis()))
		}
		d := store.Designation{CommitteeID: r.Room.ParentID, RoomID: roomID, RoomName: r.Room.Name, Day: ov.Today, DesignatedBy: p.UserID,
			Designator: p.DisplayName, Basis: r.Verdict.Basis(), Created: s.now()}
		if err := s.Store.AddDesignation(ctx, &d); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return store.Designation{}, access.Conflict("该工作室已是示范工作室")
			}
			return store.Designation{}, fmt.Errorf("designate: %w", err)
		}
		return d, nil
	}
	return store.Designation{}, access.NotFound("工作室不存在或无权查看")
}

// Revoke ends a standing designation, with the reason.
func (s *Service) Revoke(ctx context.Context, p *auth.Principal, designationID int64, reason string) error {
	ov, err := s.Overview(ctx, p)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	for _, d := range ov.Designations {
		if d.ID != designationID {
			continue
		}
		if !ov.CanInspect {
			return access.Forbidden("示范工作室由调委会认定和撤销")
		}
		if reason == "" {
			return invalid("reason", "请填写撤销理由")
		}
		if err := s.Store.RevokeDesignation(ctx, d.ID, ov.Today, reason, p.UserID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return access.Conflict("该认定已撤销")
			}
			return fmt.Errorf("revoke designation: %w", err)
		}
		return nil
	}
	return access.NotFound("认定记录不存在或无权查看")
}
