package storetest

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiaojie/tiaojie/internal/store/postgres"
)

// A PostgreSQL copy of a template is put back to the template's rows when
// its test ends and kept for the process's next test of that template,
// instead of being dropped and copied again. A CREATE DATABASE from a
// template and its DROP write and delete the thousand files of the schema
// (tables, indexes, TOAST, their forks) and checkpoint the server three
// times: on a busy run 0.3–0.6 CPU-s of the server's and 0.7 s of the
// test's time, some 360 times a run; putting the rows back is one
// transaction (docs/decisions.md "Test databases: copies put back and kept").
//
// A copy is kept only while it is the template's in all but its rows: after
// a passed test, with its schema, triggers and planner statistics as the
// template had them (a test that drops a trigger or analyzes a table has
// its copy dropped), at most maxUses times. Autovacuum is off in every copy,
// so the statistics a test sees are the template's, as in a fresh copy.
// Putting rows back skips triggers and foreign keys
// (session_replication_role, a superuser's setting); on a server that does
// not allow it, copies are dropped as before.

// maxUses bounds the dead rows a kept copy collects: nothing vacuums it.
const maxUses = 25

// pgPool keeps the copies of one template.
type pgPool struct {
	base, src string
	once      sync.Once
	snap      *pgSnap // nil: copies are not kept
	mu        sync.Mutex
	idle      []*pooledDB
	adminDB   *sql.DB // the test server's own database, for ending sessions
}

// pooledDB is a copy: its name, the tests it has served, its drop, and
// each table's count of changed rows (pg_stat_user_tables) as it was
// handed out.
type pooledDB struct {
	name    string
	uses    int
	drop    func()
	changes map[string]int64
	// lastReset names the tables the last reset put back (for its test).
	lastReset []string
}

// pgSnap is what a copy is put back to: its template's rows, sequences and
// the fingerprint of its schema and statistics.
type pgSnap struct {
	tables map[string]pgCopyIn // every table, by name; its rows when it has any
	seqs   string              // every sequence back where the template had it
	print  string
}

type pgCopyIn struct {
	stmt string // empty: no rows
	data []byte
}

var (
	pgPoolsMu sync.Mutex
	pgPools   = map[string]*pgPool{}
)

// pgPoolOf is the process's pool of copies of the template src.
func pgPoolOf(base, src string) *pgPool {
	pgPoolsMu.Lock()
	defer pgPoolsMu.Unlock()
	p := pgPools[src]
	if p == nil {
		p = &pgPool{base: base, src: src}
		pgPools[src] = p
		addDropper(p.dropIdle)
	}
	return p
}

// acquire returns a copy of the template: a kept one, or a new one (the
// first new one of a process is read for the pool's snapshot).
func (p *pgPool) acquire(ctx context.Context) (*pooledDB, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		db := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return db, nil
	}
	p.mu.Unlock()
	prefix, err := ownedPrefix(ctx, p.base, "tj")
	if err != nil {
		return nil, err
	}
	u, drop, err := postgres.CopyDatabase(ctx, p.base, p.src, prefix)
	if err != nil {
		return nil, err
	}
	p.once.Do(func() { p.snap = readSnapshot(ctx, u) })
	db := &pooledDB{name: dbName(u), drop: drop}
	if p.snap != nil {
		conn, err := pgx.Connect(ctx, u)
		if err == nil {
			defer conn.Close(ctx)
			if err = execAll(ctx, conn, quietSQL); err == nil {
				db.changes, err = changeCounts(ctx, conn)
			}
		}
		if err != nil {
			drop()
			return nil, fmt.Errorf("prepare a test copy: %w", err)
		}
	}
	return db, nil
}

// changeCounts is every table's count of inserted, updated and deleted
// rows: a table whose count moved was written (or a write was tried).
func changeCounts(ctx context.Context, conn *pgx.Conn) (map[string]int64, error) {
	rows, err := conn.Query(ctx, `SELECT format('%I.%I', schemaname, relname), n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables`)
	if err != nil {
		return nil, err
	}
	type count struct {
		table string
		n     int64
	}
	counts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (count, error) {
		var c count
		return c, r.Scan(&c.table, &c.n)
	})
	out := make(map[string]int64, len(counts))
	for _, c := range counts {
		out[c.table] = c.n
	}
	return out, err
}

