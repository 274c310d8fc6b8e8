package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/importer"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// TestImportEqualsOneByOne: importing a file and registering its rows one by
// one through intake (as the import's own actor) give the same cases, parties,
// events and duplicate flags — the import applies the rules of single intake.
func TestImportEqualsOneByOne(t *testing.T) {
	const n = 300
	credit := domain.GenerateCreditCode("91310115MA1K4ABC1")
	rows := make([][]any, n)
	for i := range rows {
		phone := fmt.Sprintf("138%08d", i%45) // the same consumers complain again, also within a slice: duplicate checks fire
		if i%97 == 0 {
			phone = "坏号码"
		}
		rows[i] = row(fmt.Sprintf("12315202611%08d", i), "张伟", phone, fmt.Sprintf("健身房突然闭店，预付卡余额%d元无法退还。", i%150), "3000")
		// Merchants by credit code (their name and address changing from
		// row to row, some rows giving none) and by name alone.
		switch i % 4 {
		case 0:
			rows[i][4], rows[i][5], rows[i][6] = fmt.Sprintf("上海某某健身有限公司（%d）", i%3), credit, []string{"", "世纪大道2号", "张杨路8号", "东方路3号", "", "浦电路5号", "源深路6号"}[i%7]
		case 1:
			rows[i][4] = fmt.Sprintf("某某健身工作室%d", i%5)
		}
		if i%50 == 49 {
			rows[i] = rows[i-7] // a repeated complaint (same slice): skipped by the import, answered by its key one by one
		}
	}
	_, data := xlsxFile(t, rows)
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			imp, one := newWorld(t, e), newWorld(t, e)
			b, err := imp.run(t, "12315.xlsx", data)
			if err != nil || b.Imported == 0 || b.Skipped != 6 {
				t.Fatalf("import (6 repeated rows skipped): %s %v", brief(b), err)
			}
			// One by one: the rows as the importer reads them, registered by
			// the actor an import slice registers them as.
			r, err := importer.Open(bytes.NewReader(data), int64(len(data)), "12315.xlsx")
			if err != nil {
				t.Fatal(err)
			}
			r.Now = one.p.Intake.Now
			actor := &auth.Principal{UserID: one.operator.UserID, DisplayName: "12315导入（" + one.office.Name + "）",
				Bindings: []store.Binding{{Role: domain.RoleRegulator, OrgID: one.office.ID, OrgPath: one.office.Path, OrgName: one.office.Name}}}
			registered := 0
			var ids []string
			for {
				row, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, row.Raw[0])
				if row.Err != "" {
					continue
				}
				c := row.Complaint
				c.Channel = string(domain.Channel12315)
				if _, created, err := one.p.Intake.Register(ctx, actor, c, "12315:"+c.ExternalID); err != nil || !created {
					continue // a repeated row: its key answers with the case it registered
				}
				registered++
			}
			if registered != b.Imported {
				t.Fatalf("one by one registered %d, the import %d", registered, b.Imported)
			}
			a, bb := imp.snapshot(t, ids), one.snapshot(t, ids)
			if a != bb {
				al, bl := strings.Split(a, "\n"), strings.Split(bb, "\n")
				for i := range min(len(al), len(bl)) {
					if al[i] != bl[i] {
						t.Fatalf("import and one-by-one differ at line %d:\nimport:     %s\none by one: %s", i, al[i], bl[i])
					}
				}
				t.Fatalf("import and one-by-one differ in length: %d and %d lines", len(al), len(bl))
			}
			if !strings.Contains(a, "flags ") || strings.Contains(a, "flags 0\n") {
				t.Fatalf("no duplicate flag raised: the comparison does not exercise duplicate detection\n%s", a[len(a)-min(len(a), 200):])
			}
		})
	}
}

// snapshot is the cases of the given 12315 numbers with their parties and
// events, and the duplicate flags, as text without row ids or wall-clock times.
func (w *world) snapshot(t *testing.T, externalIDs []string) string {
	t.Helper()
	ctx := context.Background()
	var sb strings.Builder
	for _, x := range externalIDs {
		c, err := w.st.GetCaseByExternalID(ctx, x)
		if err != nil {
			fmt.Fprintf(&sb, "%s: none\n", x)
			continue
		}
		fmt.Fprintf(&sb, "%s: %s %s %s %s %q %q %d %s room=%d by=%d\n", x, c.Number, c.Status, c.Channel, c.Category, c.Description, c.Claim, c.ClaimFen,
			c.ReceivedAt.UTC().Format("2006-01-02T15:04:05"), c.RoomID, c.DivertedByOrgID)
		if m, err := w.st.GetMerchant(ctx, c.MerchantID); err == nil {
			fmt.Fprintf(&sb, "  merchant %s %s %s\n", m.Name, m.CreditCode, m.Address)
		}
		for _, p := range c.Parties {
			fmt.Fprintf(&sb, "  party %s %s %s %s %s\n", p.Kind, p.Name, p.PhoneHash, p.PhoneMask, p.Address)
		}
		evs, err := w.st.ListEvents(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			fmt.Fprintf(&sb, "  event %s %s→%s %s %q %s %s\n", e.Type, e.FromStatus, e.ToStatus, e.ActorName, e.Note, e.ReasonCode, e.Data)
		}
	}
	var flags int
	if err := w.db.Writer().QueryRowContext(ctx, `SELECT count(*) FROM duplicate_flags`).Scan(&flags); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&sb, "flags %d\n", flags)
	return sb.String()
}
