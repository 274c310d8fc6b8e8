package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

const orgCols = `id, COALESCE(parent_id, 0), kind, code, name, abbr, path, created_at`

func scanOrg(row interface{ Scan(...any) error }) (store.OrgUnit, error) {
	var u store.OrgUnit
	var kind string
	err := row.Scan(&u.ID, &u.ParentID, &kind, &u.Code, &u.Name, &u.Abbr, &u.Path, &u.Created)
	u.Kind = domain.OrgKind(kind)
	u.Created = u.Created.UTC()
	return u, err
}

func (db *DB) CreateOrgUnit(ctx context.Context, u *store.OrgUnit) error {
	return db.tx(ctx, "create org unit", func(tx *wtx) error {
		tx.cfgDirty = true
		db.cfgChanged()
		parentPath := "/"
		if u.ParentID != 0 {
			if err := tx.QueryRowContext(ctx, `SELECT path FROM org_units WHERE id = $1`, u.ParentID).Scan(&parentPath); err != nil {
				return fmt.Errorf("parent %d: %w", u.ParentID, err)
			}
		}
		u.Created = time.Now().UTC()
		err := tx.QueryRowContext(ctx, `INSERT INTO org_units (parent_id, kind, code, name, abbr, path, created_at)
			VALUES ($1, $2, $3, $4, $5, '', $6) RETURNING id`,
			nullInt(u.ParentID), string(u.Kind), u.Code, u.Name, u.Abbr, u.Created).Scan(&u.ID)
		if err != nil {
			return err
		}
		u.Path = fmt.Sprintf("%s%d/", parentPath, u.ID)
		_, err = tx.ExecContext(ctx, `UPDATE org_units SET path = $1 WHERE id = $2`, u.Path, u.ID)
		return err
	})
}

func (db *DB) GetOrgUnit(ctx context.Context, id int64) (store.OrgUnit, error) {
	if u, ok := db.cachedOrg(ctx, id, ""); ok {
		return u, nil
	}
	u, err := scanOrg(db.read().QueryRowContext(ctx, `SELECT `+orgCols+` FROM org_units WHERE id = $1`, id))
	return u, db.wrap("get org unit", err)
}

func (db *DB) GetOrgUnitByCode(ctx context.Context, code string) (store.OrgUnit, error) {
	if u, ok := db.cachedOrg(ctx, 0, code); ok {
		return u, nil
	}
	u, err := scanOrg(db.read().QueryRowContext(ctx, `SELECT `+orgCols+` FROM org_units WHERE code = $1`, code))
	return u, db.wrap("get org unit by code", err)
}

func (db *DB) ListOrgUnits(ctx context.Context) ([]store.OrgUnit, error) {
	if !db.cached() {
		return db.listOrgUnits(ctx)
	}
	if us, ok := db.cfg.getOrgs(); ok {
		return us, nil
	}
	gen := db.cfg.generation()
	us, err := db.listOrgUnits(ctx)
	if err == nil {
		db.cfg.putOrgs(gen, us)
	}
	return us, err
}

func (db *DB) OrgUnitsUnder(ctx context.Context, prefix string) ([]store.OrgUnit, error) {
	if prefix == "" {
		return nil, nil
	}
	if us, ok, err := db.fromOrgCache(ctx, func() ([]store.OrgUnit, bool) { return db.cfg.orgsUnder(prefix) }); ok || err != nil {
		return us, err
	}
	lo, hi := prefixRange(prefix)
	return db.queryOrgUnits(ctx, `WHERE path >= $1 AND path < $2`, lo, hi)
}

func (db *DB) OrgUnitsOfKind(ctx context.Context, kinds ...domain.OrgKind) ([]store.OrgUnit, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	if us, ok, err := db.fromOrgCache(ctx, func() ([]store.OrgUnit, bool) { return db.cfg.orgsOfKind(kinds) }); ok || err != nil {
		return us, err
	}
	var args []any
	var ph []string
	for _, k := range kinds {
		args = append(args, string(k))
		ph = append(ph, fmt.Sprintf("$%d", len(args)))
	}
	return db.queryOrgUnits(ctx, `WHERE kind IN (`+strings.Join(ph, ", ")+`)`, args...)
}

// fromOrgCache answers with pick from the cached tree, filling it when
// stale; ok false when this store does not cache (inside a transaction) or
// the tree changed meanwhile: then the caller reads the table.
func (db *DB) fromOrgCache(ctx context.Context, pick func() ([]store.OrgUnit, bool)) (us []store.OrgUnit, ok bool, err error) {
	if !db.cached() {
		return nil, false, nil
	}
	if us, ok := pick(); ok {
		return us, true, nil
	}
	if _, err := db.ListOrgUnits(ctx); err != nil { // fills the cache
		return nil, false, err
	}
	us, ok = pick()
	return us, ok, nil
}

// cachedOrg finds a unit in the cached tree (filling it when stale); a unit
// not there (made by another instance a moment ago) is read from the table.
func (db *DB) cachedOrg(ctx context.Context, id int64, code string) (store.OrgUnit, bool) {
	if !db.cached() || (id == 0 && code == "") {
		return store.OrgUnit{}, false
	}
	if u, ok := db.cfg.orgBy(id, code); ok {
		return u, true
	}
	if _, err := db.ListOrgUnits(ctx); err != nil {
		return store.OrgUnit{}, false
	}
	return db.cfg.orgBy(id, code)
}