// release puts the copy back to the template's rows and keeps it, or drops
// it when it cannot be kept.
func (p *pgPool) release(db *pooledDB, passed bool) {
	db.uses++
	if !passed || p.snap == nil || db.uses >= maxUses {
		db.drop()
		return
	}
	if err := p.reset(context.Background(), db); err != nil {
		db.drop()
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle = append(p.idle, db)
}

// reset ends every session on the copy and puts the rows of the tables
// that were written back in one transaction; an error means the copy is
// not the template's any more. A session's counts of changed rows reach
// the server's statistics as it ends, so they are read once none is left.
func (p *pgPool) reset(ctx context.Context, db *pooledDB) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	admin, err := p.admin()
	if err != nil {
		return err
	}
	// No new session while the rows go back: a client a test left behind
	// cannot write after the counts are read.
	conn, err := pgx.Connect(ctx, dbURL(p.base, db.name))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+db.name+" ALLOW_CONNECTIONS false"); err != nil {
		return err
	}
	if err := p.endSessions(ctx, db.name, int(conn.PgConn().PID())); err != nil {
		return err
	}
	var prepared bool
	if err := admin.QueryRowContext(ctx, "SELECT EXISTS (SELECT FROM pg_prepared_xacts WHERE database = $1)", db.name).Scan(&prepared); err != nil || prepared {
		return fmt.Errorf("copy %s: a prepared transaction outlives its test (%v)", db.name, err)
	}
	now, err := changeCounts(ctx, conn)
	if err != nil {
		return err
	}
	if len(now) != len(p.snap.tables) {
		return fmt.Errorf("copy %s has %d tables, its template %d", db.name, len(now), len(p.snap.tables))
	}
	var written []string
	for t, n := range now {
		if n != db.changes[t] {
			written = append(written, t)
		}
	}
	slices.Sort(written)
	if err := execAll(ctx, conn, "SET lock_timeout = '10s'; BEGIN; SET LOCAL session_replication_role = replica"); err != nil {
		return err
	}
	for _, t := range written {
		if _, err := conn.Exec(ctx, "DELETE FROM "+t); err != nil {
			return err
		}
		if c := p.snap.tables[t]; c.stmt != "" {
			if _, err := conn.PgConn().CopyFrom(ctx, bytes.NewReader(c.data), c.stmt); err != nil {
				return err
			}
		}
	}
	if err := execAll(ctx, conn, p.snap.seqs+"; COMMIT"); err != nil {
		return err
	}
	var print string
	if err := conn.QueryRow(ctx, fingerprintSQL).Scan(&print); err != nil {
		return err
	}
	if print != p.snap.print {
		return fmt.Errorf("copy %s differs from its template in schema or statistics", db.name)
	}
	// The counters start again from zero, as a new copy's do (the import
	// reads them to decide when to analyze): once this session has handed
	// its own counts over, that is, once it has ended.
	conn.Close(ctx)
	if err := p.endSessions(ctx, db.name, 0); err != nil {
		return err
	}
	if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+db.name+" ALLOW_CONNECTIONS true"); err != nil {
		return err
	}
	if err := execOn(ctx, dbURL(p.base, db.name), "SELECT pg_stat_reset()"); err != nil {
		return err
	}
	db.changes, db.lastReset = nil, written
	return nil
}

// endSessions ends every session on the copy but keep's (0: none) and
// waits until they are gone.
func (p *pgPool) endSessions(ctx context.Context, name string, keep int) error {
	admin, err := p.admin()
	if err != nil {
		return err
	}
	for left := 1; left > 0; {
		err := admin.QueryRowContext(ctx, `SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
			WHERE datname = $1 AND pid <> pg_backend_pid() AND pid <> $2`, name, keep).Scan(&left)
		if err != nil {
			return err
		}
		if left > 0 {
			time.Sleep(time.Millisecond)
		}
	}
	return nil
}

