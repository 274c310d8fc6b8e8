package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// TestConformance runs every Store method against every engine.
func TestConformance(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			tests := map[string]func(*testing.T, *sqlstore.DB){
				"OrgTree":          testOrgTree,
				"Merchants":        testMerchants,
				"UsersBindings":    testUsersBindings,
				"Tokens":           testTokens,
				"Sessions":         testSessions,
				"CaseLifecycle":    testCaseLifecycle,
				"CaseIdempotency":  testCaseIdempotency,
				"CaseUniqueIDs":    testCaseUniqueIDs,
				"CaseNumbers":      testCaseNumbersConcurrent,
				"ListCasesScope":   testListCasesScope,
				"CalendarPolicy":   testCalendarPolicy,
				"EventsAppendOnly": testEventsAppendOnly,
				"CaseMerchant":     testCaseMerchant,
				"RoutingRules":     testRoutingRules,
				"ImportBatches":    testImportBatches,
				"RouteAndFacts":    testRouteAndFacts,
				"Duplicates":       testDuplicates,
				"Groups":           testGroups,
				"JudicialQueue":    testJudicialQueue,
				"Consents":         testConsents,
				"SMSCodes":         testSMSCodes,
				"Leads":            testLeads,
				"Assignment":       testAssignment,
				"Consultations":    testConsultations,
				"Sessions2":        testMediationSessions,
				"Agreements":       testAgreementsArchive,
				"JudicialDelivery": testJudicialDelivery,
				"OnlineMediation":  testOnlineMediation,
				"Proposals":        testProposals,
				"CoMediators":      testCoMediators,
				"ExpertJoin":       testExpertJoin,
				"SavedViews":       testSavedViews,
				"Commendations":    testCommendations,
				"InTx":             testInTx,
				"AuditChain":       testAuditChain,
				"AuditConcurrent":  testAuditConcurrent,
				"NotesConcurrent":  testNotesDuringStateChange,
				"NewMerchantRace":  testNewMerchantRace,
				"EvalRollups":      testEvaluationRollups,
				"EvalCommended":    testEvalFactsCommended,
				"EvalConcurrent":   testEvaluationConcurrentCatchUp,
				"EvalSchemes":      testEvaluationSchemesRankings,
			}
			for name, fn := range tests {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					fn(t, e.Open(t, true))
				})
			}
		})
	}
}

// fixture builds city → district → committee → two rooms, plus a regulator office.
type fixture struct {
	city, district, committee, room1, room2, regulator, otherDistrict, otherCommittee store.OrgUnit
}

func mkOrg(t testing.TB, db store.Store, parent int64, kind domain.OrgKind, code, name, abbr string) store.OrgUnit {
	t.Helper()
	u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: name, Abbr: abbr}
	if err := db.CreateOrgUnit(context.Background(), &u); err != nil {
		t.Fatalf("create %s: %v", code, err)
	}
	return u
}

func newFixture(t testing.TB, db store.Store) fixture {
	var f fixture
	f.city = mkOrg(t, db, 0, domain.OrgCity, "sh", "上海市", "")
	f.district = mkOrg(t, db, f.city.ID, domain.OrgDistrict, "pd", "浦东新区", "")
	f.committee = mkOrg(t, db, f.district.ID, domain.OrgCommittee, "pd-cmt", "浦东新区消费纠纷人民调解委员会", "浦")
	f.room1 = mkOrg(t, db, f.committee.ID, domain.OrgOfficeRoom, "pd-r1", "陆家嘴工作室", "")
	f.room2 = mkOrg(t, db, f.committee.ID, domain.OrgEnterpriseRoom, "pd-r2", "某商场工作室", "")
	f.regulator = mkOrg(t, db, f.district.ID, domain.OrgRegulatorOffice, "pd-reg1", "陆家嘴市场监管所", "")
	f.otherDistrict = mkOrg(t, db, f.city.ID, domain.OrgDistrict, "xh", "徐汇区", "")
	f.otherCommittee = mkOrg(t, db, f.otherDistrict.ID, domain.OrgCommittee, "xh-cmt", "徐汇区消费纠纷人民调解委员会", "徐")
	return f
}

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// onEveryEngine runs fn in parallel on a fresh migrated database of each
// engine, with the standard fixture in it.
func onEveryEngine(t *testing.T, fn func(t *testing.T, e Engine, db *sqlstore.DB, f fixture)) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t, true)
			fn(t, e, db, newFixture(t, db))
		})
	}
}

func newCase(f fixture, room int64, ext string) *store.NewCase {
	return &store.NewCase{
		CommitteeID: f.committee.ID, CommitteeAbbr: "浦", RoomID: room, Channel: domain.ChannelWalkIn,
		Category: "服务-健身", Description: "健身房闭店，预付卡余额无法退还", Claim: "退还余额", ClaimFen: 256000,
		ReceivedAt: t0, ExternalID: ext,
		Parties: []store.Party{
			{Kind: "consumer", Name: "张小明", PhoneSealed: "sealed", PhoneHash: "h1", PhoneMask: "138****5678"},
			{Kind: "merchant", Name: "某某健身有限公司", CreditCode: "91350100M000100Y43"},
		},
		Event: store.Event{Type: "received", ActorName: "调解员01"},
	}
}

