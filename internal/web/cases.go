package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/assignment"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/casefile"
	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/grouping"
	"github.com/tiaojie/tiaojie/internal/leads"
	"github.com/tiaojie/tiaojie/internal/mediation"
	"github.com/tiaojie/tiaojie/internal/settlement"
	"github.com/tiaojie/tiaojie/internal/store"
)

const pageSize = 50

type casesData struct {
	Q, Status, From, To, Due string
	Room                     int64
	Statuses                 []domain.Status
	Rooms                    []store.OrgUnit
	Rows                     []listRow
	Total                    int64
	Capped                   bool // more than Total match ("超过 1000 件")
	Page, Pages              int
	PrevURL, NextURL         string
	ExportURL                string
}

// Home sends case workers to their work and shows everyone else what they can do.
func (pg *Pages) Home(w http.ResponseWriter, r *http.Request) {
	p := auth.From(r.Context())
	if r.URL.Path == "/" && p.Can(domain.PermCaseDecide) {
		http.Redirect(w, r, "/desk", http.StatusSeeOther)
		return
	}
	if r.URL.Path == "/" && p.Can(domain.PermJudicial) {
		http.Redirect(w, r, "/court", http.StatusSeeOther)
		return
	}
	if r.URL.Path == "/" && p.Can(domain.PermCaseRead) {
		http.Redirect(w, r, "/cases", http.StatusSeeOther)
		return
	}
	if r.URL.Path == "/" && p.Can(domain.PermConsult) {
		http.Redirect(w, r, "/consultations", http.StatusSeeOther)
		return
	}
	pg.render(w, r, http.StatusOK, "home", "首页", homeData(p))
}

// listRow is one case of a list (the case list, the desks), its texts
// made in Go as timelineItem's are: a page lists fifty, and each field
// read from the case's wide row or label method called in the template is
// a reflected lookup or call.
type listRow struct {
	ID                                                   int64
	Number, Consumer, Merchant, Category, Room, Mediator string
	Status, StatusLabel, Outcome, Channel, Received      string
	Why                                                  string        // the desks: why the case waits there
	Clock                                                template.HTML // the running clock due first, "" when none runs
}

func listRows(rs []desk.Row) []listRow {
	out := make([]listRow, len(rs))
	for i, r := range rs {
		out[i] = listRowOf(r.Case, r.Room, r.Mediator, r.Outcome, r.Next)
		out[i].Why = desk.Why(r.Case)
	}
	return out
}

func listRowOf(c store.Case, room, mediator, outcome string, next *calendar.Deadline) listRow {
	return listRow{ID: c.ID, Number: c.Number, Consumer: c.ConsumerName, Merchant: c.MerchantName, Category: c.Category,
		Room: room, Mediator: mediator, Status: string(c.Status), StatusLabel: c.Status.Label(), Outcome: outcome,
		Channel: c.Channel.Label(), Received: datetime(c.ReceivedAt), Clock: clockCell(next)}
}

// clockCell is a list's 期限 cell: the clock, its due date and what is left.
func clockCell(d *calendar.Deadline) template.HTML {
	if d == nil {
		return ""
	}
	return template.HTML(template.HTMLEscapeString(d.Label)+" "+d.Due.String()+" ") + remaining(*d)
}

// remaining is what is left of a running clock, or how far it is overdue,
// and whether a suspension holds it.
func remaining(d calendar.Deadline) template.HTML {
	unit := "天"
	if d.WorkingDays {
		unit = "个工作日"
	}
	var s string
	switch {
	case d.Overdue:
		s = `<span class="overdue">已超期` + strconv.Itoa(-d.Remaining) + unit + `</span>`
	case d.Remaining <= 2:
		s = `<span class="soon">剩` + strconv.Itoa(d.Remaining) + unit + `</span>`
	default:
		s = "剩" + strconv.Itoa(d.Remaining) + unit
	}
	if d.Paused {
		s += ` <span class="badge">已中止</span>`
	}
	return template.HTML(s)
}

// listQuery reads the case list's filter, answering 400 itself on a bad value.
func (pg *Pages) listQuery(w http.ResponseWriter, r *http.Request) (desk.ListQuery, bool) {
	q, msg := desk.ParseList(r.URL.Query())
	if msg != "" {
		pg.Fail(w, r, http.StatusBadRequest, msg)
		return q, false
	}
	q.PartyHash = pg.Services.Intake.PartyHash(q.Text) // a phone or identity number finds its cases
	return q, true
}