func (p *pgPool) admin() (*sql.DB, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.adminDB == nil {
		db, err := sql.Open("pgx", p.base)
		if err != nil {
			return nil, err
		}
		p.adminDB = db
	}
	return p.adminDB, nil
}

// dropIdle drops the kept copies (the tests have ended).
func (p *pgPool) dropIdle() {
	p.mu.Lock()
	idle, admin := p.idle, p.adminDB
	p.idle, p.adminDB = nil, nil
	p.mu.Unlock()
	for _, d := range idle {
		d.drop()
	}
	if admin != nil {
		admin.Close()
	}
}

// userRelations limits a catalog query to the copy's own schemas.
const userRelations = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
	AND n.nspname NOT LIKE 'pg\_temp\_%' AND n.nspname NOT LIKE 'pg\_toast\_temp\_%'`

// quietSQL turns autovacuum off for every table, so that what the planner
// knows of a copy, or of a template, changes only when a test asks.
const quietSQL = `DO $$DECLARE t text; BEGIN
	FOR t IN SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND ` + userRelations + ` LOOP
		EXECUTE 'ALTER TABLE ' || t || ' SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)';
	END LOOP; END$$`

// fingerprintSQL digests what a test could change besides rows and
// sequences: relations with the planner's sizes, columns, triggers and
// whether they fire, constraints, functions, and the planner's statistics.
const fingerprintSQL = `SELECT md5(coalesce(string_agg(x, E'\n' ORDER BY x), '')) FROM (
	SELECT format('r %s.%s %s %s %s %s %s', n.nspname, c.relname, c.relkind, c.relfilenode, c.reltuples, c.relpages, c.relallvisible) AS x
	FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ` + userRelations + `
	UNION ALL
	SELECT format('a %s.%s %s %s %s %s', n.nspname, c.relname, a.attname, a.atttypid, a.attnotnull, a.atthasdef)
	FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE a.attnum > 0 AND NOT a.attisdropped AND ` + userRelations + `
	UNION ALL
	SELECT format('t %s.%s %s %s', n.nspname, c.relname, t.tgname, t.tgenabled)
	FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ` + userRelations + `
	UNION ALL
	SELECT format('c %s.%s %s %s', n.nspname, c.relname, k.conname, k.convalidated)
	FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ` + userRelations + `
	UNION ALL
	SELECT format('o %s.%s %s %s', n.nspname, c.relname, c.reloptions, c.relacl)
	FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ` + userRelations + `
	UNION ALL
	SELECT format('v %s.%s %s', n.nspname, c.relname, md5(pg_get_viewdef(c.oid)))
	FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND ` + userRelations + `
	UNION ALL
	SELECT format('d %s.%s %s %s', n.nspname, c.relname, d.adnum, md5(pg_get_expr(d.adbin, d.adrelid)))
	FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ` + userRelations + `
	UNION ALL
	SELECT format('f %s %s', f.oid::regprocedure, md5(f.prosrc)) FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace WHERE ` + userRelations + `
	UNION ALL
	SELECT format('e %s %s', e.enumtypid::regtype, e.enumlabel) FROM pg_enum e JOIN pg_type y ON y.oid = e.enumtypid
	JOIN pg_namespace n ON n.oid = y.typnamespace WHERE ` + userRelations + `
	UNION ALL
	SELECT format('p %s %s', y.polrelid::regclass, y.polname) FROM pg_policy y
	UNION ALL
	SELECT format('l %s', count(*)) FROM pg_largeobject_metadata
	UNION ALL
	SELECT format('g %s', count(*)) FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
	UNION ALL
	SELECT format('z %s.%s %s', schemaname, relname, vacuum_count + autovacuum_count + analyze_count + autoanalyze_count)
	FROM pg_stat_user_tables
	UNION ALL
	SELECT format('s %s.%s %s', n.nspname, c.relname, count(*))
	FROM pg_statistic s JOIN pg_class c ON c.oid = s.starelid JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE ` + userRelations + ` GROUP BY n.nspname, c.relname
) f`

// readSnapshot reads a fresh copy for the pool; nil when copies cannot be
// put back here (not a superuser) or the copy cannot be read.
func readSnapshot(ctx context.Context, u string) *pgSnap {
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return nil
	}
	defer conn.Close(ctx)
	// Without the statistics' counts a written table could not be told.
	// Before PostgreSQL 15 the counts went through a collector that may
	// lose them: a written table could go unseen.
	var super, counts string
	var version int
	if conn.QueryRow(ctx, "SELECT current_setting('is_superuser'), current_setting('track_counts'), current_setting('server_version_num')::int").
		Scan(&super, &counts, &version) != nil || super != "on" || counts != "on" || version < 150000 {
		return nil
	}
	snap, err := snapshotOf(ctx, conn)
	if err != nil {
		return nil
	}
	return snap
}

func snapshotOf(ctx context.Context, conn *pgx.Conn) (*pgSnap, error) {
	rows, err := conn.Query(ctx, `SELECT c.oid, format('%I.%I', n.nspname, c.relname) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND `+userRelations+` ORDER BY 2`)
	if err != nil {
		return nil, err
	}
	type table struct {
		oid  uint32
		name string
	}
	tables, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (table, error) {
		var t table
		return t, r.Scan(&t.oid, &t.name)
	})
	if err != nil {
		return nil, err
	}
	snap := &pgSnap{tables: map[string]pgCopyIn{}}
	for _, t := range tables {
		snap.tables[t.name] = pgCopyIn{}
	}
	// The statistics are read after autovacuum is off, as every copy is used.
	if err := execAll(ctx, conn, quietSQL); err != nil {
		return nil, err
	}
	for _, t := range tables {
		var some bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM "+t.name+")").Scan(&some); err != nil {
			return nil, err
		}
		if !some {
			continue
		}
		// Generated columns are computed again as the rows go back in.
		var cols []string
		rows, err := conn.Query(ctx, `SELECT quote_ident(attname) FROM pg_attribute
			WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`, t.oid)
		if err != nil {
			return nil, err
		}
		if cols, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return nil, err
		}
		list := t.name + " (" + strings.Join(cols, ", ") + ")"
		var buf bytes.Buffer
		if _, err := conn.PgConn().CopyTo(ctx, &buf, "COPY "+list+" TO STDOUT (FORMAT binary)"); err != nil {
			return nil, err
		}
		snap.tables[t.name] = pgCopyIn{stmt: "COPY " + list + " FROM STDIN (FORMAT binary)", data: buf.Bytes()}
	}
	rows, err = conn.Query(ctx, `SELECT CASE WHEN last_value IS NULL
			THEN format('setval(%L, %s, false)', format('%I.%I', schemaname, sequencename), start_value)
			ELSE format('setval(%L, %s, true)', format('%I.%I', schemaname, sequencename), last_value) END
		FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	seqs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	snap.seqs = "SELECT 1"
	if len(seqs) > 0 {
		snap.seqs = "SELECT " + strings.Join(seqs, ", ")
	}
	if err := conn.QueryRow(ctx, fingerprintSQL).Scan(&snap.print); err != nil {
		return nil, err
	}
	return snap, nil
}

// execAll runs statements separated by semicolons in one round trip.
func execAll(ctx context.Context, conn *pgx.Conn, stmts string) error {
	_, err := conn.PgConn().Exec(ctx, stmts).ReadAll()
	return err
}

func execOn(ctx context.Context, u, stmts string) error {
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return execAll(ctx, conn, stmts)
}

// dbName is the database a URL names; dbURL the URL of another on its server.
func dbName(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(pu.Path, "/")
}

func dbURL(base, name string) string {
	pu, err := url.Parse(base)
	if err != nil {
		return base
	}
	pu.Path = "/" + name
	return pu.String()
}
