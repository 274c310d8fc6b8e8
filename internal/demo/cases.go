package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
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
	prof      profile          // how the room's mediator works
	lead      actor            // the room's lead: decides recusals and takes the case over
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
				e.rooms[ri].mediator, e.rooms[ri].prof = actor{u.ID, u.DisplayName}, mediatorProfile(i)
			}
		}
	}
	for i := range e.rooms {
		if e.rooms[i].mediator.id == 0 {
			e.rooms[i].mediator, e.rooms[i].prof = actor{name: "值班调解员"}, steady
		}
		u, err := st.GetUserByUsername(ctx, fmt.Sprintf("room_lead%02d", i+1))
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
			if ri, ok := roomIdx[b.OrgID]; ok && b.Role == domain.RoleRoomLead && e.rooms[ri].lead.id == 0 {
				e.rooms[ri].lead = actor{u.ID, u.DisplayName}
			}
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
	g.rates = rareRates(n)
	skels := g.skeletons(n)
	done := 0
	batch := make([]store.BulkCase, 0, min(n, BatchSize))
	planned := make([]*casePlan, 0, min(n, BatchSize))
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
		if err := storePlans(ctx, st, e, batch, planned); err != nil {
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
	rates                                              rates
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
	g.suspendPick = newPicker([]int{0, 40, 30, 15})        // order of domain.SuspendReasons, recusals handled apart
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
func (g *gen) caseAt(s skeleton, serial int64) (store.BulkCase, *casePlan, error) {
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
	// How the room's mediator works, as things stood when the complaint came in.
	prof := room.prof.at(float64(recvDay)/float64(max(1, g.lastDay)), g.dates[recvDay].Month)
	// A complaint taken by phone or at the counter is sometimes entered days later.
	entryDay, entryMin := recvDay, recvMin
	if (ch == domain.ChannelWalkIn || ch == domain.ChannelPhone) && chance(r, prof.lateEntry) {
		if d := recvDay + between(r, 2, 4); d < g.lastDay {
			entryDay, entryMin = d, dayStart+r.IntN(dayEnd-dayStart)
			recv.At = g.at(entryDay, entryMin)
			recv.Note += "（补录）"
		}
	}
	nc.Event = recv

	h := history{g: g, r: r, room: room, prof: prof, actor: room.mediator, status: domain.StatusReceived, day: entryDay, min: entryMin,
		steps: make([]store.Step, 0, 12), plan: &casePlan{}}
	h.run(merchant.ODR && ch != domain.ChannelCourt, int64(claim), recvDay)
	if h.err != nil {
		return store.BulkCase{}, nil, fmt.Errorf("demo: case %d: %w", serial, h.err)
	}
	plan := h.plan
	if a := plan.agreement; a != nil {
		a.facts = nc.Description
	}
	if plan.agreement == nil && plan.judicial == nil && len(plan.tail) == 0 {
		plan = nil
	}
	return store.BulkCase{New: nc, History: h.steps}, plan, nil
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
