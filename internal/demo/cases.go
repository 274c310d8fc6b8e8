package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// actor is who an event is recorded for.
type actor struct {
	id   int64
	name string
}

// roomInfo is what case generation needs about one room.
type roomInfo struct {
	unit      store.OrgUnit
	regulator store.OrgUnit // the 市场监管所 that diverts 12315 complaints to it
	mediator  actor
	merchants []store.Merchant // enterprise rooms: the bound merchants
}

// env is the demo organisation as found in the database.
type env struct {
	committee store.OrgUnit
	rooms     []roomInfo // 38 office rooms, then 30 enterprise rooms
	areaRoom  map[string]int
	court     store.OrgUnit
	courtUser actor
	rules     deadline.Rules
	existing  int64 // cases already stored
}

func loadEnv(ctx context.Context, st store.Store) (*env, error) {
	e := &env{areaRoom: map[string]int{}}
	var err error
	if e.committee, err = st.GetOrgUnitByCode(ctx, CodeCommittee); errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoDemoOrg
	} else if err != nil {
		return nil, err
	}
	units, err := st.ListOrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]store.OrgUnit, len(units))
	for _, u := range units {
		byCode[u.Code] = u
	}
	need := func(code string) (store.OrgUnit, error) {
		u, ok := byCode[code]
		if !ok {
			return u, fmt.Errorf("%w（缺少单位 %s）", ErrNoDemoOrg, code)
		}
		return u, nil
	}
	if e.court, err = need(CodeCourt); err != nil {
		return nil, err
	}
	roomIdx := map[int64]int{}
	for i := range officeRooms {
		room, err := need(OfficeRoomCode(i + 1))
		if err != nil {
			return nil, err
		}
		reg, err := need(RegulatorOfficeCode(i + 1))
		if err != nil {
			return nil, err
		}
		roomIdx[room.ID] = len(e.rooms)
		e.rooms = append(e.rooms, roomInfo{unit: room, regulator: reg})
	}
	for i, er := range enterpriseRooms {
		room, err := need(EnterpriseRoomCode(i + 1))
		if err != nil {
			return nil, err
		}
		ms, err := st.ListRoomMerchants(ctx, room.ID)
		if err != nil {
			return nil, err
		}
		roomIdx[room.ID] = len(e.rooms)
		e.rooms = append(e.rooms, roomInfo{unit: room, regulator: e.rooms[er.room].regulator, merchants: ms})
	}
	streets, err := st.ListRoomStreets(ctx, e.committee.ID)
	if err != nil {
		return nil, err
	}
	for _, s := range streets {
		if i, ok := roomIdx[s.RoomID]; ok {
			e.areaRoom[s.Street] = i
		}
	}
	// Each room's events are recorded for its (first) mediator.
	for i := 1; i <= NumMediators; i++ {
		u, err := st.GetUserByUsername(ctx, fmt.Sprintf("mediator%02d", i))
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		bs, err := st.ListBindings(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			if ri, ok := roomIdx[b.OrgID]; ok && b.Role == domain.RoleMediator && e.rooms[ri].mediator.id == 0 {
				e.rooms[ri].mediator = actor{u.ID, u.DisplayName}
			}
		}
	}
	for i := range e.rooms {
		if e.rooms[i].mediator.id == 0 {
			e.rooms[i].mediator = actor{name: "值班调解员"}
		}
	}
	if u, err := st.GetUserByUsername(ctx, "court01"); err == nil {
		e.courtUser = actor{u.ID, u.DisplayName}
	} else {
		e.courtUser = actor{name: e.court.Name}
	}
	counts, err := st.CountCasesByStatus(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range counts {
		e.existing += n
	}
	return e, nil
}

