// Package demo builds a demonstration installation: the Pudong organisation
// described in the regulator's 2021 notice (38 joint mediation rooms at the
// market-regulation offices, 30 enterprise rooms, 47 full-time mediators), a
// small second district for access tests, demo users for every role, and
// years of synthetic but plausible consumer-dispute cases whose histories
// obey the domain's transition rules.
//
// Everything is reproducible from a seed. Every business, mall, platform and
// person in the data is fictional.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// DefaultSeed is used when Options.Seed is 0.
const DefaultSeed int64 = 20180101

// DefaultCases is used when Options.Cases is negative (and is the default
// of `--cases`): enough for a month's performance figures to differ between
// the 47 mediators, small enough to start in seconds.
const DefaultCases = 3000

// BatchSize is how many cases go into one BulkCreateCases transaction.
const BatchSize = 1000

// Org unit codes of the demo organisation.
const (
	CodeCity        = "sh"
	CodeDistrict    = "pd"
	CodeCommittee   = "pd-cmt"
	CodeBureau      = "pd-amr"
	CodeJustice     = "pd-justice"
	CodeCourt       = "pd-court"
	CodeCouncil     = "pd-cc"
	CodeProvider    = "pd-provider"
	CodeXHDistrict  = "xh"
	CodeXHCommittee = "xh-cmt"
	CodeXHBureau    = "xh-amr"
	CodeXHOffice    = "xh-amr-01"
	CodeXHCourt     = "xh-court"
	CodeXHJustice   = "xh-justice"
)

// OfficeRoomCode is the code of the i-th (1-based) office room, "pd-room-01".
func OfficeRoomCode(i int) string { return fmt.Sprintf("pd-room-%02d", i) }

// EnterpriseRoomCode is the code of the i-th (1-based) enterprise room, "pd-eroom-01".
func EnterpriseRoomCode(i int) string { return fmt.Sprintf("pd-eroom-%02d", i) }

// RegulatorOfficeCode is the code of the regulator office paired with office room i, "pd-amr-01".
func RegulatorOfficeCode(i int) string { return fmt.Sprintf("pd-amr-%02d", i) }

// Number of demo units and people, from the regulator's notice.
const (
	NumOfficeRooms     = 38
	NumEnterpriseRooms = 30
	NumMediators       = 47
)

// Options control Build.
type Options struct {
	Seed     int64  // reproducible; DefaultSeed when 0
	Cases    int    // synthetic cases; 0 means none, negative means DefaultCases
	Password string // the one password of every demo user; required
	// PasswordHash, when set, is stored for every demo user instead of
	// hashing Password (tests pass auth.FixtureHash's cheap one).
	PasswordHash string
	Now          time.Time             // "today" of the synthetic history; time.Now() when zero
	Progress     func(done, total int) // optional, called after each batch of cases
	// Step, when set, is told each step's name and duration as it ends.
	Step func(name string, took time.Duration)
}

// Account is a demo user worth mentioning on the sign-in page or in the manual.
type Account struct{ Username, Role, RoleLabel, Org string }

// Result describes what Build created.
type Result struct {
	Accounts    []Account // the main accounts, not every room lead and mediator
	CommitteeID int64     // the Pudong committee
	Cases       int       // synthetic cases written
	PartyLinks  []PartyLink
	Showcases   []Showcase // one per district: cases taken through every capability by the services
}

// ErrNotEmpty is returned by Build when the database already has an org tree.
var ErrNotEmpty = errors.New("数据库中已有组织机构，演示数据只能写入空数据库")

// ErrNoDemoOrg is returned by AddCases when the demo organisation is missing.
var ErrNoDemoOrg = errors.New("未找到演示组织（浦东新区消费纠纷人民调解委员会），请先在空数据库中生成演示数据")

// IsEmpty reports whether the database has no org units yet (serve --demo seeds only then).
func IsEmpty(ctx context.Context, st store.Store) (bool, error) {
	units, err := st.ListOrgUnits(ctx)
	if err != nil {
		return false, err
	}
	return len(units) == 0, nil
}