// Cases lists the cases in the user's scope.
func (pg *Pages) Cases(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	v := r.URL.Query()
	q, ok := pg.listQuery(w, r)
	if !ok {
		return
	}
	res, err := pg.Services.Desk.List(ctx, p, q, pageSize)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	d := casesData{Q: q.Text, Status: v.Get("status"), From: v.Get("from"), To: v.Get("to"), Due: string(q.Due), Room: q.RoomID,
		Statuses: domain.Statuses, Rows: listRows(res.Rows), Total: res.Total, Capped: res.Capped, Page: res.Page, Pages: res.Pages}
	if d.Rooms, err = pg.CaseFile.Rooms(ctx, p); err != nil {
		pg.serverError(w, r, err)
		return
	}
	link := func(path string, n int, after *store.ListCursor) string {
		vv := url.Values{}
		for _, k := range []string{"q", "status", "room", "from", "to", "due"} {
			if x := v.Get(k); x != "" {
				vv.Set(k, x)
			}
		}
		if n > 0 {
			vv.Set("page", strconv.Itoa(n))
		}
		if after != nil {
			vv.Set("after", after.String())
		}
		if len(vv) == 0 {
			return path
		}
		return path + "?" + vv.Encode()
	}
	if d.Page > 1 {
		d.PrevURL = link("/cases", d.Page-1, nil)
	}
	switch {
	case res.Next != nil && q.Due == desk.DueAny:
		// The next page starts after this page's last case (keyset): it
		// costs the same at page 1 and page 20,000.
		d.NextURL = link("/cases", d.Page+1, res.Next)
	case d.Page < d.Pages:
		d.NextURL = link("/cases", d.Page+1, nil)
	}
	d.ExportURL = link("/cases/export.xlsx", 0, nil)
	pg.render(w, r, http.StatusOK, "cases", "案件", d)
}