// AddCases adds n more synthetic cases to an existing demo organisation
// (used by `tiaojie demo --cases N` on a non-empty database and by
// benchmarks). The cases are received over the three years up to now, more
// of them recently, and each one's history runs as far as now allows. It
// writes in batches of BatchSize and calls progress (optional) after each.
func AddCases(ctx context.Context, st store.Store, sealer *pii.Sealer, n int, seed int64, now time.Time, progress func(done, total int)) (int, error) {
	if n <= 0 {
		return 0, nil
	}
	if sealer == nil {
		return 0, errors.New("demo: a PII sealer is required to write cases")
	}
	if seed == 0 {
		seed = DefaultSeed
	}
	if now.IsZero() {
		now = time.Now()
	}
	e, err := loadEnv(ctx, st)
	if err != nil {
		return 0, err
	}
	// Accepted cases name the policy in force; make sure the table has rows.
	if err := deadline.EnsureDefaultPolicies(ctx, st); err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	if e.rules, err = deadline.Load(ctx, st); err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	g, err := newGen(ctx, st, sealer, e, uint64(seed), now)
	if err != nil {
		return 0, err
	}
	skels := g.skeletons(n)
	done := 0
	batch := make([]store.BulkCase, 0, min(n, BatchSize))
	planned := make([]*plannedAgreement, 0, min(n, BatchSize))
	for start := 0; start < n; start += BatchSize {
		batch, planned = batch[:0], planned[:0]
		for i := start; i < min(n, start+BatchSize); i++ {
			bc, pa, err := g.caseAt(skels[i], e.existing+int64(i)+1)
			if err != nil {
				return done, err
			}
			batch, planned = append(batch, bc), append(planned, pa)
		}
		if err := st.BulkCreateCases(ctx, batch); err != nil {
			return done, fmt.Errorf("demo: write cases: %w", err)
		}
		if err := storeAgreements(ctx, st, batch, planned); err != nil {
			return done, err
		}
		done += len(batch)
		if progress != nil {
			progress(done, n)
		}
	}
	return done, nil
}

// Office hours of the synthetic history, in minutes after midnight.
const (
	dayStart = 9 * 60
	dayEnd   = 17*60 + 30
)

// gen generates cases.
type gen struct {
	ctx    context.Context
	st     store.Store
	sealer *pii.Sealer
	env    *env
	now    time.Time
	rt, rd *rand.Rand // received times; details
	names  names
	pool   *merchantPool

	days    []time.Time // midnight (Asia/Shanghai) of each working day, oldest first
	dates   []calendar.Date
	lastDay int // the last working day a case can be received on
	lastMin int // on lastDay, received before this minute

	cats, eroomPick, channelPick, regionPick, accDelay picker
	rejectPick, termPick, suspendPick                  picker
	groups                                             []group
}

// group is a group dispute: a prepaid-card shop closes and its members complain.
type group struct {
	merchant int // pool index
	day      int // working-day index of the closure
	item     int
}

// skeleton is when a case is received; generated for all cases first so they
// can be numbered in order of receipt.
type skeleton struct {
	day   int32
	min   int16
	group int16 // -1: not part of a group dispute
}