// Build creates the demo organisation, users and cases. It refuses
// (ErrNotEmpty) when the database already has org units.
func Build(ctx context.Context, st store.Store, sealer *pii.Sealer, opt Options) (Result, error) {
	if opt.Seed == 0 {
		opt.Seed = DefaultSeed
	}
	if opt.Cases < 0 {
		opt.Cases = DefaultCases
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Password == "" {
		return Result{}, errors.New("demo: a password for the demo users is required")
	}
	if sealer == nil && opt.Cases > 0 {
		return Result{}, errors.New("demo: a PII sealer is required to write cases")
	}
	empty, err := IsEmpty(ctx, st)
	if err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	if !empty {
		return Result{}, ErrNotEmpty
	}
	if err := deadline.EnsureDefaultPolicies(ctx, st); err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	hash := opt.PasswordHash
	if hash == "" {
		if hash, err = auth.HashPassword(opt.Password); err != nil { // argon2id is slow: once for everybody
			return Result{}, fmt.Errorf("demo: %w", err)
		}
	}
	b := &orgBuilder{ctx: ctx, st: st, hash: hash}
	if err := b.build(); err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	res := Result{Accounts: b.accounts, CommitteeID: b.committee.ID}
	if err := buildRegistry(ctx, st, sealer, opt.Now); err != nil {
		return res, fmt.Errorf("demo: %w", err)
	}
	// Staff mobiles for the sign-in SMS code (issue 16).
	if err := staffPhones(ctx, st, sealer); err != nil {
		return res, fmt.Errorf("demo: %w", err)
	}
	// Each step is timed for opt.Step: at a million cases the demo runs for
	// an hour and its operator wants to know where.
	type step struct {
		name string
		run  func() error
	}
	var steps []step
	if opt.Cases > 0 {
		steps = append(steps,
			step{"案件及其经过", func() (err error) {
				res.Cases, err = AddCases(ctx, st, sealer, opt.Cases, opt.Seed, opt.Now, opt.Progress)
				return err
			}},
			step{"卷宗材料", func() error { return attachFiles(ctx, st, opt.Now) }},
			step{"在线调解会话", func() (err error) {
				res.PartyLinks, err = attachConversations(ctx, st, sealer, opt.Now)
				return err
			}},
			step{"示范案件", func() (err error) {
				res.Showcases, err = buildShowcases(ctx, st, sealer, opt.Now)
				return err
			}},
			step{"合作单位与考核汇总", func() error { return buildPartners(ctx, st, sealer, opt.Now) }},
			step{"预警", func() error { return buildWarnings(ctx, st, opt.Now) }},
			step{"日报", func() error { return buildDailies(ctx, st, opt.Now) }},
			step{"补贴", func() error { return buildSubsidies(ctx, st, opt.Now) }},
			step{"案例库", func() error { return buildLibrary(ctx, st, sealer, opt.Now) }},
			step{"回访评价", func() error { return buildFeedback(ctx, st, opt.Now) }},
			step{"简报", func() error { return buildBulletins(ctx, st, sealer, opt.Now) }},
		)
	}
	steps = append(steps,
		step{"例行工作", func() error { return buildRoutines(ctx, st, opt.Now) }},
		step{"服务合同", func() error { return buildContracts(ctx, st, opt.Now) }},
		step{"分析任务", func() error { return queueAnalysis(ctx, st) }},
	)
	for _, s := range steps {
		began := time.Now()
		if err := s.run(); err != nil {
			return res, err
		}
		if opt.Step != nil {
			opt.Step(s.name, time.Since(began))
		}
	}
	return res, nil
}

// orgBuilder creates the org tree and the users.
type orgBuilder struct {
	ctx       context.Context
	st        store.Store
	hash      string
	committee store.OrgUnit
	units     map[string]store.OrgUnit // by code
	accounts  []Account
	usedNames map[string]bool
}

func (b *orgBuilder) unit(parent int64, kind domain.OrgKind, code, name, abbr string) (store.OrgUnit, error) {
	u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: name, Abbr: abbr}
	if err := b.st.CreateOrgUnit(b.ctx, &u); err != nil {
		return u, fmt.Errorf("create org unit %s: %w", code, err)
	}
	b.units[code] = u
	return u, nil
}

// user creates a user with one or more bindings of role; main users are
// listed in the result's accounts.
func (b *orgBuilder) user(username, display string, role domain.Role, main bool, orgs ...store.OrgUnit) error {
	b.usedNames[display] = true
	u := store.User{Username: username, DisplayName: display, PasswordHash: b.hash, Active: true}
	if err := b.st.CreateUser(b.ctx, &u); err != nil {
		return fmt.Errorf("create user %s: %w", username, err)
	}
	for _, o := range orgs {
		if err := b.st.AddBinding(b.ctx, store.Binding{UserID: u.ID, Role: role, OrgID: o.ID}); err != nil {
			return fmt.Errorf("bind user %s: %w", username, err)
		}
	}
	if main {
		b.accounts = append(b.accounts, Account{Username: username, Role: string(role), RoleLabel: role.Label(), Org: orgs[0].Name})
	}
	return nil
}