// ExportCases sends the filtered case list as an .xlsx, with personal data masked.
func (pg *Pages) ExportCases(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q, ok := pg.listQuery(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	n, err := pg.Services.Desk.Export(ctx, auth.From(ctx), q, &buf)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.Log.Info("case list exported", "user", auth.From(ctx).Username, "rows", n)
	name := "案件清单" + calendar.DateOf(pg.now()).String() + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="cases.xlsx"; filename*=UTF-8''`+url.PathEscape(name))
	buf.WriteTo(w)
}

type caseData struct {
	D                any
	CanDecide        bool
	CanReroute       bool
	CanAct           bool // may take actions on this case whatever its status
	CanDecideDup     bool
	Consents         []store.Consent
	LeadKinds        domain.Reasons
	Review           []reviewCheck
	Mediators        []store.CaseMediator
	Assign           *assignment.Options
	BothAgreed       bool
	IsLead           bool
	Me               int64
	SuspendReasons   domain.Reasons
	TerminateReasons domain.Reasons
	Experts          []store.ExpertProfile
	Sessions         []store.Session
	Agreement        *store.Agreement
	Signatures       []store.Signature
	Signers          []agreement.SignerState // written agreements: each signer's state
	Form             caseForm                // a refused action, shown again with what was typed
	HasDocument      bool
	Judicial         *store.JudicialApplication
	JudicialRefused  string // the court system sent the last application back: why (none pending now)
	Courts           []store.OrgUnit
	FileItems        []domain.FileItem
	Archived         bool
	SessionKinds     domain.Reasons
	RecordTemplate   string
	Consultations    []store.Consultation
	RoomPeople       []store.User
	Offices          []store.OrgUnit
	MerchantPhone    string
	Duplicates       []grouping.FlagView
	Rooms            []store.OrgUnit
	RejectReasons    domain.Reasons
	IsMediator       bool                                          // one of the case's mediators: opens the online mediation
	CoCandidates     []assignment.Candidate                        // who may be added as a co-mediator
	Confirmed        map[int64]map[string]store.RecordConfirmation // session → party → confirmation of the record
	TermRows         []termRow                                     // the agreement form's five 履行事项, while mediating
	DraftFrom        int64                                         // the last proposal all accepted, prefilling them
	Commendations    []store.Commendation
	MeetingItems     []store.MeetingItem // 例会 decisions about the case
	CommendationOpen bool                // a commendation may be recorded now
	CommendationKind domain.Reasons
	Sync             store.SmartSync // state on the smart-mediation platform ("" never sent)
	SyncOn           bool
	Subsidy          *settlement.CaseView // 个案补贴, for who may see it
	Timeline         []timelineItem       // the events as the page lists them
}

// timelineItem is one event of the case's 办理记录, its texts made in Go:
// a page lists tens of events, and each function or method a template
// calls per row costs a reflected call.
type timelineItem struct {
	Label  string // what happened
	Move   string // "from → to" when the status changed
	Meta   string // when and by whom
	Reason string // the reason's label
	Note   string
}

// termRow is one 履行事项 of the agreement form: what was typed when the
// form was refused, else the accepted proposal's term. Made in Go for the
// same reason as timelineItem: five rows of six fields each.
type termRow struct {
	I, N                              int
	Consumer                          bool // performed by the consumer (else the merchant)
	Content, Amount, Manner, Deadline string
	Kinds                             template.HTML // the term kinds, the row's selected
}

func termRows(f caseForm, draft [5]domain.Term) []termRow {
	const action = "agreement/oral"
	rows := make([]termRow, len(draft))
	for i, t := range draft {
		get := func(name, fallback string) string { return f.Get(action, name+"_"+strconv.Itoa(i), fallback) }
		amount := "" // no amount: blank, not 0.00
		if t.AmountFen != 0 {
			amount = domain.FormatFen(t.AmountFen)
		}
		rows[i] = termRow{I: i, N: i + 1, Consumer: get("party", t.Party) == "consumer", Content: get("content", t.Content),
			Amount: get("amount", amount), Manner: get("manner", t.Manner), Deadline: get("deadline", t.Deadline),
			Kinds: optionsOf(statCodes.List("term_kind"), statPair, get("kind", t.Kind))}
	}
	return rows
}

// timeline is the page's 办理记录 of events.
func timeline(evs []store.Event) []timelineItem {
	out := make([]timelineItem, len(evs))
	for i, e := range evs {
		it := timelineItem{Label: domain.EventLabel(e.Type), Meta: datetime(e.At) + " · " + e.ActorName, Note: e.Note}
		if e.FromStatus != "" && e.ToStatus != "" && e.FromStatus != e.ToStatus {
			it.Move = e.FromStatus.Label() + " → " + e.ToStatus.Label()
		}
		if e.ReasonCode != "" {
			it.Reason = reasonLabel(e.ReasonCode)
		}
		out[i] = it
	}
	return out
}

// suspendChoices are the reasons a mediator may pick to suspend a case: a
// recusal suspends it through its own form.
var suspendChoices = func() domain.Reasons {
	var out domain.Reasons
	for _, r := range domain.SuspendReasons {
		if r.Code != "recusal_pending" {
			out = append(out, r)
		}
	}
	return out
}()

// Case shows one case with parties, clocks and timeline.
func (pg *Pages) Case(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		pg.Fail(w, r, http.StatusNotFound, "案件不存在")
		return
	}
	pg.showCase(w, r, id, http.StatusOK)
}

func (pg *Pages) showCase(w http.ResponseWriter, r *http.Request, id int64, status int, form ...caseForm) {
	ctx := r.Context()
	p := auth.From(ctx)
	d, err := pg.Intake.Detail(ctx, p, id)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	f, err := pg.CaseFile.ViewCase(ctx, p, d.Case) // Detail authorised the case
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	data := caseData{D: d, RejectReasons: domain.RejectReasons, Form: firstForm(form),
		CanDecide: d.Case.Status == domain.StatusReceived && p.CanOnCase(domain.PermCaseDecide, d.Case),
		Consents:  f.Consents, Mediators: f.Mediators, Archived: f.Archived, Sessions: f.Sessions, Consultations: f.Consultations,
		Commendations: f.Commendations, MeetingItems: f.MeetingItems}
	if sv, ok, err := pg.Services.Subsidies.ForCase(ctx, p, d.Case); err != nil {
		pg.serverError(w, r, err)
		return
	} else if ok {
		data.Subsidy = &sv
	}
	for _, party := range d.Case.Parties {
		if party.Kind == "merchant" {
			data.MerchantPhone = party.PhoneMask
		}
	}
	// Read after Detail checked the case is in the viewer's scope, and
	// only when the side-list probe found a row (most cases have none).
	if f.Sides.SmartSync {
		if data.Sync, err = pg.Services.Sync.CaseState(ctx, id); err != nil {
			pg.serverError(w, r, err)
			return
		}
	}
	data.SyncOn = pg.Services.Sync.On()
	if pg.Grouping != nil {
		if f.Sides.Duplicates {
			if data.Duplicates, err = pg.Grouping.Flags(ctx, p, d.Case); err != nil {
				pg.serverError(w, r, err)
				return
			}
		}
		data.CanDecideDup = d.Case.Status.Open() && p.CanOnCase(domain.PermCaseDecide, d.Case)
	}
	if d.Case.Status.Open() && p.CanOnCase(domain.PermCaseDecide, d.Case) && pg.Diversion != nil {
		data.Rooms, data.CanReroute = f.Rooms, true
		data.LeadKinds = leads.Kinds
		if data.Offices, err = pg.Services.Leads.Offices(r.Context(), d.Case); err != nil {
			pg.serverError(w, r, err)
			return
		}
	}
	if data.CanDecide {
		data.Review = review(d.Case, data.Duplicates)
	}
	agreed := 0
	for _, x := range data.Consents {
		if x.Decision == "agree" {
			agreed++
		}
	}
	data.BothAgreed, data.Me = agreed == 2, p.UserID
	data.IsLead = p.Has(domain.RoleRoomLead) || p.Has(domain.RoleCommittee)
	data.SuspendReasons, data.TerminateReasons = suspendChoices, domain.TerminateReasons
	data.CanAct = p.CanOnCase(domain.PermCaseDecide, d.Case)
	data.SessionKinds, data.RecordTemplate = mediation.SessionKinds, mediation.RecordTemplate
	if f.Agreement != nil {
		a := *f.Agreement
		data.Agreement, data.Judicial, data.Signatures = &a, f.Judicial, f.Signatures
		if data.Judicial == nil {
			data.JudicialRefused = agreement.LastRefusal(d.Events)
		}
		data.HasDocument = a.Kind == "written" && a.EffectiveAt != nil
		if data.Judicial == nil && data.HasDocument && data.CanAct && pg.Agreement != nil {
			if data.Courts, err = pg.Agreement.Courts(ctx, d.Case); err != nil {
				pg.serverError(w, r, err)
				return
			}
		}
		if a.Kind == "written" && pg.Agreement != nil {
			if data.Signers, err = pg.Agreement.SignerStates(ctx, d.Case); err != nil {
				pg.serverError(w, r, err)
				return
			}
		}
		// Signed and sealed is a written agreement, whatever an older row says.
		if f.Form == "书面协议" {
			data.Agreement.Kind = "written"
		}
	}
	if pg.Agreement != nil && data.CanAct {
		switch d.Case.Status {
		case domain.StatusFollowedUp, domain.StatusTerminated, domain.StatusWithdrawn, domain.StatusRejected:
			if data.FileItems, err = pg.Agreement.Checklist(ctx, d.Case, d.Events); err != nil {
				pg.serverError(w, r, err)
				return
			}
		}
	}
	if err := pg.mediatorsData(r, d.Case, f, &data); err != nil {
		pg.serverError(w, r, err)
		return
	}
	if pg.Consultation != nil && data.CanAct {
		if d.Case.Status.Open() {
			if data.Experts, err = pg.Consultation.Experts(ctx, d.Case); err != nil {
				pg.serverError(w, r, err)
				return
			}
		}
	}
	if data.CanReroute && d.Case.Status == domain.StatusSuspended {
		if data.RoomPeople, err = pg.roomPeople(r, d.Case); err != nil {
			pg.serverError(w, r, err)
			return
		}
	}
	if pg.Assignment != nil && data.CanReroute && d.Case.Status == domain.StatusConsenting && data.BothAgreed && d.Case.RoomID != 0 {
		o, err := pg.Assignment.Options(ctx, d.Case)
		if err != nil {
			pg.serverError(w, r, err)
			return
		}
		data.Assign = &o
	}
	data.Timeline = timeline(d.Events)
	pg.render(w, r, status, "case", d.Case.Number, data)
}

// reviewCheck is one point of the acceptance review (受理审查) against the
// legal grounds for refusal.
type reviewCheck struct {
	Label  string
	OK     bool
	Detail string
}

func review(c store.Case, dups []grouping.FlagView) []reviewCheck {
	var consumer, merchant store.Party
	for _, p := range c.Parties {
		if p.Kind == "consumer" {
			consumer = p
		} else {
			merchant = p
		}
	}
	facts := consumer.Name != "" && consumer.PhoneHash != "" && merchant.Name != "" && c.Description != ""
	checks := []reviewCheck{
		{"申请人、被申请人、请求和事实齐全", facts, map[bool]string{true: "已具备", false: "缺少必要信息，可以“未提供具体的纠纷事实”不予受理"}[facts]},
		{"申请人身份已核实", consumer.IDHash != "", map[bool]string{true: "已登记身份证号码 " + consumer.IDMask, false: "未登记身份证号码，请核实身份；申请人拒绝核实的可不予受理"}[consumer.IDHash != ""]},
	}
	open := 0
	var nums []string
	for _, d := range dups {
		if d.Flag.Status == "open" || d.Flag.Status == "merged" {
			open++
			nums = append(nums, d.Other.Number)
		}
	}
	dupDetail := "未发现本平台内的同一纠纷；投诉编号、法院案号重复的已在登记时拒绝"
	if open > 0 {
		dupDetail = "疑似与" + strings.Join(nums, "、") + "为同一纠纷，请核实后合并或排除"
	}
	checks = append(checks, reviewCheck{"同一纠纷未由其他机构或本委员会处理", open == 0, dupDetail})
	age := time.Since(c.ReceivedAt)
	checks = append(checks, reviewCheck{"未超过三年", age < 3*365*24*time.Hour, "请核实消费者知道或应当知道权益受损之日是否已超过三年"})
	return checks
}

// mediatorsData fills what the case page shows about who mediates: the way
// into online mediation, co-mediators that may be added, and which parties
// confirmed each session record.
func (pg *Pages) mediatorsData(r *http.Request, c store.Case, f casefile.View, data *caseData) error {
	ctx := r.Context()
	p := auth.From(ctx)
	for _, m := range data.Mediators {
		data.IsMediator = data.IsMediator || m.UserID == p.UserID
	}
	if pg.Assignment != nil && data.CanAct && c.PresidingID != 0 && c.Status.Open() && (p.CanOnCase(domain.PermRoomManage, c) || c.PresidingID == p.UserID) {
		o, err := pg.Assignment.Options(ctx, c)
		if err != nil {
			return err
		}
		for _, cand := range o.Candidates {
			if cand.UserID != c.PresidingID {
				data.CoCandidates = append(data.CoCandidates, cand)
			}
		}
	}
	var draft [5]domain.Term
	for _, pr := range f.Proposals { // only while mediating
		if pr.Status == "accepted" && pr.Channel == store.ChannelJoint {
			draft, data.DraftFrom = [5]domain.Term{}, pr.ID
			copy(draft[:], pr.Terms)
		}
	}
	if data.CanAct && c.Status == domain.StatusMediating {
		data.TermRows = termRows(data.Form, draft)
	}
	switch c.Status {
	case domain.StatusMediating, domain.StatusAgreed, domain.StatusPerforming, domain.StatusFollowedUp, domain.StatusTerminated:
		data.CommendationOpen = data.CanAct
	}
	data.CommendationKind = agreement.CommendationKinds
	data.Confirmed = map[int64]map[string]store.RecordConfirmation{}
	for _, x := range f.Confirmations {
		if data.Confirmed[x.SessionID] == nil {
			data.Confirmed[x.SessionID] = map[string]store.RecordConfirmation{}
		}
		data.Confirmed[x.SessionID][x.Party] = x
	}
	return nil
}

func firstForm(fs []caseForm) caseForm {
	if len(fs) > 0 {
		return fs[0]
	}
	return caseForm{}
}