func newGen(ctx context.Context, st store.Store, sealer *pii.Sealer, e *env, seed uint64, now time.Time) (*gen, error) {
	g := &gen{ctx: ctx, st: st, sealer: sealer, env: e, now: now,
		rt: newRand(seed, 101), rd: newRand(seed, 202), names: newNames(), pool: newMerchantPool()}
	today := calendar.DateOf(now)
	start := calendar.DateOf(now.AddDate(-3, 0, 0))
	// Working days from three years ago until well after today, so planned
	// steps never run off the end (steps after now are dropped anyway).
	for d := start; !d.After(today.AddDays(500)); d = d.AddDays(1) {
		if e.rules.Calendar.IsWorkday(d) {
			g.days = append(g.days, d.Time())
			g.dates = append(g.dates, d)
			if !d.After(today) {
				g.lastDay = len(g.days) - 1
			}
		}
	}
	nowMin := now.In(calendar.Shanghai()).Hour()*60 + now.In(calendar.Shanghai()).Minute()
	g.lastMin = dayEnd
	if g.dates[g.lastDay] == today {
		if nowMin < dayStart+30 {
			g.lastDay--
		} else {
			g.lastMin = min(dayEnd, nowMin)
		}
	}
	if g.lastDay < 30 {
		return nil, errors.New("demo: not enough working days before now")
	}
	w := func(n int, f func(int) int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	g.cats = newPicker(w(len(categories), func(i int) int { return categories[i].weight }))
	g.eroomPick = newPicker(w(len(enterpriseRooms), func(i int) int { return enterpriseRooms[i].weight }))
	g.channelPick = newPicker(channelWeights[:])
	g.regionPick = newPicker(w(len(idRegions), func(i int) int { return idRegions[i].w }))
	g.accDelay = newPicker([]int{35, 25, 15, 10, 7, 5, 3}) // 1..7 working days
	g.rejectPick = newPicker([]int{20, 25, 20, 10, 20, 5}) // order of domain.RejectReasons
	g.termPick = newPicker([]int{0, 45, 8, 17, 10, 20})    // order of domain.TerminateReasons, party_refused handled apart
	g.suspendPick = newPicker([]int{15, 40, 30, 15})       // order of domain.SuspendReasons
	return g, nil
}

// channels drawn for ordinary cases, with their weights (ODR cases are drawn apart).
var channels = [...]domain.Channel{domain.Channel12315, domain.ChannelWalkIn, domain.ChannelPhone, domain.ChannelOnline, domain.ChannelCourt}
var channelWeights = [...]int{57, 14, 10, 16, 3}

// recentDay draws a working-day index in [0, lastDay] with a density rising
// linearly to 2.5 times its start value: more cases recently.
func (g *gen) recentDay(r *rand.Rand) int {
	const a = 1.5
	u := r.Float64()
	t := (math.Sqrt(1+a*(2+a)*u) - 1) / a
	return min(int(t*float64(g.lastDay+1)), g.lastDay)
}

func (g *gen) receiveMin(r *rand.Rand, day int) int16 {
	hi := dayEnd
	if day == g.lastDay {
		hi = g.lastMin
	}
	return int16(dayStart + r.IntN(hi-dayStart))
}

// skeletons draws the receipt time of n cases and sorts them.
func (g *gen) skeletons(n int) []skeleton {
	r := g.rt
	// Group disputes: about one closure per 400 cases.
	var prepaid []int
	for i, c := range categories {
		if c.prepaid {
			prepaid = append(prepaid, g.pool.byCat[i]...)
		}
	}
	for range max(1, n/400) {
		m := prepaid[r.IntN(len(prepaid))]
		d := g.recentDay(r)
		g.groups = append(g.groups, group{merchant: m, day: d, item: r.IntN(len(categories[g.pool.all[m].cat].items))})
	}
	// A small demo spread over three years would leave almost nothing in
	// progress; up to 400 extra cases fall in the last 45 working days (a
	// share that is negligible in a large run).
	recent := min(n/5, 400)
	out := make([]skeleton, n)
	for i := range out {
		s := skeleton{group: -1}
		if i < recent {
			s.day = int32(g.lastDay - r.IntN(min(45, g.lastDay+1)))
			s.min = g.receiveMin(r, int(s.day))
			out[i] = s
			continue
		}
		if r.IntN(100) < 6 {
			gi := r.IntN(len(g.groups))
			s.day = int32(g.groups[gi].day + r.IntN(15))
			if int(s.day) <= g.lastDay {
				s.group = int16(gi)
			}
		}
		if s.group < 0 {
			s.day = int32(g.recentDay(r))
		}
		s.min = g.receiveMin(r, int(s.day))
		out[i] = s
	}
	slices.SortStableFunc(out, func(a, b skeleton) int {
		if a.day != b.day {
			return int(a.day - b.day)
		}
		return int(a.min - b.min)
	})
	return out
}

// merchantID stores a pool merchant the first time a case names it.
func (g *gen) merchantID(i int) (int64, error) {
	pm := &g.pool.all[i]
	if pm.id == 0 {
		m := store.Merchant{Name: pm.name, CreditCode: pm.code, Address: pm.address}
		if err := g.st.UpsertMerchant(g.ctx, &m); err != nil {
			return 0, fmt.Errorf("demo: merchant %s: %w", pm.name, err)
		}
		pm.id = m.ID
	}
	return pm.id, nil
}

func (g *gen) at(day, minute int) time.Time {
	return g.days[day].Add(time.Duration(minute) * time.Minute)
}

// caseAt generates one case received at s; serial is unique across the
// database and makes external numbers unique.
func (g *gen) caseAt(s skeleton, serial int64) (store.BulkCase, *plannedAgreement, error) {
	r := g.rd
	e := g.env
	var (
		merchant store.Merchant
		roomI    int
		catI     int
		itemI    = -1
		st       *story
	)
	switch {
	case s.group >= 0:
		gr := g.groups[s.group]
		pm := g.pool.all[gr.merchant]
		id, err := g.merchantID(gr.merchant)
		if err != nil {
			return store.BulkCase{}, nil, err
		}
		merchant = store.Merchant{ID: id, Name: pm.name, CreditCode: pm.code, Address: pm.address}
		roomI, catI, itemI, st = g.roomOf(pm.room), pm.cat, gr.item, &closureStory
	case r.IntN(100) < 11:
		ei := g.eroomPick.pick(r)
		ri := NumOfficeRooms + ei
		if ri < len(e.rooms) && len(e.rooms[ri].merchants) > 0 {
			ms := e.rooms[ri].merchants
			merchant = ms[0]
			if len(ms) > 1 && r.IntN(3) == 0 {
				merchant = ms[1]
			}
			cs := enterpriseRooms[ei].categories
			roomI, catI = ri, cs[r.IntN(len(cs))]
			break
		}
		fallthrough
	default:
		catI = g.cats.pick(r)
		list := g.pool.byCat[catI]
		u := r.Float64()
		pi := list[int(u*u*float64(len(list)))] // a few merchants draw many complaints
		pm := g.pool.all[pi]
		id, err := g.merchantID(pi)
		if err != nil {
			return store.BulkCase{}, nil, err
		}
		merchant = store.Merchant{ID: id, Name: pm.name, CreditCode: pm.code, Address: pm.address}
		roomI = g.roomOf(pm.room)
	}
	room := &e.rooms[roomI]
	cat := &categories[catI]
	if itemI < 0 {
		itemI = r.IntN(len(cat.items))
	}
	if st == nil {
		st = pickStory(r, cat, itemI)
	}

	// Channel.
	ch := channels[g.channelPick.pick(r)]
	if merchant.ODR && r.IntN(10) < 4 {
		ch = domain.ChannelODR
	}

	// Consumer.
	female := r.IntN(2) == 0
	name := g.names.person(r, female)
	phone := g.mobile(r)
	consumer := store.Party{Kind: "consumer", Name: name,
		PhoneSealed: g.sealer.Seal(phone), PhoneHash: g.sealer.Hash(phone), PhoneMask: domain.MaskMobile(phone)}
	if r.IntN(10) < 4 {
		id := g.idNumber(r, female)
		consumer.IDSealed, consumer.IDHash, consumer.IDMask = g.sealer.Seal(id), g.sealer.Hash(id), domain.MaskIDNumber(id)
	}

	// Story.
	it := cat.items[itemI]
	price := roundPrice(r, between(r, it.min, it.max))
	claim := max(price*st.mult/10, st.minClaim)
	if st.mult < 10 && claim >= 100 { // a share of the price: round it
		claim -= claim % 10
	}
	recvDay, recvMin := int(s.day), int(s.min)
	bought := g.dates[recvDay].AddDays(-between(r, 15, 420))
	if st == &closureStory {
		bought = g.dates[recvDay].AddDays(-between(r, 30, 300))
	}
	vars := storyVars{merchant: merchant.Name, item: it.name, date: fmt.Sprintf("%d年%d月%d日", bought.Year, bought.Month, bought.Day),
		priceYuan: int64(price), claimYuan: int64(claim), n: between(r, 2, 8)}

	received := g.at(recvDay, recvMin)
	nc := store.NewCase{
		CommitteeID:   e.committee.ID,
		CommitteeAbbr: e.committee.Abbr,
		RoomID:        room.unit.ID,
		Channel:       ch,
		Category:      cat.code,
		Description:   fill(st.desc, &vars),
		Claim:         fill(st.claim, &vars),
		ClaimFen:      int64(claim) * 100,
		ReceivedAt:    received,
		MerchantID:    merchant.ID,
		Parties: []store.Party{consumer, {Kind: "merchant", Name: merchant.Name, MerchantID: merchant.ID,
			CreditCode: merchant.CreditCode, Address: merchant.Address}},
	}
	recv := store.Event{Type: "received", ToStatus: domain.StatusReceived, At: received}
	switch ch {
	case domain.Channel12315:
		d := g.dates[recvDay]
		nc.ExternalID = fmt.Sprintf("12315%04d%02d%02d%06d", d.Year, int(d.Month), d.Day, serial)
		nc.DivertedByOrgID = room.regulator.ID
		recv.ActorName = room.regulator.Name
		recv.Note = "经12315平台投诉，由" + room.regulator.Name + "分流至人民调解工作室，投诉编号" + nc.ExternalID
	case domain.ChannelCourt:
		nc.CourtNumber = fmt.Sprintf("（%d）沪0115民诉前调%d号", g.dates[recvDay].Year, 10000+serial)
		nc.DivertedByOrgID = e.court.ID
		nc.CreatedBy = e.courtUser.id
		recv.ActorID, recv.ActorName = e.courtUser.id, e.courtUser.name
		recv.Note = e.court.Name + "诉前委派调解，案号" + nc.CourtNumber
	case domain.ChannelODR:
		recv.ActorName = merchant.Name
		recv.Note = "经营者在线纠纷解决（ODR）平台推送"
	case domain.ChannelOnline:
		recv.ActorName = name
		recv.Note = "申请人网上提交调解申请"
	case domain.ChannelWalkIn:
		nc.CreatedBy = room.mediator.id
		recv.ActorID, recv.ActorName = room.mediator.id, room.mediator.name
		recv.Note = "申请人到工作室现场登记"
	case domain.ChannelPhone:
		nc.CreatedBy = room.mediator.id
		recv.ActorID, recv.ActorName = room.mediator.id, room.mediator.name
		recv.Note = "申请人来电登记"
	}
	nc.Event = recv

	h := history{g: g, r: r, actor: room.mediator, status: domain.StatusReceived, day: recvDay, min: recvMin,
		steps: make([]store.Step, 0, 10)}
	h.run(merchant.ODR && ch != domain.ChannelCourt, int64(claim))
	if h.err != nil {
		return store.BulkCase{}, nil, fmt.Errorf("demo: case %d: %w", serial, h.err)
	}
	if h.agreement != nil {
		h.agreement.facts, h.agreement.by = nc.Description, room.mediator.id
	}
	return store.BulkCase{New: nc, History: h.steps}, h.agreement, nil
}

func (g *gen) roomOf(officeRoom int) int {
	if i, ok := g.env.areaRoom[officeRooms[officeRoom].areas[0]]; ok {
		return i
	}
	return officeRoom
}

func pickStory(r *rand.Rand, c *category, item int) *story {
	total := 0
	for i := range c.stories {
		if fits(&c.stories[i], item) {
			total += c.stories[i].w
		}
	}
	x := r.IntN(total)
	for i := range c.stories {
		s := &c.stories[i]
		if !fits(s, item) {
			continue
		}
		if x < s.w {
			return s
		}
		x -= s.w
	}
	return &c.stories[0]
}

func fits(s *story, item int) bool { return s.items == nil || slices.Contains(s.items, item) }

// roundPrice makes a drawn price look like a price: 359, 3,280, 3,299, 128,000.
func roundPrice(r *rand.Rand, p int) int {
	switch {
	case p < 100:
		return p
	case p < 1000:
		return p - p%10 + 9
	case p < 10000:
		return p - p%100 + []int{0, 80, 99}[r.IntN(3)]
	}
	return p - p%1000 + []int{0, 800}[r.IntN(2)]
}

func (g *gen) mobile(r *rand.Rand) string {
	var b [11]byte
	copy(b[:], mobilePrefixes[r.IntN(len(mobilePrefixes))])
	for i := 3; i < 11; i++ {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b[:])
}

func (g *gen) idNumber(r *rand.Rand, female bool) string {
	age := between(r, 19, 76)
	birth := g.now.AddDate(-age, 0, -r.IntN(365))
	return domain.GenerateIDNumber(idRegions[g.regionPick.pick(r)].code, birth.In(calendar.Shanghai()), r.IntN(100), female)
}

// history plans a case's life step by step and keeps the steps that happened
// before now. Every transition is checked with domain.Next.
type history struct {
	g      *gen
	r      *rand.Rand
	actor  actor
	status domain.Status
	prev   domain.Status
	facts  domain.Facts
	day    int // working-day index of the last step
	min    int
	steps  []store.Step
	done   bool // a step fell after now: the case stands where it is
	err    error
	// agreement is what the case's agreement row must say, when one was reached.
	agreement *plannedAgreement
}

// after moves the clock n working days on (n = 0: later the same day, or the
// next working day morning if the office is closing) and returns the time.
func (h *history) after(n int) time.Time {
	if n > 0 {
		h.day += n
		h.min = dayStart + h.r.IntN(dayEnd-dayStart)
	} else {
		h.min += between(h.r, 10, 150)
		if h.min >= dayEnd {
			h.day++
			h.min = dayStart + h.r.IntN(90)
		}
	}
	if h.day >= len(h.g.days) {
		h.day = len(h.g.days) - 1
		h.done = true
	}
	return h.g.at(h.day, h.min)
}

// do applies action at time at if the case got that far by now.
func (h *history) do(a domain.Action, at time.Time, reason string, ch store.CaseChange, note, data string) bool {
	if h.done || h.err != nil || !at.Before(h.g.now) {
		h.done = true
		return false
	}
	f := h.facts
	f.Status, f.PrevStatus, f.ReasonCode = h.status, h.prev, reason
	to, err := domain.Next(a, f)
	if err != nil {
		h.err = fmt.Errorf("%s from %s: %w", a, h.status, err)
		return false
	}
	ch.Status = to
	switch a {
	case domain.ActionSuspend:
		p := h.status
		ch.PrevStatus = &p
		h.prev = p
	case domain.ActionResume:
		empty := domain.Status("")
		ch.PrevStatus = &empty
		h.prev = ""
	}
	if reason != "" || a == domain.ActionResume {
		rc := reason
		ch.ReasonCode = &rc
	}
	h.steps = append(h.steps, store.Step{Change: ch, Event: store.Event{Type: string(a), FromStatus: h.status, ToStatus: to,
		ActorID: h.actor.id, ActorName: h.actor.name, At: at, ReasonCode: reason, Note: note, Data: data}})
	h.status = to
	return true
}

// note records an event that does not change the status.
func (h *history) note(typ string, at time.Time, note string) bool {
	if h.done || h.err != nil || !at.Before(h.g.now) {
		h.done = true
		return false
	}
	h.steps = append(h.steps, store.Step{Event: store.Event{Type: typ, FromStatus: h.status, ToStatus: h.status,
		ActorID: h.actor.id, ActorName: h.actor.name, At: at, Note: note}})
	return true
}

func tp(t time.Time) *time.Time { return &t }

// closeAt is the change of a step that ends the case's handling.
func closeAt(t time.Time) store.CaseChange { return store.CaseChange{ClosedAt: tp(t)} }

// run plans the whole life of the case. The outcome shares follow the
// notice: about 3% rejected, of the mediated ones 91.7% agreed.
func (h *history) run(odr bool, claimYuan int64) {
	r := h.r
	defer h.archive()
	if r.IntN(1000) < 30 {
		at := h.after(between(r, 1, 5))
		rc := domain.RejectReasons[h.g.rejectPick.pick(r)].Code
		h.do(domain.ActionReject, at, rc, store.CaseChange{DecidedAt: tp(at), ClosedAt: tp(at)}, "经审查，"+domain.RejectReasons.Label(rc)+"，决定不予受理", "")
		return
	}
	at := h.after(1 + h.g.accDelay.pick(r))
	h.facts.HasRequiredFact = true
	ch := store.CaseChange{AcceptedAt: tp(at), DecidedAt: tp(at)}
	if p, ok := calendar.PolicyInForce(h.g.env.rules.Policies, h.g.dates[h.day]); ok && p.ID != 0 {
		ch.PolicyID = &p.ID
	}
	if !h.do(domain.ActionAccept, at, "", ch, "", "") {
		return
	}
	if odr {
		h.facts.ODREnterprise = true
		h.do(domain.ActionStartODR, h.after(0), "", store.CaseChange{}, "转经营者在线纠纷解决平台先行协商", "")
		if r.IntN(2) == 0 {
			at := h.after(between(r, 2, 10))
			h.do(domain.ActionODRSettled, at, "", closeAt(at), "经营者与消费者协商和解", "")
			return
		}
		h.do(domain.ActionODRFailed, h.after(between(r, 3, 10)), "", store.CaseChange{}, "企业先行协商未果，转人民调解", "")
	} else {
		h.do(domain.ActionRequestConsent, h.after(r.IntN(2)), "", store.CaseChange{}, "已电话征求双方当事人调解意愿", "")
	}

	u := r.IntN(1000)
	agreed, terminated := u < 917, u >= 917 && u < 977
	// Some end before mediation starts: the merchant refuses, or the consumer withdraws.
	if !agreed && r.IntN(10) < 4 {
		at := h.after(between(r, 1, 5))
		if terminated {
			rc := "party_refused"
			if h.do(domain.ActionTerminate, at, rc, closeAt(at), "被申请人明确表示不同意调解", "") {
				h.note("termination_notice_sent", h.after(r.IntN(4)), "已书面告知双方当事人终止调解")
			}
		} else {
			h.do(domain.ActionWithdraw, at, "", closeAt(at), withdrawNotes[r.IntN(len(withdrawNotes))], "")
		}
		return
	}
	h.facts.ConsumerConsent, h.facts.MerchantConsent, h.facts.HasMediator = true, true, true
	h.do(domain.ActionAssign, h.after(between(r, 1, 3)), "", store.CaseChange{}, "指派调解员"+h.actor.name, "")
	h.do(domain.ActionStartMediation, h.after(r.IntN(2)), "", store.CaseChange{}, "", "")

	// Mediation takes days to weeks; a few cases wait for an appraisal.
	x := r.Float64()
	length := 1 + int(34*x*x*x)
	if r.IntN(100) < 4 {
		rc := domain.SuspendReasons[h.g.suspendPick.pick(r)].Code
		h.do(domain.ActionSuspend, h.after(between(r, 1, 4)), rc, store.CaseChange{}, domain.SuspendReasons.Label(rc), "")
		h.do(domain.ActionResume, h.after(between(r, 5, 30)), "", store.CaseChange{}, "中止事由消除，恢复调解", "")
	}
	switch {
	case agreed:
		h.facts.AgreementComplete = true
		pct := between(r, 50, 100)
		amt := claimYuan * int64(pct) / 100
		if amt >= 100 {
			amt -= amt % 10
		}
		// An oral agreement (口头协议) takes effect when reached, as
		// agreement.RecordOral records it: both steps or neither, so an
		// agreed case never stands without its effective agreement.
		at := h.after(length)
		if h.min >= dayEnd-1 {
			h.min--
			at = at.Add(-time.Minute)
		}
		if h.done || !at.Add(time.Minute).Before(h.g.now) {
			h.done = true
			return
		}
		note := fmt.Sprintf("达成口头协议：被申请人于协议达成之日起十日内一次性支付申请人%s元，涉及金额%s元", yuan(amt), yuan(amt))
		data := `{"agreed_fen":` + strconv.FormatInt(amt*100, 10) + `,"kind":"oral"}`
		h.do(domain.ActionReachAgreement, at, "", store.CaseChange{}, note, data)
		h.facts.AgreementEffective = true
		h.min++
		h.do(domain.ActionStartPerformance, at.Add(time.Minute), "", store.CaseChange{}, "口头协议达成即生效，进入履行", "")
		h.agreement = &plannedAgreement{reached: at, fen: amt * 100}
		// The merchant pays within the ten days; the follow-up call comes after.
		paid := h.after(between(r, 2, 7))
		if h.note("performed", paid, fmt.Sprintf("第1项已履行：一次性支付申请人款项，%s元（凭证：银行转账回单）", yuan(amt))) {
			h.steps[len(h.steps)-1].Event.Data = fmt.Sprintf(`{"recovered_fen":%d}`, amt*100)
			h.agreement.paid = &paid
		}
		h.facts.FollowUpRecorded = true
		at = h.after(between(r, 3, 13))
		sat := []int{5, 5, 5, 4, 4, 3}[r.IntN(6)]
		if h.do(domain.ActionFollowUp, at, "", closeAt(at), fmt.Sprintf("回访：满意度%d分。%s", sat, followUpNotes[r.IntN(len(followUpNotes))]),
			fmt.Sprintf(`{"satisfaction":%d}`, sat)) {
			h.agreement.followUp, h.agreement.satisfaction = &at, sat
		}
	case terminated:
		rc := domain.TerminateReasons[h.g.termPick.pick(r)].Code
		if rc == "time_expired" {
			length = 46
		}
		at := h.after(length)
		if h.do(domain.ActionTerminate, at, rc, closeAt(at), domain.TerminateReasons.Label(rc), "") {
			h.note("termination_notice_sent", h.after(r.IntN(4)), "已书面告知双方当事人终止调解")
		}
	default:
		at := h.after(1 + length/2)
		h.do(domain.ActionWithdraw, at, "", closeAt(at), withdrawNotes[r.IntN(len(withdrawNotes))], "")
	}
}

// archive files the case some weeks after its handling ended.
func (h *history) archive() {
	switch h.status {
	case domain.StatusRejected, domain.StatusFollowedUp, domain.StatusTerminated, domain.StatusWithdrawn:
		h.facts.CaseFileComplete = true
		h.do(domain.ActionArchive, h.after(between(h.r, 20, 40)), "", store.CaseChange{}, "卷宗材料齐全，归档", "")
	}
}

var followUpNotes = []string{
	"电话回访：申请人确认款项已到账，对调解工作表示满意",
	"电话回访：协议已履行完毕，申请人表示满意",
	"电话回访：被申请人已按协议履行，申请人基本满意",
	"短信回访：申请人确认协议已履行",
}