func (db *DB) listOrgUnits(ctx context.Context) ([]store.OrgUnit, error) {
	return db.queryOrgUnits(ctx, "")
}

// queryOrgUnits reads the units that where (with args) keeps, in path order.
func (db *DB) queryOrgUnits(ctx context.Context, where string, args ...any) ([]store.OrgUnit, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT `+orgCols+` FROM org_units `+where+` ORDER BY path`, args...)
	if err != nil {
		return nil, db.wrap("list org units", err)
	}
	defer rows.Close()
	var out []store.OrgUnit
	for rows.Next() {
		u, err := scanOrg(rows)
		if err != nil {
			return nil, db.wrap("scan org unit", err)
		}
		out = append(out, u)
	}
	return out, db.wrap("list org units", rows.Err())
}

func (db *DB) SetRoomStreets(ctx context.Context, roomID int64, streets []string) error {
	return db.tx(ctx, "set room streets", func(tx *wtx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM room_streets WHERE room_id = $1`, roomID); err != nil {
			return err
		}
		for _, s := range streets {
			if _, err := tx.ExecContext(ctx, `INSERT INTO room_streets (room_id, street) VALUES ($1, $2) ON CONFLICT DO NOTHING`, roomID, s); err != nil {
				return err
			}
		}
		return nil
	})
}

func (db *DB) ListRoomStreets(ctx context.Context, committeeID int64) ([]store.RoomStreet, error) {
	// The committee's rooms first, then each room's streets by the key: as a
	// join SQLite walked every room's streets in key order and looked up
	// each room (a city's streets read for one committee).
	rows, err := db.read().QueryContext(ctx, `SELECT rs.room_id, rs.street FROM room_streets rs
		WHERE rs.room_id IN (SELECT id FROM org_units WHERE parent_id = $1) ORDER BY rs.room_id, rs.street`, committeeID)
	if err != nil {
		return nil, db.wrap("list room streets", err)
	}
	defer rows.Close()
	var out []store.RoomStreet
	for rows.Next() {
		var rs store.RoomStreet
		if err := rows.Scan(&rs.RoomID, &rs.Street); err != nil {
			return nil, db.wrap("scan room street", err)
		}
		out = append(out, rs)
	}
	return out, db.wrap("list room streets", rows.Err())
}

func (db *DB) BindRoomMerchant(ctx context.Context, roomID, merchantID int64) error {
	_, err := db.writeOn("org", roomID).ExecContext(ctx, `INSERT INTO room_merchants (room_id, merchant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, roomID, merchantID)
	return db.wrap("bind room merchant", err)
}

const merchantCols = `id, name, COALESCE(credit_code, ''), address, odr`

func (db *DB) ListRoomMerchants(ctx context.Context, roomID int64) ([]store.Merchant, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT m.id, m.name, COALESCE(m.credit_code, ''), m.address, m.odr FROM merchants m
		JOIN room_merchants rm ON rm.merchant_id = m.id WHERE rm.room_id = $1 ORDER BY m.id`, roomID)
	if err != nil {
		return nil, db.wrap("list room merchants", err)
	}
	defer rows.Close()
	var out []store.Merchant
	for rows.Next() {
		var m store.Merchant
		if err := rows.Scan(&m.ID, &m.Name, &m.CreditCode, &m.Address, &m.ODR); err != nil {
			return nil, db.wrap("scan merchant", err)
		}
		out = append(out, m)
	}
	return out, db.wrap("list room merchants", rows.Err())
}

func (db *DB) UpsertMerchant(ctx context.Context, m *store.Merchant) error {
	return db.tx(ctx, "upsert merchant", func(tx *wtx) error { return upsertMerchant(ctx, tx, m) })
}

// upsertMerchant finds the merchant by credit code (or, without one, by exact
// name), inserts it when new, and fills in name, address and ODR it lacked.
// upsertMerchant finds or adds the merchant in one statement — by credit
// code when there is one, else by exact name — so concurrent registrations
// against a merchant new to the database all land on one row. A known
// merchant keeps what it had where nothing new was given.
func upsertMerchant(ctx context.Context, tx *wtx, m *store.Merchant) error {
	target := `(credit_code)`
	if m.CreditCode == "" {
		target = `(name) WHERE credit_code IS NULL`
	}
	return tx.QueryRowContext(ctx, `INSERT INTO merchants (name, credit_code, address, odr, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT `+target+` DO UPDATE SET
			name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE merchants.name END,
			address = CASE WHEN excluded.address <> '' THEN excluded.address ELSE merchants.address END,
			odr = merchants.odr OR excluded.odr
		RETURNING `+merchantCols, m.Name, nullStr(m.CreditCode), m.Address, m.ODR, time.Now().UTC()).
		Scan(&m.ID, &m.Name, &m.CreditCode, &m.Address, &m.ODR)
}

func (db *DB) GetMerchant(ctx context.Context, id int64) (store.Merchant, error) {
	var m store.Merchant
	err := db.read().QueryRowContext(ctx, `SELECT `+merchantCols+` FROM merchants WHERE id = $1`, id).
		Scan(&m.ID, &m.Name, &m.CreditCode, &m.Address, &m.ODR)
	return m, db.wrap("get merchant", err)
}