func testOrgTree(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	if f.room1.Path != fmt.Sprintf("/%d/%d/%d/%d/", f.city.ID, f.district.ID, f.committee.ID, f.room1.ID) {
		t.Fatalf("room path = %q", f.room1.Path)
	}
	got, err := db.GetOrgUnitByCode(ctx, "pd-r1")
	if err != nil || got.ID != f.room1.ID || got.Kind != domain.OrgOfficeRoom || got.ParentID != f.committee.ID {
		t.Fatalf("by code: %+v %v", got, err)
	}
	if g, err := db.GetOrgUnit(ctx, f.committee.ID); err != nil || g.Abbr != "浦" || g.Path != f.committee.Path {
		t.Fatalf("get: %+v %v", g, err)
	}
	if _, err := db.GetOrgUnit(ctx, 99999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing unit: %v", err)
	}
	dup := store.OrgUnit{ParentID: f.committee.ID, Kind: domain.OrgOfficeRoom, Code: "pd-r1", Name: "x"}
	if err := db.CreateOrgUnit(ctx, &dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate code: %v", err)
	}
	all, err := db.ListOrgUnits(ctx)
	if err != nil || len(all) != 8 || all[0].ID != f.city.ID {
		t.Fatalf("list: %d %v", len(all), err)
	}
	// A subtree: the unit and everything under it, in the tree's order,
	// from the cache and inside a transaction (which reads the table).
	for _, top := range []store.OrgUnit{f.committee, f.district, f.room1, f.otherDistrict} {
		var want []int64
		for _, u := range all {
			if strings.HasPrefix(u.Path, top.Path) {
				want = append(want, u.ID)
			}
		}
		ids := func(us []store.OrgUnit) []int64 { return idsOf(us, func(u store.OrgUnit) int64 { return u.ID }) }
		got, err := db.OrgUnitsUnder(ctx, top.Path)
		if err != nil || !slices.Equal(ids(got), want) || got[0].Name != top.Name {
			t.Fatalf("under %s: %v %v, want %v", top.Code, ids(got), err, want)
		}
		if err := db.InTx(ctx, func(tx store.Store) error {
			got, err := tx.OrgUnitsUnder(ctx, top.Path)
			if err != nil || !slices.Equal(ids(got), want) {
				t.Fatalf("under %s in a transaction: %v %v, want %v", top.Code, ids(got), err, want)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := db.OrgUnitsUnder(ctx, f.district.Path); err != nil || len(got) != 5 {
		t.Fatalf("the district's units: %d %v", len(got), err)
	}
	// Units by kind: those of the tree, in its order, from the cache and
	// in a transaction; a kind no unit has gives none.
	for _, kinds := range [][]domain.OrgKind{{domain.OrgCommittee}, {domain.OrgOfficeRoom, domain.OrgDistrict}, {domain.OrgCourt}, nil} {
		var want []int64
		for _, u := range all {
			if slices.Contains(kinds, u.Kind) {
				want = append(want, u.ID)
			}
		}
		ids := func(us []store.OrgUnit) []int64 { return idsOf(us, func(u store.OrgUnit) int64 { return u.ID }) }
		got, err := db.OrgUnitsOfKind(ctx, kinds...)
		if err != nil || !slices.Equal(ids(got), want) || (kinds != nil && kinds[0] == domain.OrgCommittee && len(want) < 2) {
			t.Fatalf("of kinds %v: %v %v, want %v", kinds, ids(got), err, want)
		}
		if err := db.InTx(ctx, func(tx store.Store) error {
			if got, err := tx.OrgUnitsOfKind(ctx, kinds...); err != nil || !slices.Equal(ids(got), want) {
				t.Fatalf("of kinds %v in a transaction: %v %v, want %v", kinds, ids(got), err, want)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetRoomStreets(ctx, f.room1.ID, []string{"陆家嘴街道", "潍坊新村街道"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetRoomStreets(ctx, f.room2.ID, []string{"花木街道"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetRoomStreets(ctx, f.room1.ID, []string{"陆家嘴街道"}); err != nil { // replaces
		t.Fatal(err)
	}
	rs, err := db.ListRoomStreets(ctx, f.committee.ID)
	if err != nil || len(rs) != 2 || rs[0].Street != "陆家嘴街道" || rs[1].RoomID != f.room2.ID {
		t.Fatalf("streets: %+v %v", rs, err)
	}
	// A committee's streets are read by its rooms' keys, not by walking every
	// room's streets of the city (SQLite's plan; the tree itself is small).
	if db.Dialect() == "sqlite" {
		if plan := tracedPlan(t, db, func() { db.ListRoomStreets(ctx, f.committee.ID) }); strings.Contains(plan, "SCAN rs") {
			t.Errorf("a committee's streets read every room's:\n%s", plan)
		}
	}
	m := store.Merchant{Name: "某商场", CreditCode: "91310115MA1K3YJ12X"}
	if err := db.UpsertMerchant(ctx, &m); err != nil {
		t.Fatal(err)
	}
	if err := db.BindRoomMerchant(ctx, f.room2.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.BindRoomMerchant(ctx, f.room2.ID, m.ID); err != nil { // idempotent
		t.Fatal(err)
	}
	ms, err := db.ListRoomMerchants(ctx, f.room2.ID)
	if err != nil || len(ms) != 1 || ms[0].ID != m.ID {
		t.Fatalf("room merchants: %+v %v", ms, err)
	}
}

func testMerchants(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	a := store.Merchant{Name: "上海某健身有限公司", CreditCode: "91350100M000100Y43", Address: "浦东新区陆家嘴街道1号"}
	if err := db.UpsertMerchant(ctx, &a); err != nil || a.ID == 0 {
		t.Fatalf("insert: %v", err)
	}
	b := store.Merchant{Name: "", CreditCode: "91350100M000100Y43", ODR: true}
	if err := db.UpsertMerchant(ctx, &b); err != nil {
		t.Fatal(err)
	}
	if b.ID != a.ID || b.Name != a.Name || b.Address != a.Address || !b.ODR {
		t.Fatalf("upsert by credit code must keep name/address and set ODR: %+v", b)
	}
	c := store.Merchant{Name: "无照小店"}
	d := store.Merchant{Name: "无照小店", Address: "周浦镇"}
	if err := db.UpsertMerchant(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if err := db.UpsertMerchant(ctx, &d); err != nil || d.ID != c.ID || d.Address != "周浦镇" {
		t.Fatalf("upsert by name: %+v %v", d, err)
	}
	got, err := db.GetMerchant(ctx, a.ID)
	if err != nil || got.CreditCode != a.CreditCode || !got.ODR {
		t.Fatalf("get: %+v %v", got, err)
	}
	if _, err := db.GetMerchant(ctx, 424242); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}

func testUsersBindings(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	u := store.User{Username: "mediator01", DisplayName: "调解员01", PasswordHash: "x", Active: true}
	if err := db.CreateUser(ctx, &u); err != nil || u.ID == 0 {
		t.Fatal(err)
	}
	if err := db.CreateUser(ctx, &store.User{Username: "mediator01", DisplayName: "y", PasswordHash: "y"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate username: %v", err)
	}
	got, err := db.GetUserByUsername(ctx, "mediator01")
	if err != nil || got.ID != u.ID || !got.Active || got.FailedLogins != 0 || got.LockedUntil != nil {
		t.Fatalf("by username: %+v %v", got, err)
	}
	if _, err := db.GetUserByUsername(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	lock := t0.Add(15 * time.Minute)
	if err := db.RecordLogin(ctx, u.ID, false, t0, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordLogin(ctx, u.ID, false, t0, &lock); err != nil {
		t.Fatal(err)
	}
	got, _ = db.GetUser(ctx, u.ID)
	if got.FailedLogins != 2 || got.LockedUntil == nil || !got.LockedUntil.Equal(lock) {
		t.Fatalf("after failures: %+v", got)
	}
	if err := db.RecordLogin(ctx, u.ID, true, t0, nil); err != nil {
		t.Fatal(err)
	}
	got, _ = db.GetUser(ctx, u.ID)
	if got.FailedLogins != 0 || got.LockedUntil != nil || got.LastLoginAt == nil || !got.LastLoginAt.Equal(t0) {
		t.Fatalf("after success: %+v", got)
	}
	if err := db.SetPassword(ctx, u.ID, "newhash"); err != nil {
		t.Fatal(err)
	}
	if got, _ = db.GetUser(ctx, u.ID); got.PasswordHash != "newhash" {
		t.Fatal("password not set")
	}
	if err := db.SetPassword(ctx, 9999, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("set password unknown user: %v", err)
	}
	// An administrator's initial password is marked until the user sets their own.
	init := &store.User{Username: "initial_pw", DisplayName: "初始密码", PasswordHash: "h", Active: true, MustChangePassword: true}
	if err := db.CreateUser(ctx, init); err != nil {
		t.Fatal(err)
	}
	if got, _ = db.GetUser(ctx, init.ID); !got.MustChangePassword {
		t.Fatal("the initial password is not marked to be changed")
	}
	if err := db.SetPassword(ctx, init.ID, "own"); err != nil {
		t.Fatal(err)
	}
	if got, _ = db.GetUser(ctx, init.ID); got.MustChangePassword {
		t.Fatal("still marked after a new password")
	}
	for _, b := range []store.Binding{{UserID: u.ID, Role: domain.RoleMediator, OrgID: f.room1.ID}, {UserID: u.ID, Role: domain.RoleMediator, OrgID: f.room1.ID}, {UserID: u.ID, Role: domain.RoleRoomLead, OrgID: f.room2.ID}} {
		if err := db.AddBinding(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	bs, err := db.ListBindings(ctx, u.ID)
	if err != nil || len(bs) != 2 || bs[0].Role != domain.RoleMediator || bs[0].OrgPath != f.room1.Path || bs[0].OrgName != "陆家嘴工作室" {
		t.Fatalf("bindings: %+v %v", bs, err)
	}
	us, err := db.ListUsers(ctx, store.UserQuery{Text: "调解员"})
	if err != nil || len(us) != 1 {
		t.Fatalf("list users: %d %v", len(us), err)
	}
	if us, _ := db.ListUsers(ctx, store.UserQuery{Text: "100%"}); len(us) != 0 {
		t.Fatal("LIKE wildcards must be escaped")
	}

	// Pages of one walk every account in username order, the text filter
	// kept on each page.
	all, err := db.ListUsers(ctx, store.UserQuery{})
	if err != nil || len(all) < 2 {
		t.Fatalf("all users: %d %v", len(all), err)
	}
	var walked []string
	for after := ""; ; {
		page, err := db.ListUsers(ctx, store.UserQuery{After: after, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		walked = append(walked, page[0].Username)
		after = page[0].Username
	}
	if len(walked) != len(all) || !slices.IsSorted(walked) {
		t.Fatalf("pages of one walked %v, one page has %d", walked, len(all))
	}
	if us, _ := db.ListUsers(ctx, store.UserQuery{Text: "调解员", After: us[0].Username}); len(us) != 0 {
		t.Fatalf("past the only match: %+v", us)
	}

	// Several users' bindings in one read, by user in the order asked.
	other := &store.User{Username: "bind_other", DisplayName: "另一人", PasswordHash: "h", Active: true}
	if err := db.CreateUser(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := db.AddBinding(ctx, store.Binding{UserID: other.ID, Role: domain.RoleCommittee, OrgID: f.committee.ID}); err != nil {
		t.Fatal(err)
	}
	of, err := db.ListBindingsOf(ctx, []int64{other.ID, init.ID, u.ID})
	if err != nil || len(of) != 3 || of[0].UserID != other.ID || of[0].OrgPath != f.committee.Path ||
		of[1].UserID != u.ID || of[1].Role != domain.RoleMediator || of[2].Role != domain.RoleRoomLead || of[2].OrgName == "" {
		t.Fatalf("bindings of three users: %+v %v", of, err)
	}
	if of, err := db.ListBindingsOf(ctx, nil); err != nil || len(of) != 0 {
		t.Fatalf("bindings of no user: %+v %v", of, err)
	}
}

func testTokens(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	u := store.User{Username: "a", DisplayName: "a", PasswordHash: "x", Active: true}
	db.CreateUser(ctx, &u)
	exp := t0.Add(time.Hour)
	tok := store.Token{Hash: "abc", Kind: "session", UserID: u.ID, ExpiresAt: &exp}
	if err := db.CreateToken(ctx, &tok); err != nil || tok.ID == 0 {
		t.Fatal(err)
	}
	key := store.Token{Hash: "def", Kind: "key", Name: "12315接口", Role: domain.RoleMachine, OrgID: f.regulator.ID}
	if err := db.CreateToken(ctx, &key); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateToken(ctx, &store.Token{Hash: "abc", Kind: "key"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate hash: %v", err)
	}
	got, err := db.GetTokenByHash(ctx, "def")
	if err != nil || got.OrgID != f.regulator.ID || got.Role != domain.RoleMachine || got.ExpiresAt != nil || got.UserID != 0 {
		t.Fatalf("get key: %+v %v", got, err)
	}
	keys, err := db.ListTokens(ctx, "key")
	if err != nil || len(keys) != 1 || keys[0].Name != "12315接口" {
		t.Fatalf("list keys: %+v %v", keys, err)
	}
	if err := db.RevokeToken(ctx, key.ID, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeToken(ctx, key.ID, t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoke twice: %v", err)
	}
	if got, _ := db.GetTokenByHash(ctx, "def"); got.RevokedAt == nil {
		t.Fatal("revocation not stored")
	}
	if _, err := db.GetTokenByHash(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
}

func testSessions(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Now()
	if err := db.SessionCommit(ctx, "s1", []byte("one"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.SessionCommit(ctx, "s1", []byte("two"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.SessionCommit(ctx, "old", []byte("x"), now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := db.SessionFind(ctx, "s1"); err != nil || !ok || string(b) != "two" {
		t.Fatalf("find: %q %v %v", b, ok, err)
	}
	if _, ok, _ := db.SessionFind(ctx, "old"); ok {
		t.Fatal("expired session found")
	}
	if b, exp, ok, err := db.SessionFindExpiry(ctx, "s1"); err != nil || !ok || string(b) != "two" || exp.Sub(now.Add(time.Hour)).Abs() > time.Second {
		t.Fatalf("find with expiry: %q %v %v %v", b, exp, ok, err)
	}
	if _, _, ok, _ := db.SessionFindExpiry(ctx, "old"); ok {
		t.Fatal("expired session found with its expiry")
	}
	if n, err := db.SessionDeleteExpired(ctx, now); err != nil || n != 1 {
		t.Fatalf("delete expired: %d %v", n, err)
	}
	if err := db.SessionDelete(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.SessionFind(ctx, "s1"); ok {
		t.Fatal("deleted session found")
	}
}

func testCaseLifecycle(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	nc := newCase(f, 0, "12315-2026-0001")
	nc.DivertedByOrgID = f.regulator.ID
	c, created, err := db.CreateCase(ctx, nc)
	if err != nil || !created {
		t.Fatalf("create: %v", err)
	}
	if c.Number != "（2026）浦消调字第00001号" || c.Status != domain.StatusReceived || c.Version != 1 ||
		c.OrgPath != f.committee.Path || c.DivertedByPath != f.regulator.Path || !c.ReceivedAt.Equal(t0) ||
		c.ClaimFen != 256000 || c.ConsumerName != "张小明" || c.MerchantName != "某某健身有限公司" || len(c.Parties) != 2 {
		t.Fatalf("created case: %+v", c)
	}
	if c.Parties[0].PhoneMask != "138****5678" || c.Parties[1].CreditCode != "91350100M000100Y43" {
		t.Fatalf("parties: %+v", c.Parties)
	}
	got, err := db.GetCaseByExternalID(ctx, "12315-2026-0001")
	if err != nil || got.ID != c.ID {
		t.Fatalf("by external id: %v", err)
	}
	acc := t0.Add(24 * time.Hour)
	reason, policy, room := "", int64(2), f.room1.ID
	c2, err := db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusAccepted, AcceptedAt: &acc,
		DecidedAt: &acc, ReasonCode: &reason, PolicyID: &policy, RoomID: &room},
		store.Event{Type: string(domain.ActionAccept), ActorID: 0, ActorName: "调解员01", At: acc, Note: "材料齐全"})
	if err != nil {
		t.Fatal(err)
	}
	if c2.Status != domain.StatusAccepted || c2.Version != 2 || c2.AcceptedAt == nil || !c2.AcceptedAt.Equal(acc) ||
		c2.PolicyID != 2 || c2.RoomID != f.room1.ID || c2.OrgPath != f.room1.Path {
		t.Fatalf("after accept: %+v", c2)
	}
	// A writer holding the old version loses.
	if _, err := db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusRejected}, store.Event{Type: "reject"}); !errors.Is(err, store.ErrStale) {
		t.Fatalf("stale write: %v", err)
	}
	if _, err := db.ApplyEvent(ctx, 777777, 1, store.CaseChange{Status: domain.StatusRejected}, store.Event{Type: "reject"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown case: %v", err)
	}
	evs, err := db.ListEvents(ctx, c.ID)
	if err != nil || len(evs) != 2 {
		t.Fatalf("events: %+v %v", evs, err)
	}
	if evs[0].Seq != 1 || evs[0].ToStatus != domain.StatusReceived || evs[1].Seq != 2 ||
		evs[1].FromStatus != domain.StatusReceived || evs[1].ToStatus != domain.StatusAccepted || evs[1].Note != "材料齐全" || !evs[1].At.Equal(acc) {
		t.Fatalf("event log: %+v", evs)
	}
	counts, err := db.CountCasesByStatus(ctx)
	if err != nil || counts[domain.StatusAccepted] != 1 || counts[domain.StatusReceived] != 0 {
		t.Fatalf("counts: %v %v", counts, err)
	}
}

func testCaseIdempotency(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	var wg sync.WaitGroup
	ids := make([]int64, 8)
	createdN := make([]bool, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nc := newCase(f, 0, "")
			nc.ClientID, nc.IdempotencyKey = "token:1", "key-123"
			c, created, err := db.CreateCase(ctx, nc)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i], createdN[i] = c.ID, created
		}()
	}
	wg.Wait()
	n := 0
	for i := range ids {
		if ids[i] != ids[0] {
			t.Fatalf("same key gave different cases: %v", ids)
		}
		if createdN[i] {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("created %d times", n)
	}
	// Another client may use the same key.
	nc := newCase(f, 0, "")
	nc.ClientID, nc.IdempotencyKey = "token:2", "key-123"
	c, created, err := db.CreateCase(ctx, nc)
	if err != nil || !created || c.ID == ids[0] || c.Seq != 2 {
		t.Fatalf("other client: %+v %v %v", c, created, err)
	}
}

func testCaseUniqueIDs(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	if _, _, err := db.CreateCase(ctx, newCase(f, 0, "C1")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CreateCase(ctx, newCase(f, 0, "C1")); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate 12315 number: %v", err)
	}
	// The refused case must not have used up a number.
	c, _, err := db.CreateCase(ctx, newCase(f, 0, "C2"))
	if err != nil || c.Seq != 2 {
		t.Fatalf("gap after refused insert: %+v %v", c, err)
	}
	nc := newCase(f, 0, "")
	nc.CourtNumber = "（2026）沪0115民诉前调1号"
	db.CreateCase(ctx, nc)
	nc2 := newCase(f, 0, "")
	nc2.CourtNumber = nc.CourtNumber
	if _, _, err := db.CreateCase(ctx, nc2); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate court number: %v", err)
	}
	if got, err := db.GetCaseByCourtNumber(ctx, nc.CourtNumber); err != nil || got.CourtNumber != nc.CourtNumber {
		t.Fatalf("by court number: %+v %v", got, err)
	}
	if _, err := db.GetCaseByCourtNumber(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown court number: %v", err)
	}
	// Unknown org unit: nothing is written.
	bad := newCase(f, 98765, "")
	if _, _, err := db.CreateCase(ctx, bad); err == nil {
		t.Fatal("unknown room accepted")
	}
	if p, _ := db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}}); p.Total != 3 {
		t.Fatalf("total %d, want 3", p.Total)
	}
}

func testCaseNumbersConcurrent(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	const workers, each = 10, 10
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]bool{}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, ""))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seen[c.Number] = true
				mu.Unlock()
			}
		}()
	}
	// The other committee and the next year count on their own.
	other := newCase(f, 0, "")
	other.CommitteeID, other.CommitteeAbbr = f.otherCommittee.ID, "徐"
	oc, _, err := db.CreateCase(ctx, other)
	if err != nil || oc.Number != "（2026）徐消调字第00001号" {
		t.Fatalf("other committee: %q %v", oc.Number, err)
	}
	next := newCase(f, 0, "")
	next.ReceivedAt = time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC) // 2027-01-01 01:00 in Shanghai
	nc, _, err := db.CreateCase(ctx, next)
	if err != nil || nc.Number != "（2027）浦消调字第00001号" {
		t.Fatalf("year by Shanghai date: %q %v", nc.Number, err)
	}
	wg.Wait()
	if len(seen) != workers*each {
		t.Fatalf("%d distinct numbers, want %d", len(seen), workers*each)
	}
	for i := 1; i <= workers*each; i++ {
		if n := domain.CaseNumber(2026, "浦", int64(i)); !seen[n] {
			t.Fatalf("gap: %s missing", n)
		}
	}
}

func testListCasesScope(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	for i := 0; i < 5; i++ {
		nc := newCase(f, f.room1.ID, "")
		nc.ReceivedAt = t0.Add(time.Duration(i) * 24 * time.Hour)
		if i == 4 {
			nc.Description = "手机屏幕碎裂 100%_退货"
			nc.DivertedByOrgID = f.regulator.ID
		}
		db.CreateCase(ctx, nc)
	}
	c, _, _ := db.CreateCase(ctx, newCase(f, f.room2.ID, ""))
	other := newCase(f, 0, "")
	other.CommitteeID, other.CommitteeAbbr = f.otherCommittee.ID, "徐"
	db.CreateCase(ctx, other)

	count := func(q store.CaseQuery) int64 {
		t.Helper()
		p, err := db.ListCases(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(p.Cases)) > p.Total {
			t.Fatalf("page larger than total")
		}
		return p.Total
	}
	scope := func(us ...store.OrgUnit) store.Scope {
		var s store.Scope
		for _, u := range us {
			s.Prefixes = append(s.Prefixes, u.Path)
		}
		return s
	}
	cases := []struct {
		name string
		q    store.CaseQuery
		want int64
	}{
		{"committee sees its rooms", store.CaseQuery{Scope: scope(f.committee)}, 6},
		{"district sees its committee", store.CaseQuery{Scope: scope(f.district)}, 6},
		{"city sees all", store.CaseQuery{Scope: scope(f.city)}, 7},
		{"room sees its own", store.CaseQuery{Scope: scope(f.room1)}, 5},
		{"regulator sees what it diverted", store.CaseQuery{Scope: scope(f.regulator)}, 1},
		{"other district", store.CaseQuery{Scope: scope(f.otherDistrict)}, 1},
		{"no bindings sees nothing", store.CaseQuery{}, 0},
		{"two bindings", store.CaseQuery{Scope: scope(f.room2, f.otherCommittee)}, 2},
		{"room filter", store.CaseQuery{Scope: scope(f.city), RoomID: f.room2.ID}, 1},
		{"status filter", store.CaseQuery{Scope: scope(f.city), Statuses: []domain.Status{domain.StatusReceived, domain.StatusAccepted}}, 7},
		{"status filter none", store.CaseQuery{Scope: scope(f.city), Statuses: []domain.Status{domain.StatusArchived}}, 0},
		{"text in description", store.CaseQuery{Scope: scope(f.city), Text: "屏幕"}, 1},
		{"text is literal", store.CaseQuery{Scope: scope(f.city), Text: "100%_"}, 1},
		{"text wildcard not special", store.CaseQuery{Scope: scope(f.city), Text: "%"}, 1},
		{"text by number", store.CaseQuery{Scope: scope(f.city), Text: c.Number}, 1},
		{"text by consumer", store.CaseQuery{Scope: scope(f.city), Text: "张小明"}, 7},
		{"date range", store.CaseQuery{Scope: scope(f.room1), From: ptr(t0.Add(24 * time.Hour)), To: ptr(t0.Add(3 * 24 * time.Hour))}, 2},
	}
	for _, tc := range cases {
		if got := count(tc.q); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	p, err := db.ListCases(ctx, store.CaseQuery{Scope: scope(f.room1), Limit: 2, Offset: 2})
	if err != nil || len(p.Cases) != 2 || p.Total != 5 || !p.Cases[0].ReceivedAt.Equal(t0.Add(2*24*time.Hour)) {
		t.Fatalf("paging newest first: %+v %v", p, err)
	}
}

func ptr[T any](v T) *T { return &v }

func testCalendarPolicy(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	if err := db.PutCalendarOverride(ctx, store.CalendarOverride{Date: "2028-10-01", Workday: false, Name: "国庆节"}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutCalendarOverride(ctx, store.CalendarOverride{Date: "2028-09-30", Workday: true, Name: "调休上班"}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutCalendarOverride(ctx, store.CalendarOverride{Date: "2028-10-01", Workday: false, Name: "国庆节（修订）"}); err != nil {
		t.Fatal(err)
	}
	os, err := db.ListCalendarOverrides(ctx)
	if err != nil || len(os) != 2 || os[0].Date != "2028-09-30" || !os[0].Workday || os[1].Name != "国庆节（修订）" {
		t.Fatalf("overrides: %+v %v", os, err)
	}
	if err := db.DeleteCalendarOverride(ctx, "2028-09-30"); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteCalendarOverride(ctx, "2028-09-30"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete missing: %v", err)
	}
	p := store.Policy{Code: "2019", Name: "暂行办法", EffectiveFrom: "2019-12-01", AcceptanceWD: 7, MediationWD: 45, TerminationNoticeWD: 7, ODRNegotiationWD: 10, JudicialConfirmDays: 30, CommitteeTargetDays: 30}
	if err := db.PutPolicy(ctx, &p); err != nil || p.ID == 0 {
		t.Fatal(err)
	}
	q := p
	q.Code, q.EffectiveFrom, q.ID = "samr121", "2026-04-15", 0
	if err := db.PutPolicy(ctx, &q); err != nil {
		t.Fatal(err)
	}
	p.MediationWD = 60
	id := p.ID
	if err := db.PutPolicy(ctx, &p); err != nil || p.ID != id {
		t.Fatalf("update by code: %v", err)
	}
	ps, err := db.ListPolicies(ctx)
	if err != nil || len(ps) != 2 || ps[0].MediationWD != 60 || ps[1].Code != "samr121" {
		t.Fatalf("policies: %+v %v", ps, err)
	}
	dup := q
	dup.Code = "other"
	if err := db.PutPolicy(ctx, &dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("two policies on one date: %v", err)
	}
}

func testEventsAppendOnly(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	c, _, err := db.CreateCase(ctx, newCase(f, 0, ""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Writer().ExecContext(ctx, `UPDATE case_events SET note = 'x' WHERE case_id = $1`, c.ID); err == nil {
		t.Fatal("event log accepted an UPDATE")
	}
	if _, err := db.Writer().ExecContext(ctx, `DELETE FROM case_events WHERE case_id = $1`, c.ID); err == nil {
		t.Fatal("event log accepted a DELETE")
	}
}

func TestMigrationUpgrade(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := e.Open(t, false)
			if err := db.MigrateTo(ctx, 1); err != nil {
				t.Fatal(err)
			}
			if ok, _ := db.MigrationsCurrent(ctx); ok {
				t.Fatal("version 1 reported current")
			}
			// Data written by the first schema, in its own SQL (today's code
			// knows columns the old schema lacks).
			w := db.Writer()
			now := t0
			var org, caseID, twinA, twinB int64
			steps := []func() error{
				func() error {
					return w.QueryRowContext(ctx, `INSERT INTO org_units (kind, code, name, abbr, path, created_at)
						VALUES ('committee', 'old-cmt', '旧调委会', '旧', '', $1) RETURNING id`, now).Scan(&org)
				},
				func() error {
					_, err := w.ExecContext(ctx, `UPDATE org_units SET path = $1 WHERE id = $2`, fmt.Sprintf("/%d/", org), org)
					return err
				},
				func() error {
					return w.QueryRowContext(ctx, `INSERT INTO cases (number, year, seq, committee_id, org_path, status, channel,
						description, claim_fen, received_at, external_id, version, created_at, updated_at)
						VALUES ('（2026）旧消调字第00001号', 2026, 1, $1, $2, 'received', 'walk_in', '旧数据', 100, $3, 'OLD-1', 1, $3, $3)
						RETURNING id`, org, fmt.Sprintf("/%d/", org), now).Scan(&caseID)
				},
				func() error {
					_, err := w.ExecContext(ctx, `INSERT INTO case_counters (committee_id, year, last) VALUES ($1, 2026, 1)`, org)
					return err
				},
				func() error {
					_, err := w.ExecContext(ctx, `INSERT INTO parties (case_id, kind, name) VALUES ($1, 'consumer', '张三')`, caseID)
					return err
				},
				// Twin merchants a race made before merchant names were unique.
				func() error {
					return w.QueryRowContext(ctx, `INSERT INTO merchants (name, created_at) VALUES ('无照小店', $1) RETURNING id`, now).Scan(&twinA)
				},
				func() error {
					return w.QueryRowContext(ctx, `INSERT INTO merchants (name, created_at) VALUES ('无照小店', $1) RETURNING id`, now).Scan(&twinB)
				},
				func() error {
					_, err := w.ExecContext(ctx, `UPDATE cases SET merchant_id = $1 WHERE id = $2`, twinB, caseID)
					return err
				},
				func() error {
					_, err := w.ExecContext(ctx, `INSERT INTO parties (case_id, kind, name, merchant_id) VALUES ($1, 'merchant', '无照小店', $2)`, caseID, twinB)
					return err
				},
				func() error {
					_, err := w.ExecContext(ctx, `INSERT INTO case_events (case_id, seq, type, to_status, at) VALUES ($1, 1, 'received', 'received', $2)`, caseID, now)
					return err
				},
			}
			for i, step := range steps {
				if err := step(); err != nil {
					t.Fatalf("old-schema write %d: %v", i, err)
				}
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if ok, err := db.MigrationsCurrent(ctx); !ok || err != nil {
				t.Fatalf("not current after upgrade: %v", err)
			}
			got, err := db.GetCase(ctx, caseID)
			if err != nil || got.Number != "（2026）旧消调字第00001号" || got.ExternalID != "OLD-1" || got.RouteReason != "" || len(got.Parties) != 2 {
				t.Fatalf("case after upgrade: %+v %v", got, err)
			}
			// The twins are folded into the older row, and the case follows it.
			if got.MerchantID != twinA {
				t.Fatalf("case's merchant after upgrade: %d, want %d", got.MerchantID, twinA)
			}
			if _, err := db.GetMerchant(ctx, twinB); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("twin merchant still there: %v", err)
			}
			// The upgraded database takes new work: the counter continues, new tables work.
			nc := &store.NewCase{CommitteeID: org, CommitteeAbbr: "旧", Channel: domain.ChannelWalkIn, ReceivedAt: now, Event: store.Event{Type: "received"},
				Parties: []store.Party{{Kind: "consumer", Name: "李四"}}}
			if c, _, err := db.CreateCase(ctx, nc); err != nil || c.Number != "（2026）旧消调字第00002号" {
				t.Fatalf("create after upgrade: %q %v", c.Number, err)
			}
			if err := db.PutPolicy(ctx, &store.Policy{Code: "x", Name: "x", EffectiveFrom: "2020-01-01", AcceptanceWD: 7, MediationWD: 45, TerminationNoticeWD: 7, ODRNegotiationWD: 10, JudicialConfirmDays: 30, CommitteeTargetDays: 30}); err != nil {
				t.Fatalf("new tables unusable: %v", err)
			}
			if err := db.ReplaceRoutingRules(ctx, org, []store.RoutingRule{{Position: 1, Kind: "fallback", Enabled: true}}, 0); err != nil {
				t.Fatalf("routing rules after upgrade: %v", err)
			}
			if err := db.Migrate(ctx); err != nil { // idempotent
				t.Fatal(err)
			}
		})
	}
}

func TestBulkCreate(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			acc := t0.Add(48 * time.Hour)
			med := store.User{Username: "bulk-mediator", DisplayName: "调解员", Active: true, PasswordHash: "x"}
			if err := db.CreateUser(ctx, &med); err != nil {
				t.Fatal(err)
			}
			var batch []store.BulkCase
			for i := 0; i < 30; i++ {
				bc := store.BulkCase{New: *newCase(f, f.room1.ID, fmt.Sprintf("B-%d", i))}
				if i%2 == 0 {
					bc.History = []store.Step{
						{Change: store.CaseChange{Status: domain.StatusAccepted, AcceptedAt: &acc, DecidedAt: &acc}, Event: store.Event{Type: "accept", At: acc}},
						{Change: store.CaseChange{Status: domain.StatusConsenting}, Event: store.Event{Type: "request_consent", At: acc}},
					}
				}
				if i == 2 {
					bc.History = append(bc.History, store.Step{Change: store.CaseChange{Status: domain.StatusAssigned},
						Event: store.Event{Type: "assign", At: acc, Data: fmt.Sprintf(`{"mediator_id":%d}`, med.ID)}})
				}
				batch = append(batch, bc)
			}
			if err := db.BulkCreateCases(ctx, batch); err != nil {
				t.Fatal(err)
			}
			counts, _ := db.CountCasesByStatus(ctx)
			if counts[domain.StatusConsenting] != 14 || counts[domain.StatusAssigned] != 1 || counts[domain.StatusReceived] != 15 {
				t.Fatalf("counts %v", counts)
			}
			if c, _ := db.GetCaseByExternalID(ctx, "B-2"); c.PresidingID != med.ID {
				t.Fatalf("a bulk history's assignment names the presiding mediator: %d", c.PresidingID)
			}
			c, err := db.GetCaseByExternalID(ctx, "B-0")
			if err != nil || c.Version != 3 || c.Number != "（2026）浦消调字第00001号" {
				t.Fatalf("%+v %v", c, err)
			}
			evs, _ := db.ListEvents(ctx, c.ID)
			if len(evs) != 3 || evs[2].FromStatus != domain.StatusAccepted || evs[2].ToStatus != domain.StatusConsenting {
				t.Fatalf("events %+v", evs)
			}
			// A failing batch writes nothing and uses no numbers.
			bad := []store.BulkCase{{New: *newCase(f, f.room1.ID, "NEW-1")}, {New: *newCase(f, f.room1.ID, "B-3")}}
			if err := db.BulkCreateCases(ctx, bad); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("duplicate in batch: %v", err)
			}
			if _, err := db.GetCaseByExternalID(ctx, "NEW-1"); !errors.Is(err, store.ErrNotFound) {
				t.Fatal("half a batch was written")
			}
			next, _, _ := db.CreateCase(ctx, newCase(f, 0, ""))
			if next.Seq != 31 {
				t.Fatalf("seq after failed batch = %d", next.Seq)
			}
		})
	}
}

func testCaseMerchant(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	nc := newCase(f, 0, "")
	nc.Merchant = &store.Merchant{Name: "上海某某健身有限公司", CreditCode: "91350100M000100Y43", Address: "陆家嘴街道1号"}
	c, _, err := db.CreateCase(ctx, nc)
	if err != nil || c.MerchantID == 0 || c.Parties[1].MerchantID != c.MerchantID {
		t.Fatalf("merchant with the case: %+v %v", c, err)
	}
	nc2 := newCase(f, 0, "")
	nc2.Merchant = &store.Merchant{CreditCode: "91350100M000100Y43", ODR: true}
	c2, _, err := db.CreateCase(ctx, nc2)
	if err != nil || c2.MerchantID != c.MerchantID {
		t.Fatalf("same credit code, same merchant: %v", err)
	}
	m, _ := db.GetMerchant(ctx, c.MerchantID)
	if m.Name != "上海某某健身有限公司" || m.Address != "陆家嘴街道1号" || !m.ODR {
		t.Fatalf("merchant merged: %+v", m)
	}
	// A failed case leaves no new merchant behind.
	bad := newCase(f, 98765, "")
	bad.Merchant = &store.Merchant{Name: "不应留下的商户"}
	if _, _, err := db.CreateCase(ctx, bad); err == nil {
		t.Fatal("unknown room accepted")
	}
	var n int
	db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM merchants WHERE name = $1`, "不应留下的商户").Scan(&n)
	if n != 0 {
		t.Fatal("merchant of a failed case was kept")
	}
}

func testRoutingRules(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	rules := []store.RoutingRule{
		{Position: 1, Kind: "enterprise_merchant", Enabled: true},
		{Position: 2, Kind: "online_platform", Enabled: true, RoomID: f.room2.ID, Keywords: []string{"网购", "直播"}},
		{Position: 3, Kind: "category", Enabled: false, RoomID: f.room1.ID, Categories: []string{"服务-医疗美容"}, Note: "医美专窗"},
		{Position: 4, Kind: "fallback", Enabled: true},
	}
	if err := db.ReplaceRoutingRules(ctx, f.committee.ID, rules, 0); err != nil {
		t.Fatal(err)
	}
	got, err := db.ListRoutingRules(ctx, f.committee.ID)
	if err != nil || len(got) != 4 || got[1].Keywords[1] != "直播" || got[2].Enabled || got[2].Categories[0] != "服务-医疗美容" ||
		got[2].Note != "医美专窗" || got[0].Categories == nil || got[3].RoomID != 0 {
		t.Fatalf("rules: %+v %v", got, err)
	}
	if err := db.ReplaceRoutingRules(ctx, f.committee.ID, rules[:1], 0); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ListRoutingRules(ctx, f.committee.ID); len(got) != 1 {
		t.Fatalf("replace keeps old rules: %d", len(got))
	}
	if got, _ := db.ListRoutingRules(ctx, f.otherCommittee.ID); len(got) != 0 {
		t.Fatal("rules leak across committees")
	}
	// A rule pointing at a room that does not exist is refused and the old list stays.
	bad := []store.RoutingRule{{Position: 1, Kind: "category", RoomID: 99999}}
	if err := db.ReplaceRoutingRules(ctx, f.committee.ID, bad, 0); err == nil {
		t.Fatal("rule with unknown room stored")
	}
	if got, _ := db.ListRoutingRules(ctx, f.committee.ID); len(got) != 1 {
		t.Fatal("failed replace lost the old list")
	}
	m := store.Merchant{Name: "某平台", CreditCode: "91350100M000100Y43"}
	db.UpsertMerchant(ctx, &m)
	db.BindRoomMerchant(ctx, f.room2.ID, m.ID)
	rms, err := db.ListCommitteeRoomMerchants(ctx, f.committee.ID)
	if err != nil || len(rms) != 1 || rms[0].RoomID != f.room2.ID || rms[0].CreditCode != m.CreditCode {
		t.Fatalf("room merchants: %+v %v", rms, err)
	}
	if rms, _ := db.ListCommitteeRoomMerchants(ctx, f.otherCommittee.ID); len(rms) != 0 {
		t.Fatal("room merchants leak across committees")
	}
}

func testRouteAndFacts(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	c, _, err := db.CreateCase(ctx, newCase(f, 0, "R1"))
	if err != nil {
		t.Fatal(err)
	}
	room := f.room1.ID
	c, err = db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{RoomID: &room, Route: &store.Route{RuleID: 7, Kind: "street", Reason: "经营地址位于陆家嘴街道"}},
		store.Event{Type: "route", Note: "分流"})
	if err != nil {
		t.Fatal(err)
	}
	if c.RoomID != f.room1.ID || c.OrgPath != f.room1.Path || c.RouteKind != "street" || c.RouteRuleID != 7 || c.Status != domain.StatusReceived {
		t.Fatalf("routed: %+v", c)
	}
	back := int64(0)
	c, err = db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{RoomID: &back}, store.Event{Type: "reroute"})
	if err != nil || c.RoomID != 0 || c.OrgPath != f.committee.Path {
		t.Fatalf("back to the queue: %+v %v", c, err)
	}
	evs, _ := db.ListEvents(ctx, c.ID)
	if last := evs[len(evs)-1]; last.FromStatus != domain.StatusReceived || last.ToStatus != domain.StatusReceived {
		t.Fatalf("a non-status event keeps the status: %+v", last)
	}
	facts := &store.Facts{Category: "商品-家用电器", Description: "新的描述", Claim: "换货", ClaimFen: 999,
		Consumer: store.Party{Name: "王五", PhoneSealed: "s2", PhoneHash: "h2", PhoneMask: "139****0000"}}
	c, err = db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Facts: facts}, store.Event{Type: "facts_updated"})
	if err != nil || c.Description != "新的描述" || c.ClaimFen != 999 || c.ConsumerName != "王五" || c.Parties[0].PhoneHash != "h2" || c.Parties[0].Name != "王五" {
		t.Fatalf("facts: %+v %v", c, err)
	}
	// Bulk creation places routed cases on the room's path too.
	bc := store.BulkCase{New: *newCase(f, 0, "R2"), History: []store.Step{{Change: store.CaseChange{RoomID: &room}, Event: store.Event{Type: "route"}}}}
	if err := db.BulkCreateCases(ctx, []store.BulkCase{bc}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetCaseByExternalID(ctx, "R2"); got.OrgPath != f.room1.Path {
		t.Fatalf("bulk org path: %s", got.OrgPath)
	}
}

func testDuplicates(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	a, _, _ := db.CreateCase(ctx, newCase(f, 0, "D1"))
	b, _, _ := db.CreateCase(ctx, newCase(f, 0, "D2"))
	other := newCase(f, 0, "D3")
	other.Parties[0].PhoneHash = "someone-else"
	c, _, _ := db.CreateCase(ctx, other)
	cands, err := db.ListDedupCandidates(ctx, store.DedupQuery{CommitteeID: f.committee.ID, PhoneHash: "h1", Since: t0.Add(-time.Hour), Until: t0.Add(time.Hour)})
	if err != nil || len(cands) != 2 || cands[0].PhoneHash != "h1" || !strings.Contains(cands[0].Text, "预付卡") {
		t.Fatalf("candidates by phone: %+v %v", cands, err)
	}
	all, _ := db.ListDedupCandidates(ctx, store.DedupQuery{CommitteeID: f.committee.ID, Since: t0.Add(-time.Hour), Until: t0.Add(time.Hour), OpenOnly: true})
	if len(all) != 3 {
		t.Fatalf("candidates of the committee: %d", len(all))
	}
	if err := db.AddDuplicateFlags(ctx, []store.DuplicateFlag{{CaseID: b.ID, OtherID: a.ID, Score: 0.9, Reasons: "同一手机号；同一经营者"}}); err != nil {
		t.Fatal(err)
	}
	db.AddDuplicateFlags(ctx, []store.DuplicateFlag{{CaseID: b.ID, OtherID: a.ID, Score: 0.5}}) // already there: unchanged
	fl, err := db.ListDuplicateFlags(ctx, a.ID)
	if err != nil || len(fl) != 1 || fl[0].Score != 0.9 || fl[0].Status != "open" {
		t.Fatalf("flags: %+v %v", fl, err)
	}
	// Merge b into a: b closes, both logs say so, the flag is settled.
	st := domain.StatusWithdrawn
	now := t0.Add(time.Hour)
	if err := db.MergeCase(ctx, b.ID, b.Version, a.ID, store.CaseChange{Status: st, ClosedAt: &now},
		store.Event{Type: "merge", Note: "合并至" + a.Number}, store.Event{Type: "merged_in", Note: "并入" + b.Number}); err != nil {
		t.Fatal(err)
	}
	gb, _ := db.GetCase(ctx, b.ID)
	if gb.Status != domain.StatusWithdrawn || gb.MergedInto != a.ID {
		t.Fatalf("merged case: %+v", gb)
	}
	ea, _ := db.ListEvents(ctx, a.ID)
	if ea[len(ea)-1].Type != "merged_in" || ea[len(ea)-1].ToStatus != domain.StatusReceived {
		t.Fatalf("keeping case log: %+v", ea[len(ea)-1])
	}
	if fl, _ := db.ListDuplicateFlags(ctx, b.ID); fl[0].Status != "merged" {
		t.Fatalf("flag after merge: %+v", fl)
	}
	if err := db.MergeCase(ctx, b.ID, b.Version, a.ID, store.CaseChange{Status: st}, store.Event{Type: "merge"}, store.Event{Type: "merged_in"}); !errors.Is(err, store.ErrStale) {
		t.Fatalf("merge with a stale version: %v", err)
	}
	if open, _ := db.ListDedupCandidates(ctx, store.DedupQuery{CommitteeID: f.committee.ID, Since: t0.Add(-time.Hour), Until: t0.Add(time.Hour), OpenOnly: true}); len(open) != 2 {
		t.Fatalf("merged case still a candidate: %d", len(open))
	}
	db.AddDuplicateFlags(ctx, []store.DuplicateFlag{{CaseID: c.ID, OtherID: a.ID, Score: 0.6}})
	fl, _ = db.ListDuplicateFlags(ctx, c.ID)
	if err := db.ResolveDuplicateFlag(ctx, fl[0].ID, "dismissed", 0, now); err != nil {
		t.Fatal(err)
	}
	if err := db.ResolveDuplicateFlag(ctx, fl[0].ID, "dismissed", 0, now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("resolve twice: %v", err)
	}
}

func testGroups(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	var ids []int64
	for i := 0; i < 4; i++ {
		room := f.room1.ID
		if i == 1 {
			room = 0 // still in the committee's own queue
		}
		c, _, _ := db.CreateCase(ctx, newCase(f, room, fmt.Sprintf("G%d", i)))
		ids = append(ids, c.ID)
	}
	g := store.Group{CommitteeID: f.committee.ID, MerchantName: "某某健身有限公司", Title: "某某健身闭店群体性纠纷", Reason: "7天内投诉4件"}
	if err := db.CreateGroup(ctx, &g, ids[:3]); err != nil || g.ID == 0 {
		t.Fatal(err)
	}
	if err := db.CreateGroup(ctx, &store.Group{CommitteeID: f.committee.ID, Title: "x"}, ids[2:]); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a case in two groups: %v", err)
	}
	if c, _ := db.GetCase(ctx, ids[3]); c.GroupID != 0 {
		t.Fatal("failed group left its member marked")
	}
	if err := db.SetGroupRepresentatives(ctx, g.ID, []int64{ids[0], ids[2]}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetGroupRepresentatives(ctx, g.ID, []int64{ids[3]}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("representative outside the group: %v", err)
	}
	if err := db.SetGroupRepresentatives(ctx, g.ID, ids); err == nil {
		t.Fatal("more than two representatives")
	}
	got, err := db.GetGroup(ctx, g.ID)
	if err != nil || len(got.Members) != 3 || !got.Members[0].Representative || got.Members[1].Representative || !got.Members[2].Representative {
		t.Fatalf("group: %+v %v", got, err)
	}
	if rooms := []int64{got.Members[0].RoomID, got.Members[1].RoomID, got.Members[2].RoomID}; !slices.Equal(rooms, []int64{f.room1.ID, 0, f.room1.ID}) {
		t.Fatalf("members' rooms %v", rooms)
	}
	if c, _ := db.GetCase(ctx, ids[1]); c.GroupID != g.ID {
		t.Fatal("member not marked")
	}
	if gs, _ := db.ListGroups(ctx, store.GroupQuery{CommitteeID: f.committee.ID, Paging: store.Paging{Limit: 5}}); len(gs.Items) != 1 || gs.Items[0].Title != g.Title || gs.Next != nil {
		t.Fatalf("list: %+v", gs)
	}
	if gs, _ := db.ListGroups(ctx, store.GroupQuery{CommitteeID: f.otherCommittee.ID, Paging: store.Paging{Limit: 5}}); len(gs.Items) != 0 {
		t.Fatal("groups leak across committees")
	}
	at := t0.Add(72 * time.Hour)
	if err := db.ScheduleGroupSession(ctx, g.ID, at, "陆家嘴调解室"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetGroupOutcome(ctx, g.ID, ids[1], "settled", "退还余额", 150000); err != nil {
		t.Fatal(err)
	}
	if err := db.SetGroupOutcome(ctx, g.ID, ids[3], "settled", "", 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("outcome of a non-member: %v", err)
	}
	got, _ = db.GetGroup(ctx, g.ID)
	if got.SessionAt == nil || !got.SessionAt.Equal(at) || got.SessionPlace != "陆家嘴调解室" || got.Members[1].Outcome != "settled" || got.Members[1].OutcomeFen != 150000 {
		t.Fatalf("session and outcome: %+v", got)
	}

	// The groups still being handled (the committee desk's section): those
	// with a member case open, newest first, at most the limit asked, of the
	// committee only; a group leaves the list when its last open case
	// closes, whichever way it closed, and stays among all the groups.
	h := store.Group{CommitteeID: f.committee.ID, MerchantName: "某某餐饮有限公司", Title: "某某餐饮预付卡群体性纠纷"}
	if err := db.CreateGroup(ctx, &h, ids[3:]); err != nil {
		t.Fatal(err)
	}
	groupIDs := func(gs []store.Group, err error) []int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, g := range gs {
			out = append(out, g.ID)
		}
		return out
	}
	open := func(committeeID int64, limit int) []int64 {
		t.Helper()
		page, err := db.ListGroups(ctx, store.GroupQuery{CommitteeID: committeeID, OpenOnly: true, Paging: store.Paging{Limit: limit}})
		return groupIDs(page.Items, err)
	}
	if got := open(f.committee.ID, 5); !slices.Equal(got, []int64{h.ID, g.ID}) {
		t.Fatalf("open groups %v, want %v", got, []int64{h.ID, g.ID})
	}
	if got := open(f.committee.ID, 1); !slices.Equal(got, []int64{h.ID}) {
		t.Fatalf("open groups, limit 1: %v", got)
	}
	if got := open(f.otherCommittee.ID, 5); len(got) != 0 {
		t.Fatalf("open groups leak across committees: %v", got)
	}
	for _, limit := range []int{0, -1, store.MaxPage + 1} {
		if _, err := db.ListGroups(ctx, store.GroupQuery{CommitteeID: f.committee.ID, OpenOnly: true, Paging: store.Paging{Limit: limit}}); err == nil {
			t.Fatalf("groups with a limit of %d", limit)
		}
	}
	closeCase := func(id int64, to domain.Status) {
		t.Helper()
		c, err := db.GetCase(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to}, store.Event{Type: "close", FromStatus: c.Status, ToStatus: to}); err != nil {
			t.Fatal(err)
		}
	}
	closeCase(ids[3], domain.StatusWithdrawn)
	if got := open(f.committee.ID, 5); !slices.Equal(got, []int64{g.ID}) {
		t.Fatalf("a group whose only case was withdrawn is still open: %v", got)
	}
	closeCase(ids[0], domain.StatusTerminated)
	closeCase(ids[1], domain.StatusRejected)
	if got := open(f.committee.ID, 5); !slices.Equal(got, []int64{g.ID}) {
		t.Fatalf("a group with a case still open left the list: %v", got)
	}
	closeCase(ids[2], domain.StatusFollowedUp)
	if got := open(f.committee.ID, 5); len(got) != 0 {
		t.Fatalf("groups with every case closed are still open: %v", got)
	}
	if gs, _ := db.ListGroups(ctx, store.GroupQuery{CommitteeID: f.committee.ID, Paging: store.Paging{Limit: 5}}); len(gs.Items) != 2 {
		t.Fatalf("all groups: %d, want 2", len(gs.Items))
	}

	// The groups formed in a span (a daily report's), oldest first: the
	// span's start counts, its end does not; of the committee only.
	gg, _ := db.GetGroup(ctx, g.ID)
	hh, _ := db.GetGroup(ctx, h.ID)
	formed := func(committeeID int64, from, to time.Time) []int64 {
		t.Helper()
		return groupIDs(db.ListGroupsFormed(ctx, committeeID, from, to))
	}
	if got := formed(f.committee.ID, gg.Created.Add(-time.Minute), hh.Created.Add(time.Minute)); !slices.Equal(got, []int64{g.ID, h.ID}) {
		t.Fatalf("groups formed: %v, want %v", got, []int64{g.ID, h.ID})
	}
	if got := formed(f.committee.ID, hh.Created, hh.Created.Add(time.Minute)); !slices.Equal(got, []int64{h.ID}) {
		t.Fatalf("groups formed from the second's time: %v", got)
	}
	if got := formed(f.committee.ID, gg.Created.Add(-time.Minute), hh.Created); slices.Contains(got, h.ID) || !slices.Contains(got, g.ID) {
		t.Fatalf("groups formed before the second's time: %v", got)
	}
	if got := formed(f.otherCommittee.ID, gg.Created.Add(-time.Minute), hh.Created.Add(time.Minute)); len(got) != 0 {
		t.Fatalf("groups formed leak across committees: %v", got)
	}

	// Pages by key, newest formed first, groups formed at one instant by
	// id: each page's Next resumes after its last row, the last page has
	// none, among all the groups and among the open ones alike.
	all, stillOpen := []store.Group{gg, hh}, []store.Group(nil)
	for i, hours := range []int{0, 1, 1, 2, 2, 2, 3} {
		c, _, err := db.CreateCase(ctx, newCase(f, 0, fmt.Sprintf("GP%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		x := store.Group{CommitteeID: f.committee.ID, Title: fmt.Sprintf("分页%d", i), Created: t0.Add(time.Duration(hours) * time.Hour)}
		if err := db.CreateGroup(ctx, &x, []int64{c.ID}); err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			closeCase(c.ID, domain.StatusWithdrawn)
		} else {
			stillOpen = append(stillOpen, x)
		}
		all = append(all, x)
	}
	newestFirst := func(gs []store.Group) []int64 {
		return keysetOrder(gs, func(g store.Group) store.ListCursor { return store.ListCursor{At: g.Created, ID: g.ID} }, true)
	}
	walk := func(openOnly bool, limit int) ([]int64, int) {
		t.Helper()
		gs, pages := walkPages(t, func(after *store.ListCursor) (store.Page[store.Group], error) {
			return db.ListGroups(ctx, store.GroupQuery{CommitteeID: f.committee.ID, OpenOnly: openOnly, Paging: store.Paging{After: after, Limit: limit}})
		})
		return groupIDs(gs, nil), pages
	}
	for _, c := range []struct {
		open  bool
		want  []int64
		limit int
	}{{false, newestFirst(all), 2}, {false, newestFirst(all), 3}, {false, newestFirst(all), 9}, {false, newestFirst(all), 100},
		{true, newestFirst(stillOpen), 1}, {true, newestFirst(stillOpen), 2}, {true, newestFirst(stillOpen), 4}} {
		got, pages := walk(c.open, c.limit)
		if !slices.Equal(got, c.want) || pages != wantPages(len(c.want), c.limit) {
			t.Errorf("groups (open %v) by pages of %d: %v in %d pages, want %v", c.open, c.limit, got, pages, c.want)
		}
	}
}

// walkPages reads a list paged by key to its end, each page after the one
// before, and says in how many pages; an empty page that names a next one
// fails the test, and so do more than 50 pages.
func walkPages[T any](t *testing.T, page func(after *store.ListCursor) (store.Page[T], error)) (items []T, pages int) {
	t.Helper()
	var after *store.ListCursor
	for pages < 50 {
		p, err := page(after)
		if err != nil {
			t.Fatal(err)
		}
		items, pages = append(items, p.Items...), pages+1
		if p.Next == nil {
			return items, pages
		}
		if len(p.Items) == 0 {
			t.Fatalf("page %d is empty and names a next one", pages)
		}
		after = p.Next
	}
	t.Fatal("more than 50 pages")
	return nil, 0
}

// wantPages is how many pages n rows take, limit a page: one when there
// are none.
func wantPages(n, limit int) int { return max(1, (n+limit-1)/limit) }

// idsOf lists the ids of rows, in order: what a list test compares.
func idsOf[T any](rows []T, id func(T) int64) []int64 {
	var out []int64
	for _, r := range rows {
		out = append(out, id(r))
	}
	return out
}

// keysetOrder is the ids of rows in a keyset list's order: by position
// (time, then id), oldest first or newest first.
func keysetOrder[T any](rows []T, at func(T) store.ListCursor, newest bool) []int64 {
	cs := make([]store.ListCursor, len(rows))
	for i, r := range rows {
		cs[i] = at(r)
	}
	slices.SortFunc(cs, func(a, b store.ListCursor) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	if newest {
		slices.Reverse(ids)
	}
	return ids
}

// A court's applications a page at a time: those awaiting it (sending,
// failed, submitted, accepted) oldest submitted first, those it decided
// newest first, applications submitted at one instant by case id; each
// page's Next resumes after its last row and the last page has none; no
// other court's.
func testJudicialQueue(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	court := mkOrg(t, db, f.district.ID, domain.OrgCourt, "court-q", "人民法院", "")
	other := mkOrg(t, db, f.district.ID, domain.OrgCourt, "court-o", "另一人民法院", "")
	type app struct {
		hours  int
		status string
		court  int64
	}
	var awaiting, decided []store.JudicialApplication
	for i, a := range []app{{0, "submitted", court.ID}, {1, "accepted", court.ID}, {1, "confirmed", court.ID}, {1, "failed", court.ID},
		{2, "rejected", court.ID}, {2, "sending", court.ID}, {3, "annulled", court.ID}, {3, "submitted", court.ID}, {3, "confirmed", court.ID},
		{0, "submitted", other.ID}, {4, "confirmed", other.ID}} {
		c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, fmt.Sprintf("JQ%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		ja := store.JudicialApplication{CaseID: c.ID, CourtID: a.court, Status: a.status, Package: []byte("PK"), SubmittedAt: t0.Add(time.Duration(a.hours) * time.Hour)}
		if err := db.PutJudicialApplication(ctx, ja); err != nil {
			t.Fatal(err)
		}
		if a.court != court.ID {
			continue
		}
		if slices.Contains(store.JudicialAwaiting, a.status) {
			awaiting = append(awaiting, ja)
		} else {
			decided = append(decided, ja)
		}
	}
	at := func(a store.JudicialApplication) store.ListCursor {
		return store.ListCursor{At: a.SubmittedAt, ID: a.CaseID}
	}
	oldestFirst := func(as []store.JudicialApplication) []int64 { return keysetOrder(as, at, false) }
	newestFirst := func(as []store.JudicialApplication) []int64 { return keysetOrder(as, at, true) }
	walk := func(decided bool, limit int) (ids []int64, pages int) {
		t.Helper()
		as, pages := walkPages(t, func(after *store.ListCursor) (store.Page[store.JudicialApplication], error) {
			return db.ListJudicialApplications(ctx, store.JudicialQuery{CourtIDs: []int64{court.ID}, Decided: decided, Paging: store.Paging{After: after, Limit: limit}})
		})
		for _, a := range as {
			if a.CaseNumber == "" || a.CourtID != court.ID {
				t.Fatalf("application %+v: no case number, or another court's", a)
			}
			ids = append(ids, a.CaseID)
		}
		return ids, pages
	}
	for _, c := range []struct {
		decided bool
		limit   int
		want    []int64
	}{{false, 1, oldestFirst(awaiting)}, {false, 2, oldestFirst(awaiting)}, {false, 5, oldestFirst(awaiting)}, {false, 50, oldestFirst(awaiting)},
		{true, 1, newestFirst(decided)}, {true, 2, newestFirst(decided)}, {true, 4, newestFirst(decided)}} {
		got, pages := walk(c.decided, c.limit)
		if !slices.Equal(got, c.want) || pages != wantPages(len(c.want), c.limit) {
			t.Errorf("decided %v by pages of %d: %v in %d pages, want %v", c.decided, c.limit, got, pages, c.want)
		}
	}
	if page, err := db.ListJudicialApplications(ctx, store.JudicialQuery{CourtIDs: []int64{court.ID, other.ID}, Paging: store.Paging{Limit: 50}}); err != nil || len(page.Items) != len(awaiting)+1 {
		t.Fatalf("two courts' awaiting applications: %d, %v", len(page.Items), err)
	}
	if page, err := db.ListJudicialApplications(ctx, store.JudicialQuery{Paging: store.Paging{Limit: 50}}); err != nil || len(page.Items) != 0 {
		t.Fatalf("no court: %+v %v", page, err)
	}
	for _, limit := range []int{0, -1, store.MaxPage + 1} {
		if _, err := db.ListJudicialApplications(ctx, store.JudicialQuery{CourtIDs: []int64{court.ID}, Paging: store.Paging{Limit: limit}}); err == nil {
			t.Fatalf("applications with a limit of %d", limit)
		}
	}
}

func testConsents(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	c, _, _ := db.CreateCase(ctx, newCase(f, 0, "CS1"))
	if err := db.RecordConsent(ctx, store.Consent{CaseID: c.ID, PartyKind: "consumer", Decision: "agree"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("consent never asked: %v", err)
	}
	if err := db.RequestConsents(ctx, c.ID, []store.ConsentRequest{{PartyKind: "consumer", TokenHash: "tok-c"}, {PartyKind: "merchant", TokenHash: "tok-m"}}, t0); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetConsentByToken(ctx, "tok-m")
	if err != nil || got.CaseID != c.ID || got.PartyKind != "merchant" || got.Decision != "pending" || !got.RequestedAt.Equal(t0) {
		t.Fatalf("by token: %+v %v", got, err)
	}
	if _, err := db.GetConsentByToken(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	if ps, _ := db.ListPendingConsents(ctx, t0.Add(time.Hour)); len(ps) != 2 {
		t.Fatalf("pending: %d", len(ps))
	}
	if err := db.MarkConsentFollowUp(ctx, c.ID, "consumer", "reminded", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkConsentFollowUp(ctx, c.ID, "merchant", "escalated", t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if ps, _ := db.ListPendingConsents(ctx, t0.Add(time.Hour)); len(ps) != 1 || ps[0].RemindedAt == nil {
		t.Fatalf("escalated ones leave the pending list: %+v", ps)
	}
	at := t0.Add(3 * time.Hour)
	if err := db.RecordConsent(ctx, store.Consent{CaseID: c.ID, PartyKind: "consumer", Decision: "agree", Online: "agree", Method: "sms_link", RecordedAt: &at}); err != nil {
		t.Fatal(err)
	}
	// A new request does not reopen an answered consent.
	db.RequestConsents(ctx, c.ID, []store.ConsentRequest{{PartyKind: "consumer", TokenHash: "tok-c2"}}, at)
	cs, err := db.ListConsents(ctx, c.ID)
	if err != nil || len(cs) != 2 || cs[0].PartyKind != "consumer" || cs[0].Decision != "agree" || cs[0].Online != "agree" || cs[0].RecordedAt == nil {
		t.Fatalf("consents: %+v %v", cs, err)
	}
	if err := db.SetPartyPhone(ctx, c.ID, "merchant", store.Party{PhoneSealed: "s", PhoneHash: "hm", PhoneMask: "137****0000"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetCase(ctx, c.ID); got.Parties[1].PhoneMask != "137****0000" {
		t.Fatal("merchant phone not stored")
	}
	id, err := db.AddOutbox(ctx, store.OutboxEntry{ToMask: "138****5678", ToHash: "h1", Body: "【浦东消调委】测试", Kind: "consent_request", CaseID: c.ID, Provider: "outbox", Status: "sent"})
	if err != nil || id == 0 {
		t.Fatal(err)
	}
	ob, err := db.ListOutbox(ctx, 10)
	if err != nil || len(ob) != 1 || ob[0].CaseID != c.ID || ob[0].Body != "【浦东消调委】测试" {
		t.Fatalf("outbox: %+v %v", ob, err)
	}
}

func testSMSCodes(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	if err := db.PutSMSCode(ctx, "p1", "c1", t0, t0.Add(5*time.Minute), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := db.PutSMSCode(ctx, "p1", "c2", t0.Add(30*time.Second), t0.Add(5*time.Minute), time.Minute); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("resend within a minute: %v", err)
	}
	if ok, err := db.CheckSMSCode(ctx, "p1", "wrong", t0.Add(time.Minute), 3); ok || err != nil {
		t.Fatalf("wrong code: %v %v", ok, err)
	}
	if ok, _ := db.CheckSMSCode(ctx, "p1", "c1", t0.Add(6*time.Minute), 3); ok {
		t.Fatal("expired code accepted")
	}
	if ok, _ := db.CheckSMSCode(ctx, "p1", "c1", t0.Add(2*time.Minute), 3); !ok {
		t.Fatal("right code refused")
	}
	if ok, _ := db.CheckSMSCode(ctx, "p1", "c1", t0.Add(2*time.Minute), 3); ok {
		t.Fatal("code used twice")
	}
	db.PutSMSCode(ctx, "p2", "c9", t0, t0.Add(5*time.Minute), time.Minute)
	for i := 0; i < 3; i++ {
		db.CheckSMSCode(ctx, "p2", "bad", t0.Add(time.Minute), 3)
	}
	if ok, _ := db.CheckSMSCode(ctx, "p2", "c9", t0.Add(time.Minute), 3); ok {
		t.Fatal("code still valid after too many wrong tries")
	}
	if err := db.PutSMSCode(ctx, "p1", "c3", t0.Add(10*time.Minute), t0.Add(15*time.Minute), time.Minute); err != nil {
		t.Fatalf("new code later: %v", err)
	}
}

func testLeads(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	c, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "L1"))
	l := store.Lead{CaseID: c.ID, OfficeID: f.regulator.ID, Kind: "prepaid_risk", Note: "经营者疑似卷款跑路"}
	if err := db.AddLead(ctx, &l); err != nil || l.ID == 0 || l.OfficePath != f.regulator.Path {
		t.Fatalf("add: %+v %v", l, err)
	}
	if err := db.AddLead(ctx, &store.Lead{CaseID: c.ID, OfficeID: 99999, Kind: "x"}); err == nil {
		t.Fatal("lead to an unknown office")
	}
	list := func(prefix string) []store.Lead {
		t.Helper()
		page, err := db.ListLeads(ctx, store.LeadQuery{Scope: store.Scope{Prefixes: []string{prefix}}, Paging: store.Paging{Limit: 10}})
		if err != nil {
			t.Fatal(err)
		}
		return page.Items
	}
	if got := list(f.regulator.Path); len(got) != 1 || got[0].CaseNumber != c.Number || got[0].Note != l.Note || got[0].Status != "new" {
		t.Fatalf("office list: %+v", got)
	}
	if got := list(f.committee.Path); len(got) != 0 {
		t.Fatal("committee scope lists an office's leads")
	}
	if got := list(f.district.Path); len(got) != 1 {
		t.Fatal("district scope misses its office's lead")
	}
	if err := db.MarkLeadHandled(ctx, l.ID, 0, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkLeadHandled(ctx, l.ID, 0, t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("handled twice: %v", err)
	}
}

func testAssignment(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	var ids []int64
	for i, name := range []string{"m1", "m2", "lead"} {
		u := store.User{Username: name, DisplayName: name, PasswordHash: "x", Active: true}
		db.CreateUser(ctx, &u)
		role := domain.RoleMediator
		if i == 2 {
			role = domain.RoleRoomLead
		}
		db.AddBinding(ctx, store.Binding{UserID: u.ID, Role: role, OrgID: f.room1.ID})
		ids = append(ids, u.ID)
	}
	other := store.User{Username: "elsewhere", DisplayName: "x", PasswordHash: "x", Active: true}
	db.CreateUser(ctx, &other)
	db.AddBinding(ctx, store.Binding{UserID: other.ID, Role: domain.RoleMediator, OrgID: f.room2.ID})
	ms, err := db.ListRoomMediators(ctx, f.room1.ID)
	if err != nil || len(ms) != 3 {
		t.Fatalf("room mediators: %d %v", len(ms), err)
	}
	s, err := db.GetRoomSettings(ctx, f.room1.ID)
	if err != nil || s.Capacity != 30 || s.Chooser != "least_loaded" {
		t.Fatalf("default settings: %+v %v", s, err)
	}
	db.PutRoomSettings(ctx, store.RoomSettings{RoomID: f.room1.ID, Capacity: 5, Chooser: "round_robin"})
	if s, _ := db.GetRoomSettings(ctx, f.room1.ID); s.Capacity != 5 || s.Chooser != "round_robin" {
		t.Fatalf("settings: %+v", s)
	}
	db.SetLeave(ctx, ids[1], "2026-03-02", true)
	db.SetLeave(ctx, ids[1], "2026-03-02", true)
	if l, _ := db.OnLeave(ctx, ids, "2026-03-02"); !l[ids[1]] || l[ids[0]] {
		t.Fatalf("leave: %v", l)
	}
	db.SetLeave(ctx, ids[1], "2026-03-02", false)
	if l, _ := db.OnLeave(ctx, ids, "2026-03-02"); l[ids[1]] {
		t.Fatal("leave not removed")
	}
	c, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "A1"))
	c, err = db.AssignCase(ctx, c.ID, c.Version, []int64{ids[0], ids[2]}, 0, store.CaseChange{Status: domain.StatusAssigned},
		store.Event{Type: "assign", Note: "指派"})
	if err != nil || c.Status != domain.StatusAssigned || c.PresidingID != ids[0] {
		t.Fatalf("assign: %+v %v", c, err)
	}
	cm, _ := db.ListCaseMediators(ctx, c.ID)
	if len(cm) != 2 || !cm[0].Presiding || cm[0].UserID != ids[0] || cm[1].Presiding {
		t.Fatalf("case mediators: %+v", cm)
	}
	if _, err := db.AssignCase(ctx, c.ID, c.Version-1, []int64{ids[1]}, 0, store.CaseChange{}, store.Event{Type: "assign"}); !errors.Is(err, store.ErrStale) {
		t.Fatalf("second assignment with a stale version (claim lock): %v", err)
	}
	loads, _ := db.MediatorLoads(ctx, ids)
	if loads[ids[0]] != 1 || loads[ids[1]] != 0 {
		t.Fatalf("loads: %v", loads)
	}
}

func testConsultations(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	ex := store.User{Username: "expert", DisplayName: "李专家", PasswordHash: "x", Active: true}
	db.CreateUser(ctx, &ex)
	db.AddBinding(ctx, store.Binding{UserID: ex.ID, Role: domain.RoleExpert, OrgID: f.committee.ID})
	if err := db.PutExpertProfile(ctx, store.ExpertProfile{UserID: ex.ID, Field: "家用电器质量", Qualifications: "高级工程师"}); err != nil {
		t.Fatal(err)
	}
	es, err := db.ListExperts(ctx)
	if err != nil || len(es) != 1 || es[0].Field != "家用电器质量" || es[0].OrgPaths[0] != f.committee.Path {
		t.Fatalf("experts: %+v %v", es, err)
	}
	c, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "K1"))
	k := store.Consultation{CaseID: c.ID, ExpertID: ex.ID, Question: "冰箱不制冷是否属质量问题？", Shared: "购买三个月后不制冷"}
	if err := db.CreateConsultation(ctx, &k); err != nil || k.ID == 0 {
		t.Fatal(err)
	}
	got, err := db.GetConsultation(ctx, k.ID)
	if err != nil || got.CaseNumber != c.Number || got.ExpertName != "李专家" || got.Status != "open" {
		t.Fatalf("get: %+v %v", got, err)
	}
	if err := db.AnswerConsultation(ctx, k.ID, ex.ID+1000, "x", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("answer by another expert: %v", err)
	}
	if err := db.AnswerConsultation(ctx, k.ID, ex.ID, "压缩机故障，属质量问题", t0); err != nil {
		t.Fatal(err)
	}
	if ks, _ := db.ListConsultations(ctx, c.ID); len(ks) != 1 || ks[0].Answer != "压缩机故障，属质量问题" || ks[0].AnsweredAt == nil {
		t.Fatalf("by case: %+v", ks)
	}

	// The expert's inbox a page at a time: the open ones oldest asked first,
	// the answered newest first, those asked at one instant by id; each
	// page's Next resumes after its last row, the last page has none; no
	// other expert's.
	other := store.User{Username: "expert2", DisplayName: "王专家", PasswordHash: "x", Active: true}
	db.CreateUser(ctx, &other)
	open, answered := []store.Consultation{}, []store.Consultation{got}
	for i, hours := range []int{0, 1, 1, 2, 1, 3, 3, 1} { // 1 and 4 (answered), 5 and 6 (open) asked at one instant
		cc, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, fmt.Sprintf("KQ%d", i)))
		x := store.Consultation{CaseID: cc.ID, ExpertID: ex.ID, Question: fmt.Sprintf("问题%d", i)}
		if i == 7 {
			x.ExpertID = other.ID
		}
		if err := db.CreateConsultation(ctx, &x); err != nil {
			t.Fatal(err)
		}
		x.AskedAt = t0.Add(time.Duration(hours) * time.Hour)
		if _, err := db.Writer().ExecContext(ctx, `UPDATE consultations SET asked_at = $1 WHERE id = $2`, x.AskedAt, x.ID); err != nil {
			t.Fatal(err)
		}
		switch {
		case i == 7:
		case i%3 == 1:
			if err := db.AnswerConsultation(ctx, x.ID, ex.ID, "意见", t0); err != nil {
				t.Fatal(err)
			}
			answered = append(answered, x)
		default:
			open = append(open, x)
		}
	}
	ids := func(ks []store.Consultation, newest bool) []int64 {
		return keysetOrder(ks, func(k store.Consultation) store.ListCursor { return store.ListCursor{At: k.AskedAt, ID: k.ID} }, newest)
	}
	for _, c := range []struct {
		answered bool
		limit    int
		want     []int64
	}{{false, 1, ids(open, false)}, {false, 2, ids(open, false)}, {false, 50, ids(open, false)},
		{true, 1, ids(answered, true)}, {true, 2, ids(answered, true)}, {true, 3, ids(answered, true)}} {
		ks, pages := walkPages(t, func(after *store.ListCursor) (store.Page[store.Consultation], error) {
			return db.ListExpertConsultations(ctx, store.ConsultationQuery{ExpertID: ex.ID, Answered: c.answered, Paging: store.Paging{After: after, Limit: c.limit}})
		})
		var got []int64
		for _, k := range ks {
			got = append(got, k.ID)
		}
		if !slices.Equal(got, c.want) || pages != wantPages(len(c.want), c.limit) {
			t.Errorf("answered %v by pages of %d: %v in %d pages, want %v", c.answered, c.limit, got, pages, c.want)
		}
	}
	for _, limit := range []int{0, store.MaxPage + 1} {
		if _, err := db.ListExpertConsultations(ctx, store.ConsultationQuery{ExpertID: ex.ID, Paging: store.Paging{Limit: limit}}); err == nil {
			t.Fatalf("consultations with a limit of %d", limit)
		}
	}
}

func testMediationSessions(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	c, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "S1"))
	m := store.Session{CaseID: c.ID, Kind: "room", StartsAt: t0.Add(48 * time.Hour), Place: "陆家嘴调解室"}
	if err := db.CreateSession(ctx, &m); err != nil || m.ID == 0 {
		t.Fatal(err)
	}
	db.CreateSession(ctx, &store.Session{CaseID: c.ID, Kind: "online", StartsAt: t0.Add(96 * time.Hour)})
	ss, err := db.ListSessions(ctx, store.SessionQuery{CaseID: c.ID})
	if err != nil || len(ss) != 2 || ss[0].Place != "陆家嘴调解室" || ss[0].CaseNumber != c.Number {
		t.Fatalf("sessions: %+v %v", ss, err)
	}
	if ss, _ := db.ListSessions(ctx, store.SessionQuery{From: t0, To: t0.Add(72 * time.Hour), Unreminded: true}); len(ss) != 1 {
		t.Fatalf("window: %d", len(ss))
	}
	// A mediator's day: their cases' sessions of the window only, read by
	// the sessions' start (on SQLite, checked by its plan), not by every
	// case they ever presided over.
	med := store.User{Username: "sm1", DisplayName: "调解员乙", PasswordHash: "x", Active: true}
	if err := db.CreateUser(ctx, &med); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AssignCase(ctx, c.ID, c.Version, []int64{med.ID}, med.ID, store.CaseChange{Status: c.Status},
		store.Event{Type: "assign", FromStatus: c.Status, ToStatus: c.Status, At: t0}); err != nil {
		t.Fatal(err)
	}
	other, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "S2"))
	db.CreateSession(ctx, &store.Session{CaseID: other.ID, Kind: "room", StartsAt: t0.Add(50 * time.Hour)})
	day := store.SessionQuery{PresidingID: med.ID, From: t0.Add(24 * time.Hour), To: t0.Add(72 * time.Hour), Status: "scheduled"}
	if ss, err := db.ListSessions(ctx, day); err != nil || len(ss) != 1 || ss[0].ID != m.ID {
		t.Fatalf("the mediator's day: %+v %v", ss, err)
	}
	if db.Dialect() == "sqlite" {
		if plan := tracedPlan(t, db, func() { db.ListSessions(ctx, day) }); !strings.Contains(plan, "mediation_sessions_starts") || strings.Contains(plan, "presiding") {
			t.Errorf("a mediator's day not read by the sessions' start:\n%s", plan)
		}
	}
	db.MarkSessionReminded(ctx, m.ID, t0)
	if ss, _ := db.ListSessions(ctx, store.SessionQuery{From: t0, To: t0.Add(72 * time.Hour), Unreminded: true}); len(ss) != 1 || ss[0].CaseID != other.ID {
		t.Fatal("reminded session still pending")
	}
	if err := db.RecordSession(ctx, m.ID, "held", "双方到场", "双方同意按比例退款"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordSession(ctx, m.ID, "held", "", ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("record twice: %v", err)
	}
}

func testAgreementsArchive(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	c, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "AG1"))
	a := store.Agreement{CaseID: c.ID, Kind: "oral", Facts: "事实", Responsibility: "责任",
		Terms: []domain.Term{{Party: "merchant", Content: "退款", AmountFen: 1000, Manner: "转账", Deadline: "2026-03-10"}}}
	if err := db.PutAgreement(ctx, a); err != nil {
		t.Fatal(err)
	}
	eff := t0
	a.Terms[0].PerformedAt, a.EffectiveAt = "2026-03-09", &eff
	if err := db.PutAgreement(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetAgreement(ctx, c.ID)
	if err != nil || got.Kind != "oral" || got.Terms[0].PerformedAt != "2026-03-09" || got.EffectiveAt == nil || !got.EffectiveAt.Equal(t0) {
		t.Fatalf("agreement: %+v %v", got, err)
	}
	if _, err := db.GetAgreement(ctx, 99999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing agreement: %v", err)
	}
	// Signatures, the frozen document and verification.
	if err := db.AddSignature(ctx, store.Signature{CaseID: c.ID, Signer: "consumer", Method: "sms_code", Image: []byte{0x89, 'P'}}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddSignature(ctx, store.Signature{CaseID: c.ID, Signer: "consumer", Method: "sms_code"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("signed twice: %v", err)
	}
	if sgs, _ := db.ListSignatures(ctx, c.ID); len(sgs) != 1 || sgs[0].Image[0] != 0x89 {
		t.Fatalf("signatures: %+v", sgs)
	}
	if err := db.FreezeAgreement(ctx, c.ID, []byte("%PDF-agreement"), "sha-1", "ABCD1234", t0); err != nil {
		t.Fatal(err)
	}
	if err := db.FreezeAgreement(ctx, c.ID, []byte("%PDF-other"), "sha-2", "X", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("frozen twice: %v", err)
	}
	if pdf, sha, err := db.GetAgreementDocument(ctx, c.ID); err != nil || string(pdf) != "%PDF-agreement" || sha != "sha-1" {
		t.Fatalf("document: %s %s %v", pdf, sha, err)
	}
	if id, num, at, err := db.FindAgreementBySHA(ctx, "sha-1"); err != nil || id != c.ID || num != c.Number || !at.Equal(t0) {
		t.Fatalf("verify: %d %s %v", id, num, err)
	}
	if _, _, _, err := db.FindAgreementBySHA(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown sha: %v", err)
	}
	if err := db.PutSignToken(ctx, c.ID, "merchant", "th", "sealed"); err != nil {
		t.Fatal(err)
	}
	if id, party, err := db.GetSignToken(ctx, "th"); err != nil || id != c.ID || party != "merchant" {
		t.Fatalf("sign token: %d %s %v", id, party, err)
	}
	if ls, err := db.ListSignTokens(ctx, c.ID); err != nil || len(ls) != 1 || ls[0].Party != "merchant" || ls[0].TokenSealed != "sealed" {
		t.Fatalf("sign tokens of the case: %+v %v", ls, err)
	}
	court := mkOrg(t, db, f.district.ID, domain.OrgCourt, "court-x", "人民法院", "")
	ja := store.JudicialApplication{CaseID: c.ID, CourtID: court.ID, Status: "submitted", Receipt: "R-1", Package: []byte("PK"), SubmittedAt: t0}
	if err := db.PutJudicialApplication(ctx, ja); err != nil {
		t.Fatal(err)
	}
	if err := db.PutJudicialApplication(ctx, ja); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("applied twice: %v", err)
	}
	if err := db.DecideJudicialApplication(ctx, c.ID, []string{"accepted"}, "confirmed", "x", "", t0, store.Event{Type: "judicial_confirmed", At: t0}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("confirm before acceptance: %v", err)
	}
	local, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "AG-local"))
	db.PutJudicialApplication(ctx, store.JudicialApplication{CaseID: local.ID, CourtID: court.ID, Status: "submitted", Receipt: "本平台", Package: []byte("PK"), SubmittedAt: t0})
	if l, err := db.ListPendingJudicial(ctx, "本平台"); err != nil || len(l) != 1 || l[0].CaseID != c.ID || l[0].Receipt != "R-1" {
		t.Fatalf("pending at a court system: %+v %v", l, err)
	}
	evsBefore, _ := db.ListEvents(ctx, c.ID)
	db.DecideJudicialApplication(ctx, c.ID, []string{"submitted"}, "accepted", "", "", t0, store.Event{Type: "judicial_accepted", At: t0, Note: "受理"})
	if err := db.DecideJudicialApplication(ctx, c.ID, []string{"accepted"}, "confirmed", "（2026）沪0115民特1号", "", t0, store.Event{Type: "judicial_confirmed", At: t0, Note: "确认"}); err != nil {
		t.Fatal(err)
	}
	if evs, _ := db.ListEvents(ctx, c.ID); len(evs) != len(evsBefore)+2 || evs[len(evs)-1].Type != "judicial_confirmed" {
		t.Fatalf("each decision appends its event (and only a decision that took): %d events", len(evs)-len(evsBefore))
	}
	if got, err := db.GetJudicialApplication(ctx, c.ID); err != nil || got.Status != "confirmed" || got.RulingNumber != "（2026）沪0115民特1号" || string(got.Package) != "PK" {
		t.Fatalf("judicial: %+v %v", got, err)
	}
	if l, _ := db.ListJudicialApplications(ctx, store.JudicialQuery{CourtIDs: []int64{court.ID}, Decided: true, Paging: store.Paging{Limit: 10}}); len(l.Items) != 1 || l.Items[0].CaseNumber != c.Number {
		t.Fatalf("court list, decided: %+v", l)
	}
	if l, _ := db.ListJudicialApplications(ctx, store.JudicialQuery{CourtIDs: []int64{court.ID}, Paging: store.Paging{Limit: 10}}); len(l.Items) != 1 || l.Items[0].CaseID != local.ID {
		t.Fatalf("court list, awaiting: %+v", l)
	}
	if l, _ := db.ListPendingJudicial(ctx, "本平台"); len(l) != 0 {
		t.Fatalf("a confirmed application is still pending: %+v", l)
	}
	if _, err := db.GetSeal(ctx, c.CommitteeID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("seal before upload: %v", err)
	}
	db.PutSeal(ctx, c.CommitteeID, []byte("png-1"), 1, t0)
	if err := db.PutSeal(ctx, c.CommitteeID, []byte("png-2"), 2, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if sl, err := db.GetSeal(ctx, c.CommitteeID); err != nil || string(sl.Image) != "png-2" || sl.UploadedBy != 2 || !sl.UploadedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("seal: %+v %v", sl, err)
	}
	fu := store.FollowUp{CaseID: c.ID, Satisfaction: 5, Method: "phone", Comment: "满意", Commendation: "锦旗"}
	if err := db.AddFollowUp(ctx, &fu); err != nil || fu.ID == 0 {
		t.Fatal(err)
	}
	if fs, _ := db.ListFollowUps(ctx, c.ID); len(fs) != 1 || fs[0].Commendation != "锦旗" {
		t.Fatalf("follow-ups: %+v", fs)
	}
	ar := store.Archive{FileNumber: "浦消调档2026-00001", PDF: []byte("%PDF-fake"), SHA256: "abc", ArchivedAt: t0}
	st := domain.StatusArchived
	c, _ = db.GetCase(ctx, c.ID) // the court's decisions moved the version on
	if err := db.ArchiveCase(ctx, c.ID, c.Version, ar, store.CaseChange{Status: st}, store.Event{Type: "archive"}); err != nil {
		t.Fatal(err)
	}
	if err := db.ArchiveCase(ctx, c.ID, c.Version+1, ar, store.CaseChange{Status: st}, store.Event{Type: "archive"}); err == nil {
		t.Fatal("archived twice")
	}
	got2, err := db.GetArchive(ctx, c.ID)
	if err != nil || string(got2.PDF) != "%PDF-fake" || got2.FileNumber != ar.FileNumber {
		t.Fatalf("archive: %+v %v", got2, err)
	}
	if at, err := db.ArchivedAt(ctx, c.ID); err != nil || !at.Equal(t0) {
		t.Fatalf("archived at %v %v, want %v", at, err, t0)
	}
	if _, err := db.ArchivedAt(ctx, c.ID+1000); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("archived at of a case not archived: %v", err)
	}
	if cc, _ := db.GetCase(ctx, c.ID); cc.Status != domain.StatusArchived {
		t.Fatal("case not archived")
	}
	if err := db.AttachArchive(ctx, c.ID, ar); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("attached a second file: %v", err)
	}
	if err := db.AttachArchive(ctx, c.ID+1000, ar); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("attached to a case that is not archived: %v", err)
	}
}

func testOnlineMediation(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	med := store.User{Username: "om", DisplayName: "调解员甲", PasswordHash: "x", Active: true}
	db.CreateUser(ctx, &med)
	c, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "OM1"))
	other, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "OM2"))

	// Party links: one per party, replaced by a new one.
	db.PutPartyLink(ctx, c.ID, "consumer", "h-old", "sealed-old", t0)
	if err := db.PutPartyLink(ctx, c.ID, "consumer", "h-new", "sealed-new", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.GetPartyLink(ctx, "h-old"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("replaced link still opens: %v", err)
	}
	if id, party, err := db.GetPartyLink(ctx, "h-new"); err != nil || id != c.ID || party != "consumer" {
		t.Fatalf("link: %d %s %v", id, party, err)
	}
	db.PutPartyLink(ctx, c.ID, "merchant", "h-m", "sealed-m", t0)
	if ls, err := db.ListPartyLinks(ctx, c.ID); err != nil || len(ls) != 2 || ls[0].Party != "consumer" || ls[0].TokenSealed != "sealed-new" {
		t.Fatalf("links: %+v %v", ls, err)
	}

	// SMS notices: at most one per gap; a party without a link is never told.
	if ok, err := db.ClaimPartyNotice(ctx, c.ID, "consumer", t0, time.Hour); err != nil || !ok {
		t.Fatalf("first notice: %v %v", ok, err)
	}
	if ok, _ := db.ClaimPartyNotice(ctx, c.ID, "consumer", t0.Add(30*time.Minute), time.Hour); ok {
		t.Fatal("second notice within the gap")
	}
	if ok, _ := db.ClaimPartyNotice(ctx, c.ID, "consumer", t0.Add(61*time.Minute), time.Hour); !ok {
		t.Fatal("notice after the gap refused")
	}
	if ok, _ := db.ClaimPartyNotice(ctx, other.ID, "consumer", t0, time.Hour); ok {
		t.Fatal("notice to a party without a link")
	}

	// Evidence: data only from GetEvidence, never across cases.
	ev := store.Evidence{CaseID: c.ID, Channel: store.ChannelConsumer, Uploader: "consumer", Name: "发票.png", ContentType: "image/png", SHA256: "ab", Data: []byte("png-bytes")}
	if err := db.AddEvidence(ctx, &ev); err != nil || ev.ID == 0 || ev.Size != 9 {
		t.Fatalf("add evidence: %+v %v", ev, err)
	}
	if got, err := db.GetEvidence(ctx, c.ID, ev.ID); err != nil || string(got.Data) != "png-bytes" || got.Name != "发票.png" || got.ContentType != "image/png" {
		t.Fatalf("get evidence: %+v %v", got, err)
	}
	if _, err := db.GetEvidence(ctx, other.ID, ev.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("evidence through another case: %v", err)
	}
	if es, _ := db.ListEvidence(ctx, c.ID); len(es) != 1 || es[0].Data != nil || es[0].Size != 9 {
		t.Fatalf("list evidence: %+v", es)
	}

	// Messages by channel, after an id, newest N oldest first.
	add := func(ch, author string, body string) store.Message {
		m := store.Message{CaseID: c.ID, Channel: ch, Author: author, AuthorName: author, Body: body, Created: t0}
		if author == "mediator" {
			m.AuthorID = med.ID
		}
		if err := db.AddMessage(ctx, &m); err != nil || m.ID == 0 {
			t.Fatalf("add message: %v", err)
		}
		return m
	}
	m1 := add(store.ChannelJoint, "mediator", "双方好")
	add(store.ChannelConsumer, "consumer", "我只想退款")
	m3 := add(store.ChannelMerchant, "merchant", "最多退一半")
	m4 := store.Message{CaseID: c.ID, Channel: store.ChannelConsumer, Author: "consumer", AuthorName: "张", Body: "见发票", EvidenceID: ev.ID, Created: t0.Add(time.Minute)}
	db.AddMessage(ctx, &m4)
	if n, err := db.CountMessagesSince(ctx, c.ID, "consumer", t0); err != nil || n != 2 {
		t.Fatalf("consumer's messages since t0: %d %v", n, err)
	}
	if n, _ := db.CountMessagesSince(ctx, c.ID, "consumer", t0.Add(time.Second)); n != 1 {
		t.Fatalf("since later: %d", n)
	}
	ms, err := db.ListMessages(ctx, store.MessageQuery{CaseID: c.ID, Channels: []string{store.ChannelJoint, store.ChannelConsumer}})
	if err != nil || len(ms) != 3 || ms[0].ID != m1.ID || ms[0].AuthorID != med.ID || ms[2].EvidenceID != ev.ID {
		t.Fatalf("consumer's view: %+v %v", ms, err)
	}
	for _, m := range ms {
		if m.Channel == store.ChannelMerchant {
			t.Fatal("consumer sees the merchant's caucus")
		}
	}
	if ms, _ := db.ListMessages(ctx, store.MessageQuery{CaseID: c.ID, Channels: []string{store.ChannelMerchant}, AfterID: m1.ID}); len(ms) != 1 || ms[0].ID != m3.ID {
		t.Fatalf("after: %+v", ms)
	}
	if ms, _ := db.ListMessages(ctx, store.MessageQuery{CaseID: c.ID, Channels: []string{"joint", "consumer", "merchant"}, Limit: 2}); len(ms) != 2 || ms[1].ID != m4.ID {
		t.Fatalf("newest two: %+v", ms)
	}
	if ms, _ := db.ListMessages(ctx, store.MessageQuery{CaseID: c.ID, Channels: []string{"joint", "consumer", "merchant"}, AfterID: m1.ID, Limit: 2}); len(ms) != 2 || ms[1].ID != m3.ID {
		t.Fatalf("catching up reads forward, not the newest: %+v", ms)
	}
	if ms, _ := db.ListMessages(ctx, store.MessageQuery{CaseID: other.ID, Channels: []string{"joint"}}); len(ms) != 0 {
		t.Fatal("messages leak across cases")
	}

	// Awaiting reply: only on cases the user mediates, last word a party's.
	if th, _ := db.ListAwaitingReply(ctx, med.ID); len(th) != 0 {
		t.Fatalf("not a mediator of the case yet: %+v", th)
	}
	db.AssignCase(ctx, c.ID, c.Version, []int64{med.ID}, 0, store.CaseChange{Status: domain.StatusAssigned}, store.Event{Type: "assign"})
	th, err := db.ListAwaitingReply(ctx, med.ID)
	if err != nil || len(th) != 2 || th[0].CaseNumber != c.Number {
		t.Fatalf("awaiting: %+v %v", th, err)
	}
	add(store.ChannelMerchant, "mediator", "请考虑七成")
	add(store.ChannelConsumer, "system", "专家已加入")
	if th, _ := db.ListAwaitingReply(ctx, med.ID); len(th) != 1 || th[0].Channel != store.ChannelConsumer {
		t.Fatalf("after a reply (a system note is none): %+v", th)
	}
	// A second mediator of the case awaits the same reply; so does each of
	// two reassigned, whoever presides; nobody once the case is closed.
	co := store.User{Username: "om2", DisplayName: "调解员乙", PasswordHash: "x", Active: true}
	db.CreateUser(ctx, &co)
	awaiting := func(who int64, want int) {
		t.Helper()
		if th, err := db.ListAwaitingReply(ctx, who); err != nil || len(th) != want || (want > 0 && th[0].CaseID != c.ID) {
			t.Fatalf("user %d awaits %+v %v, want %d thread(s) on case %d", who, th, err, want, c.ID)
		}
	}
	cur, _ := db.GetCase(ctx, c.ID)
	if _, err := db.AddCaseMediator(ctx, c.ID, cur.Version, co.ID, med.ID, false, store.Event{Type: "add_mediator"}); err != nil {
		t.Fatal(err)
	}
	awaiting(co.ID, 1)
	awaiting(med.ID, 1)
	cur, _ = db.GetCase(ctx, c.ID)
	cur, err = db.AssignCase(ctx, c.ID, cur.Version, []int64{co.ID, med.ID}, 0, store.CaseChange{Status: domain.StatusMediating}, store.Event{Type: "assign"})
	if err != nil {
		t.Fatal(err)
	}
	awaiting(co.ID, 1)
	awaiting(med.ID, 1)
	if _, err := db.ApplyEvent(ctx, c.ID, cur.Version, store.CaseChange{Status: domain.StatusWithdrawn},
		store.Event{Type: "withdraw", FromStatus: cur.Status, ToStatus: domain.StatusWithdrawn}); err != nil {
		t.Fatal(err)
	}
	awaiting(co.ID, 0)
	awaiting(med.ID, 0)

	// Record confirmations: once per party and session.
	sess := store.Session{CaseID: c.ID, Kind: "online", StartsAt: t0}
	db.CreateSession(ctx, &sess)
	if err := db.ConfirmRecord(ctx, store.RecordConfirmation{SessionID: sess.ID, Party: "consumer", Method: "online", At: t0}); err != nil {
		t.Fatal(err)
	}
	if err := db.ConfirmRecord(ctx, store.RecordConfirmation{SessionID: sess.ID, Party: "consumer", Method: "online", At: t0}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("confirm twice: %v", err)
	}
	db.ConfirmRecord(ctx, store.RecordConfirmation{SessionID: sess.ID, Party: "merchant", Method: "paper", EvidenceID: ev.ID, RecordedBy: med.ID, At: t0})
	if rc, err := db.ListRecordConfirmations(ctx, c.ID); err != nil || len(rc) != 2 || rc[1].EvidenceID != ev.ID || rc[1].RecordedBy != med.ID || !rc[0].At.Equal(t0) {
		t.Fatalf("confirmations: %+v %v", rc, err)
	}
}

func testProposals(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	c, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "PR1"))
	terms := []domain.Term{{Party: "merchant", Content: "退款", AmountFen: 50000, Manner: "原路退回", Deadline: "2026-03-20"}}
	p := store.Proposal{CaseID: c.ID, Channel: store.ChannelJoint, Terms: terms, Note: "折中方案", CreatedBy: 7}
	m := store.Message{CaseID: c.ID, Channel: store.ChannelJoint, Author: "mediator", AuthorName: "甲", Body: "调解方案"}
	if err := db.CreateProposal(ctx, &p, &m); err != nil || p.ID == 0 || m.ProposalID != p.ID || p.Status != "open" {
		t.Fatalf("create: %+v %v", p, err)
	}
	ans := func(party, answer string) (store.Proposal, error) {
		return db.AnswerProposal(ctx, p.ID, store.ProposalAnswer{Party: party, Answer: answer, Counter: "", At: t0}, 2,
			&store.Message{CaseID: c.ID, Channel: store.ChannelJoint, Author: party, AuthorName: party, Body: answer})
	}
	got, err := ans("consumer", "accept")
	if err != nil || got.Status != "open" || len(got.Answers) != 1 || got.Terms[0].AmountFen != 50000 {
		t.Fatalf("first accept: %+v %v", got, err)
	}
	if _, err := ans("consumer", "accept"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("answer twice: %v", err)
	}
	if got, err = ans("merchant", "accept"); err != nil || got.Status != "accepted" {
		t.Fatalf("second accept: %+v %v", got, err)
	}
	if _, err := db.AnswerProposal(ctx, p.ID+99, store.ProposalAnswer{Party: "consumer", Answer: "accept", At: t0}, 2, &store.Message{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown proposal: %v", err)
	}
	// A counter closes the proposal; later answers are refused.
	p2 := store.Proposal{CaseID: c.ID, Channel: store.ChannelMerchant, Terms: terms, CreatedBy: 7}
	db.CreateProposal(ctx, &p2, &store.Message{CaseID: c.ID, Channel: store.ChannelMerchant, Author: "mediator", AuthorName: "甲", Body: "方案"})
	got, err = db.AnswerProposal(ctx, p2.ID, store.ProposalAnswer{Party: "merchant", Answer: "counter", Counter: "只能退三百元", At: t0}, 1,
		&store.Message{CaseID: c.ID, Channel: store.ChannelMerchant, Author: "merchant", AuthorName: "商家", Body: "反提议"})
	if err != nil || got.Status != "countered" || got.Answers[0].Counter != "只能退三百元" {
		t.Fatalf("counter: %+v %v", got, err)
	}
	// Newer terms to the same channel supersede open ones; other channels are left alone.
	pa := store.Proposal{CaseID: c.ID, Channel: store.ChannelConsumer, Terms: terms, CreatedBy: 7}
	db.CreateProposal(ctx, &pa, &store.Message{CaseID: c.ID, Channel: "consumer", Author: "mediator", AuthorName: "甲", Body: "a"})
	pj := store.Proposal{CaseID: c.ID, Channel: store.ChannelJoint, Terms: terms, CreatedBy: 7}
	db.CreateProposal(ctx, &pj, &store.Message{CaseID: c.ID, Channel: "joint", Author: "mediator", AuthorName: "甲", Body: "j"})
	pb := store.Proposal{CaseID: c.ID, Channel: store.ChannelConsumer, Terms: terms, CreatedBy: 7}
	db.CreateProposal(ctx, &pb, &store.Message{CaseID: c.ID, Channel: "consumer", Author: "mediator", AuthorName: "甲", Body: "b"})
	if got, _ := db.GetProposal(ctx, pa.ID); got.Status != "superseded" {
		t.Fatalf("older terms to the consumer: %s", got.Status)
	}
	if got, _ := db.GetProposal(ctx, pj.ID); got.Status != "open" {
		t.Fatalf("joint terms touched by the consumer's: %s", got.Status)
	}
	if _, err := db.AnswerProposal(ctx, pa.ID, store.ProposalAnswer{Party: "consumer", Answer: "accept", At: t0}, 1, &store.Message{CaseID: c.ID, Channel: "consumer", Author: "consumer", AuthorName: "c", Body: "ok"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("answering superseded terms: %v", err)
	}
	// Both parties accepting at the same moment still closes it as accepted.
	p3 := store.Proposal{CaseID: c.ID, Channel: store.ChannelJoint, Terms: terms, CreatedBy: 7}
	db.CreateProposal(ctx, &p3, &store.Message{CaseID: c.ID, Channel: "joint", Author: "mediator", AuthorName: "甲", Body: "方案三"})
	var wg sync.WaitGroup
	for _, party := range []string{"consumer", "merchant"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := db.AnswerProposal(ctx, p3.ID, store.ProposalAnswer{Party: party, Answer: "accept", At: t0}, 2,
				&store.Message{CaseID: c.ID, Channel: "joint", Author: party, AuthorName: party, Body: "同意"}); err != nil {
				t.Errorf("concurrent accept: %v", err)
			}
		}()
	}
	wg.Wait()
	if got, _ := db.GetProposal(ctx, p3.ID); got.Status != "accepted" {
		t.Fatalf("concurrent accepts left it %q", got.Status)
	}
	ps, err := db.ListProposals(ctx, c.ID)
	if err != nil || len(ps) != 6 || len(ps[0].Answers) != 2 || ps[1].Status != "countered" {
		t.Fatalf("list: %+v %v", ps, err)
	}
	if ms, _ := db.ListMessages(ctx, store.MessageQuery{CaseID: c.ID, Channels: []string{"joint", "merchant"}}); len(ms) != 9 || ms[0].ProposalID != p.ID {
		t.Fatalf("proposal messages: %+v", ms)
	}
}

func testCoMediators(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	var ids []int64
	for _, n := range []string{"p1", "co1"} {
		u := store.User{Username: n, DisplayName: n, PasswordHash: "x", Active: true}
		db.CreateUser(ctx, &u)
		ids = append(ids, u.ID)
	}
	c, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "CO1"))
	c, _ = db.AssignCase(ctx, c.ID, c.Version, []int64{ids[0]}, 0, store.CaseChange{Status: domain.StatusAssigned}, store.Event{Type: "assign"})
	c2, err := db.AddCaseMediator(ctx, c.ID, c.Version, ids[1], ids[0], false, store.Event{Type: "co_mediator", Note: "增加调解员"})
	if err != nil || c2.Version != c.Version+1 || c2.PresidingID != ids[0] {
		t.Fatalf("add: %+v %v", c2, err)
	}
	cm, _ := db.ListCaseMediators(ctx, c.ID)
	if len(cm) != 2 || !cm[0].Presiding || cm[1].UserID != ids[1] || cm[1].Presiding {
		t.Fatalf("mediators: %+v", cm)
	}
	if _, err := db.AddCaseMediator(ctx, c.ID, c2.Version, ids[1], 0, false, store.Event{Type: "co_mediator"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("added twice: %v", err)
	}
	if _, err := db.AddCaseMediator(ctx, c.ID, c.Version, ids[1], 0, true, store.Event{Type: "co_mediator"}); !errors.Is(err, store.ErrStale) {
		t.Fatalf("stale version: %v", err)
	}
	if _, err := db.AddCaseMediator(ctx, c.ID, c2.Version, ids[0], 0, true, store.Event{Type: "co_mediator"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("removing the presiding mediator: %v", err)
	}
	if _, err := db.AddCaseMediator(ctx, c.ID, c2.Version, ids[1], 0, true, store.Event{Type: "co_mediator", Note: "移除"}); err != nil {
		t.Fatal(err)
	}
	if cm, _ := db.ListCaseMediators(ctx, c.ID); len(cm) != 1 {
		t.Fatalf("after removal: %+v", cm)
	}
	if evs, _ := db.ListEvents(ctx, c.ID); len(evs) < 3 || evs[len(evs)-1].Note != "移除" {
		t.Fatalf("events: %+v", evs)
	}
}

func testExpertJoin(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	ex := store.User{Username: "ej", DisplayName: "专家", PasswordHash: "x", Active: true}
	db.CreateUser(ctx, &ex)
	c, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "EJ1"))
	k := store.Consultation{CaseID: c.ID, ExpertID: ex.ID, Question: "问", Shared: "事实"}
	db.CreateConsultation(ctx, &k)
	if _, err := db.AnswerExpertJoin(ctx, k.ID, "consumer", "agree"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("answer before request: %v", err)
	}
	if err := db.RequestExpertJoin(ctx, k.ID, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.RequestExpertJoin(ctx, k.ID, t0); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("request twice: %v", err)
	}
	got, err := db.AnswerExpertJoin(ctx, k.ID, "consumer", "agree")
	if err != nil || got.JoinConsumer != "agree" || got.Joined() || got.JoinRequestedAt == nil || !got.JoinRequestedAt.Equal(t0) {
		t.Fatalf("consumer agrees: %+v %v", got, err)
	}
	if _, err := db.AnswerExpertJoin(ctx, k.ID, "consumer", "refuse"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("answer twice: %v", err)
	}
	if got, _ = db.AnswerExpertJoin(ctx, k.ID, "merchant", "refuse"); got.Joined() {
		t.Fatal("joined though the merchant refused")
	}
	// After a refusal the mediator may ask again; both answer afresh.
	if err := db.RequestExpertJoin(ctx, k.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	db.AnswerExpertJoin(ctx, k.ID, "consumer", "agree")
	if got, _ = db.AnswerExpertJoin(ctx, k.ID, "merchant", "agree"); !got.Joined() {
		t.Fatalf("both agreed: %+v", got)
	}
	if _, err := db.AnswerExpertJoin(ctx, k.ID, "other", "agree"); err == nil {
		t.Fatal("unknown party accepted")
	}
}

func testSavedViews(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	var ids []int64
	for _, n := range []string{"v1", "v2"} {
		u := store.User{Username: n, DisplayName: n, PasswordHash: "x", Active: true}
		db.CreateUser(ctx, &u)
		ids = append(ids, u.ID)
	}
	v := store.SavedView{UserID: ids[0], Page: "desk", Name: "超期", Query: "due=overdue"}
	if err := db.SaveView(ctx, &v); err != nil || v.ID == 0 {
		t.Fatal(err)
	}
	again := store.SavedView{UserID: ids[0], Page: "desk", Name: "超期", Query: "due=overdue&status=mediating"}
	if err := db.SaveView(ctx, &again); err != nil || again.ID != v.ID {
		t.Fatalf("same name replaces: %d vs %d, %v", again.ID, v.ID, err)
	}
	db.SaveView(ctx, &store.SavedView{UserID: ids[0], Page: "desk", Name: "中止", Query: "status=suspended"})
	db.SaveView(ctx, &store.SavedView{UserID: ids[0], Page: "cases", Name: "超期", Query: "x"})
	db.SaveView(ctx, &store.SavedView{UserID: ids[1], Page: "desk", Name: "别人的", Query: "y"})
	vs, err := db.ListViews(ctx, ids[0], "desk")
	if err != nil || len(vs) != 2 || vs[1].Query != "due=overdue&status=mediating" {
		t.Fatalf("views: %+v %v", vs, err)
	}
	if err := db.DeleteView(ctx, ids[1], v.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting another's view: %v", err)
	}
	if err := db.DeleteView(ctx, ids[0], v.ID); err != nil {
		t.Fatal(err)
	}
	if vs, _ := db.ListViews(ctx, ids[0], "desk"); len(vs) != 1 || vs[0].Name != "中止" {
		t.Fatalf("after delete: %+v", vs)
	}
}

func testCommendations(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	c, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "CM1"))
	other, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "CM2"))
	banner := store.Commendation{CaseID: c.ID, Kind: "banner", Giver: "consumer", Note: "公正调解 为民解忧", Photo: []byte("jpeg"), PhotoType: "image/jpeg", PhotoSHA: "ab", RecordedBy: 3, RecordedAt: t0}
	if err := db.AddCommendation(ctx, &banner, store.Event{Type: "commendation", At: t0, Note: "锦旗"}); err != nil || banner.ID == 0 {
		t.Fatal(err)
	}
	letter := store.Commendation{CaseID: c.ID, Kind: "letter", Giver: "merchant", RecordedAt: t0}
	db.AddCommendation(ctx, &letter, store.Event{Type: "commendation", At: t0, Note: "感谢信"})
	if evs, _ := db.ListEvents(ctx, c.ID); len(evs) != 3 || evs[1].Note != "锦旗" {
		t.Fatalf("each commendation comes with its event: %+v", evs)
	}
	cs, err := db.ListCommendations(ctx, c.ID)
	if err != nil || len(cs) != 2 || !cs[0].HasPhoto || cs[1].HasPhoto || cs[0].Photo != nil || cs[0].Note != "公正调解 为民解忧" || !cs[0].RecordedAt.Equal(t0) {
		t.Fatalf("list: %+v %v", cs, err)
	}
	if photo, typ, err := db.GetCommendationPhoto(ctx, c.ID, banner.ID); err != nil || string(photo) != "jpeg" || typ != "image/jpeg" {
		t.Fatalf("photo: %q %q %v", photo, typ, err)
	}
	if _, _, err := db.GetCommendationPhoto(ctx, other.ID, banner.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("photo through another case: %v", err)
	}
	if _, _, err := db.GetCommendationPhoto(ctx, c.ID, letter.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("photo of a commendation without one: %v", err)
	}
}

// The desk's open groups are read through the open cases of groups
// (migration 72's partial index), then the groups by their ids: never
// through every case or every group a committee formed over the years.
// SQLite's plans are checked; PostgreSQL chooses by its statistics, which
// a test's few rows do not represent.
func TestOpenGroupsReadThroughTheirOpenCases(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		if e.Name != "sqlite" {
			return
		}
		ctx := context.Background()
		// Several open groups: the second read asks for them by a list of
		// ids, which SQLite could also answer by walking the committee's
		// groups in the order asked.
		for i := range 5 {
			c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, fmt.Sprintf("OG%d", i)))
			if err != nil {
				t.Fatal(err)
			}
			if err := db.CreateGroup(ctx, &store.Group{CommitteeID: f.committee.ID, Title: "在办"}, []int64{c.ID}); err != nil {
				t.Fatal(err)
			}
		}
		stop := db.TraceReads()
		if gs, err := db.ListGroups(ctx, store.GroupQuery{CommitteeID: f.committee.ID, OpenOnly: true, Paging: store.Paging{Limit: 10}}); err != nil || len(gs.Items) != 5 {
			t.Fatalf("open groups %d, %v", len(gs.Items), err)
		}
		stmts := stop()
		if len(stmts) != 2 {
			t.Fatalf("traced %d statements, want 2", len(stmts))
		}
		var plans []string
		for _, q := range stmts {
			plans = append(plans, sqlitePlan(t, db, q))
		}
		all := strings.Join(plans, "\n")
		if !strings.Contains(all, "USING COVERING INDEX cases_open_groups") && !strings.Contains(all, "USING INDEX cases_open_groups") ||
			!strings.Contains(all, "SEARCH g USING INTEGER PRIMARY KEY") ||
			regexp.MustCompile(`SCAN (cases|case_groups)\b`).MatchString(all) {
			t.Fatalf("open groups' plans:\n%s", all)
		}
	})
}

// A committee's complaints of a window (the groups page's surges, the
// warnings' complaint rules) are read by the time received, and for the
// open ones by status and time: never through the committee's index of
// case numbers, which holds every case it ever numbered (at 100,000 demo
// cases that read took 130–370 ms for 6,345 candidates, against 65–100 ms
// by status and time). SQLite's plans are checked; the candidates are
// checked on both engines: the window, the committee, open only.
func TestSurgeCandidatesReadByTime(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		var open, closed, old int64
		for i, at := range []time.Time{t0, t0.Add(time.Hour), t0.AddDate(0, 0, -200)} {
			nc := newCase(f, f.room1.ID, fmt.Sprintf("SC%d", i))
			nc.ReceivedAt = at
			c, _, err := db.CreateCase(ctx, nc)
			if err != nil {
				t.Fatal(err)
			}
			switch i {
			case 0:
				open = c.ID
			case 1:
				closed = c.ID
				if _, err := db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusWithdrawn},
					store.Event{Type: "withdraw", FromStatus: c.Status, ToStatus: domain.StatusWithdrawn}); err != nil {
					t.Fatal(err)
				}
			case 2:
				old = c.ID
			}
		}
		other, _, err := db.CreateCase(ctx, &store.NewCase{CommitteeID: f.otherCommittee.ID, CommitteeAbbr: "徐", Channel: domain.ChannelWalkIn,
			Category: "服务-健身", Description: "健身房闭店", ReceivedAt: t0, Parties: []store.Party{{Kind: "consumer", Name: "李四", PhoneHash: "h9"}},
			Event: store.Event{Type: "received"}})
		if err != nil {
			t.Fatal(err)
		}
		readN := func(openOnly bool, limit int) []int64 {
			t.Helper()
			cs, err := db.ListDedupCandidates(ctx, store.DedupQuery{CommitteeID: f.committee.ID, Since: t0.AddDate(0, 0, -90), Until: t0.Add(2 * time.Hour),
				OpenOnly: openOnly, Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, c := range cs {
				ids = append(ids, c.CaseID)
			}
			return ids
		}
		read := func(openOnly bool) []int64 { t.Helper(); return readN(openOnly, 0) }
		if got := read(false); !slices.Equal(got, []int64{open, closed}) {
			t.Errorf("the window's complaints %v, want %v (not %d, before it, nor %d, another committee's)", got, []int64{open, closed}, old, other.ID)
		}
		if got := read(true); !slices.Equal(got, []int64{open}) {
			t.Errorf("the window's open complaints %v, want %v", got, []int64{open})
		}
		// Past the cap the newest are kept, still answered oldest first.
		if got := readN(false, 1); !slices.Equal(got, []int64{closed}) {
			t.Errorf("the window's newest complaint %v, want %v", got, []int64{closed})
		}
		if got := readN(false, 2); !slices.Equal(got, []int64{open, closed}) {
			t.Errorf("the window's newest two complaints %v, want %v", got, []int64{open, closed})
		}
		if e.Name != "sqlite" {
			return
		}
		for _, c := range []struct {
			openOnly bool
			index    string
		}{{false, "cases_received"}, {true, "cases_status_received"}} {
			stop := db.TraceReads()
			read(c.openOnly)
			stmts := stop()
			if len(stmts) != 1 {
				t.Fatalf("traced %d statements, want 1", len(stmts))
			}
			plan := sqlitePlan(t, db, stmts[0])
			if !regexp.MustCompile(`SEARCH c USING (COVERING )?INDEX `+c.index+` \(`).MatchString(plan) || strings.Contains(plan, "committee_id=?") {
				t.Errorf("candidates (open only %v) not read by %s:\n%s", c.openOnly, c.index, plan)
			}
		}
	})
}