func (b *orgBuilder) build() error {
	b.units = map[string]store.OrgUnit{}
	b.usedNames = map[string]bool{}
	city, err := b.unit(0, domain.OrgCity, CodeCity, "上海市", "")
	if err != nil {
		return err
	}
	pd, err := b.unit(city.ID, domain.OrgDistrict, CodeDistrict, "浦东新区", "")
	if err != nil {
		return err
	}
	if b.committee, err = b.unit(pd.ID, domain.OrgCommittee, CodeCommittee, "浦东新区消费纠纷人民调解委员会", "浦"); err != nil {
		return err
	}
	rooms := make([]store.OrgUnit, 0, NumOfficeRooms+NumEnterpriseRooms)
	for i, r := range officeRooms {
		name := r.office + "联合人民调解工作室"
		u, err := b.unit(b.committee.ID, domain.OrgOfficeRoom, OfficeRoomCode(i+1), name, "")
		if err != nil {
			return err
		}
		if err := b.st.SetRoomStreets(b.ctx, u.ID, r.areas); err != nil {
			return fmt.Errorf("set streets of %s: %w", name, err)
		}
		rooms = append(rooms, u)
	}
	bureau, err := b.unit(pd.ID, domain.OrgRegulatorBureau, CodeBureau, "浦东新区市场监督管理局", "")
	if err != nil {
		return err
	}
	regs := make([]store.OrgUnit, 0, NumOfficeRooms)
	for i, r := range officeRooms {
		u, err := b.unit(bureau.ID, domain.OrgRegulatorOffice, RegulatorOfficeCode(i+1), r.office, "")
		if err != nil {
			return err
		}
		regs = append(regs, u)
	}
	if _, err := b.unit(pd.ID, domain.OrgJusticeBureau, CodeJustice, "浦东新区司法局", ""); err != nil {
		return err
	}
	court, err := b.unit(pd.ID, domain.OrgCourt, CodeCourt, "上海市浦东新区人民法院", "")
	if err != nil {
		return err
	}
	if _, err := b.unit(pd.ID, domain.OrgConsumerCouncil, CodeCouncil, "浦东新区消费者权益保护委员会", ""); err != nil {
		return err
	}
	if _, err := b.unit(pd.ID, domain.OrgServiceProvider, CodeProvider, "东方调解中心", ""); err != nil {
		return err
	}
	codes := newCodeGen(poolSeed + 7)
	for i, er := range enterpriseRooms {
		u, err := b.unit(b.committee.ID, domain.OrgEnterpriseRoom, EnterpriseRoomCode(i+1), er.name+"企业人民调解工作室", "")
		if err != nil {
			return err
		}
		loc := officeRooms[er.room]
		for j, em := range er.merchants {
			m := store.Merchant{
				Name:       em.name,
				CreditCode: codes.next('c'),
				Address:    fmt.Sprintf("浦东新区%s%s%d号", loc.areas[0], loc.roads[(i+j)%len(loc.roads)], 100+(i*37+j*11)%900),
				ODR:        em.odr,
			}
			if err := b.st.UpsertMerchant(b.ctx, &m); err != nil {
				return fmt.Errorf("merchant %s: %w", em.name, err)
			}
			if err := b.st.BindRoomMerchant(b.ctx, u.ID, m.ID); err != nil {
				return fmt.Errorf("bind merchant %s: %w", em.name, err)
			}
		}
		rooms = append(rooms, u)
	}

	// The small second district, for access tests.
	xh, err := b.unit(city.ID, domain.OrgDistrict, CodeXHDistrict, "徐汇区", "")
	if err != nil {
		return err
	}
	xhc, err := b.unit(xh.ID, domain.OrgCommittee, CodeXHCommittee, "徐汇区消费纠纷人民调解委员会", "徐")
	if err != nil {
		return err
	}
	var xhRooms []store.OrgUnit
	for i, r := range xuhuiRooms {
		u, err := b.unit(xhc.ID, domain.OrgOfficeRoom, fmt.Sprintf("xh-room-%02d", i+1), r.name, "")
		if err != nil {
			return err
		}
		if err := b.st.SetRoomStreets(b.ctx, u.ID, r.streets); err != nil {
			return fmt.Errorf("set streets of %s: %w", r.name, err)
		}
		xhRooms = append(xhRooms, u)
	}
	// Xuhui's partners, so its showcase cases have a diverting office, a court and a justice bureau.
	xhBureau, err := b.unit(xh.ID, domain.OrgRegulatorBureau, CodeXHBureau, "徐汇区市场监督管理局", "")
	if err != nil {
		return err
	}
	xhOffice, err := b.unit(xhBureau.ID, domain.OrgRegulatorOffice, CodeXHOffice, "徐家汇市场监管所", "")
	if err != nil {
		return err
	}
	xhCourt, err := b.unit(xh.ID, domain.OrgCourt, CodeXHCourt, "上海市徐汇区人民法院", "")
	if err != nil {
		return err
	}
	if _, err := b.unit(xh.ID, domain.OrgJusticeBureau, CodeXHJustice, "徐汇区司法局", ""); err != nil {
		return err
	}

	// Users. The main accounts first, in the order shown to people.
	names := newNameGen(poolSeed + 11)
	display := func(username string) string {
		if n, ok := namedDisplay[username]; ok {
			return n
		}
		for {
			if n := names.staff(); !b.usedNames[n] {
				return n
			}
		}
	}
	// Reserve the fixed names so generated ones never repeat them.
	for _, n := range namedDisplay {
		b.usedNames[n] = true
	}
	type spec struct {
		username string
		role     domain.Role
		main     bool
		orgs     []store.OrgUnit
	}
	specs := []spec{
		{"admin", domain.RoleAdmin, true, []store.OrgUnit{city}},
		{"committee01", domain.RoleCommittee, true, []store.OrgUnit{b.committee}},
	}
	for i, r := range rooms {
		specs = append(specs, spec{fmt.Sprintf("room_lead%02d", i+1), domain.RoleRoomLead, i == 0, []store.OrgUnit{r}})
	}
	// Mediators: one per office room (mediator01 in the 陆家嘴 room), the
	// remaining ones each serve several enterprise rooms, so every room has one.
	mediatorRooms := make([][]store.OrgUnit, NumMediators)
	for i := 0; i < NumOfficeRooms; i++ {
		mediatorRooms[i] = []store.OrgUnit{rooms[i]}
	}
	for j := 0; j < NumEnterpriseRooms; j++ {
		k := NumOfficeRooms + j%(NumMediators-NumOfficeRooms)
		mediatorRooms[k] = append(mediatorRooms[k], rooms[NumOfficeRooms+j])
	}
	for i := range NumMediators {
		specs = append(specs, spec{fmt.Sprintf("mediator%02d", i+1), domain.RoleMediator, i < 2, mediatorRooms[i]})
	}
	specs = append(specs,
		spec{"regulator01", domain.RoleRegulator, true, []store.OrgUnit{regs[0]}},
		spec{"justice01", domain.RoleJustice, true, []store.OrgUnit{pd}},
		spec{"court01", domain.RoleCourt, true, []store.OrgUnit{court}},
		spec{"expert01", domain.RoleExpert, true, []store.OrgUnit{b.committee}},
		spec{"analyst01", domain.RoleAnalyst, true, []store.OrgUnit{pd}},
		spec{"auditor01", domain.RoleAuditor, true, []store.OrgUnit{city}},
		spec{"security01", domain.RoleSecurityAdmin, true, []store.OrgUnit{city}},
		spec{"xh_committee01", domain.RoleCommittee, true, []store.OrgUnit{xhc}},
		spec{"xh_mediator01", domain.RoleMediator, true, []store.OrgUnit{xhRooms[0]}},
		spec{"xh_room_lead01", domain.RoleRoomLead, true, []store.OrgUnit{xhRooms[0]}},
		spec{"xh_regulator01", domain.RoleRegulator, true, []store.OrgUnit{xhOffice}},
		spec{"xh_justice01", domain.RoleJustice, true, []store.OrgUnit{xh}},
		spec{"xh_court01", domain.RoleCourt, true, []store.OrgUnit{xhCourt}},
		spec{"xh_expert01", domain.RoleExpert, true, []store.OrgUnit{xhc}},
		// The city's analyst reads both districts: the views a city runs.
		spec{"city_analyst01", domain.RoleAnalyst, true, []store.OrgUnit{city}},
	)
	// Keep the main accounts in a readable order: admin, committee, room lead,
	// mediators, partners, Xuhui, the city.
	for _, s := range specs {
		if err := b.user(s.username, display(s.username), s.role, s.main, s.orgs...); err != nil {
			return err
		}
	}
	return nil
}
