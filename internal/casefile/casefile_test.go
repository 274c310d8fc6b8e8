package casefile_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/casefile"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

type world struct {
	st               store.Store
	room1, room2     store.OrgUnit
	c                store.Case
	mediator, reader *auth.Principal // decides in room1; reads the district (justice)
	otherDistrict    *auth.Principal
}

func newWorld(t *testing.T, e storetest.Engine) world {
	ctx := context.Background()
	st := e.Open(t, true)
	mk := func(parent int64, kind domain.OrgKind, code, name, abbr string) store.OrgUnit {
		u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: name, Abbr: abbr}
		if err := st.CreateOrgUnit(ctx, &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	city := mk(0, domain.OrgCity, "sh", "上海市", "")
	d := mk(city.ID, domain.OrgDistrict, "pd", "浦东新区", "")
	cmt := mk(d.ID, domain.OrgCommittee, "pd-cmt", "浦东新区消费纠纷人民调解委员会", "浦")
	w := world{st: st}
	w.room1 = mk(cmt.ID, domain.OrgOfficeRoom, "pd-r1", "陆家嘴工作室", "")
	w.room2 = mk(cmt.ID, domain.OrgEnterpriseRoom, "pd-r2", "某商场工作室", "")
	xd := mk(city.ID, domain.OrgDistrict, "xh", "徐汇区", "")
	xc := mk(xd.ID, domain.OrgCommittee, "xh-cmt", "徐汇区消费纠纷人民调解委员会", "徐")
	bind := func(role domain.Role, u store.OrgUnit) *auth.Principal {
		return &auth.Principal{UserID: 1, Bindings: []store.Binding{{Role: role, OrgID: u.ID, OrgPath: u.Path}}}
	}
	w.mediator, w.reader, w.otherDistrict = bind(domain.RoleMediator, w.room1), bind(domain.RoleJustice, d), bind(domain.RoleCommittee, xc)
	c, _, err := st.CreateCase(ctx, &store.NewCase{CommitteeID: cmt.ID, CommitteeAbbr: "浦", RoomID: w.room1.ID, Channel: domain.ChannelWalkIn,
		Category: "服务-健身", Description: "健身房闭店，预付卡余额无法退还", Claim: "退还余额", ClaimFen: 256000,
		ReceivedAt: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC),
		Parties: []store.Party{{Kind: "consumer", Name: "张小明", PhoneSealed: "sealed", PhoneHash: "h1", PhoneMask: "138****5678"},
			{Kind: "merchant", Name: "某某健身有限公司"}},
		Event: store.Event{Type: "received", ActorName: "调解员01"}})
	if err != nil {
		t.Fatal(err)
	}
	w.c = c
	return w
}

func TestView(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			svc := &casefile.Service{Store: w.st}
			if _, err := svc.View(ctx, w.otherDistrict, w.c.ID); !errors.Is(err, access.ErrNotFound) {
				t.Fatalf("another district's committee sees the case file: %v", err)
			}
			if _, err := svc.View(ctx, w.mediator, w.c.ID+100); !errors.Is(err, access.ErrNotFound) {
				t.Fatalf("unknown case: %v", err)
			}
			v, err := svc.View(ctx, w.mediator, w.c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if v.Case.ID != w.c.ID || v.Agreement != nil || v.Judicial != nil || v.Archived {
				t.Fatalf("a new case has no agreement, application or archive: %+v", v)
			}
			// The mediator may re-route the open case to the committee's other room, never to its own.
			if len(v.Rooms) != 1 || v.Rooms[0].ID != w.room2.ID {
				t.Fatalf("re-route rooms = %+v, want only %s", v.Rooms, w.room2.Name)
			}
			// Who only reads (justice bureau) gets no re-routing and no consultations.
			rv, err := svc.View(ctx, w.reader, w.c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(rv.Rooms) != 0 {
				t.Fatalf("a reader is offered re-routing: %+v", rv.Rooms)
			}
			if _, err := svc.Agreement(ctx, w.mediator, w.c.ID); !errors.Is(err, casefile.ErrNoAgreement) {
				t.Fatalf("agreement before one is reached: %v", err)
			}
			if _, err := svc.Consents(ctx, w.otherDistrict, w.c.ID); !errors.Is(err, access.ErrNotFound) {
				t.Fatalf("consents across districts: %v", err)
			}
			rooms, err := svc.Rooms(ctx, w.reader)
			if err != nil || len(rooms) != 2 {
				t.Fatalf("the district's reader reads both rooms: %+v %v", rooms, err)
			}
		})
	}
}

// Documents not there are a 404 refusal; anything else must not read as "no document".
func TestDocuments(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			agr := &agreement.Service{Store: w.st}
			if _, _, err := agr.Document(ctx, w.mediator, w.c.ID); !errors.Is(err, agreement.ErrNoDocument) {
				t.Fatalf("document before an agreement: %v", err)
			}
			if _, err := agr.ArchiveFile(ctx, w.mediator, w.c.ID); !errors.Is(err, agreement.ErrNoArchive) {
				t.Fatalf("archive before archiving: %v", err)
			}
			if _, _, err := agr.CommendationPhoto(ctx, w.mediator, w.c.ID, 1); !errors.Is(err, agreement.ErrNoPhoto) {
				t.Fatalf("unknown photo: %v", err)
			}
			if _, _, err := agr.Document(ctx, w.otherDistrict, w.c.ID); !errors.Is(err, access.ErrNotFound) {
				t.Fatalf("document across districts: %v", err)
			}
			// A failing store is an error, not "no document".
			broken := &agreement.Service{Store: failingDocs{w.st}}
			if _, _, err := broken.Document(ctx, w.mediator, w.c.ID); !errors.Is(err, errDisk) {
				t.Fatalf("a failed read answered as no document: %v", err)
			}
			if _, err := broken.ArchiveFile(ctx, w.mediator, w.c.ID); !errors.Is(err, errDisk) {
				t.Fatalf("a failed read answered as not archived: %v", err)
			}
		})
	}
}

// failingDocs reads cases but fails to read documents.
type failingDocs struct{ store.Store }

var errDisk = errors.New("disk failure")

func (failingDocs) GetAgreementDocument(context.Context, int64) ([]byte, string, error) {
	return nil, "", errDisk
}
func (failingDocs) GetArchive(context.Context, int64) (store.Archive, error) {
	return store.Archive{}, errDisk
}
