package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// pathFilter is "col LIKE prefix%" for any of the prefixes; none matches nothing.
func pathFilter(col string, prefixes []string, args *[]any) string {
	if len(prefixes) == 0 {
		return "1 = 0"
	}
	var or []string
	for _, p := range prefixes {
		*args = append(*args, p+"%")
		or = append(or, fmt.Sprintf("%s LIKE $%d", col, len(*args)))
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (db *DB) CreateMeeting(ctx context.Context, m *store.Meeting) error {
	m.Created = time.Now().UTC()
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO meetings (unit_id, unit_path, kind, day, title, location, agenda, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, m.UnitID, m.UnitPath, m.Kind, m.Day, m.Title, m.Location,
			m.Agenda, m.CreatedBy, m.Created).Scan(&m.ID)
	})
	return db.wrap("create meeting", err)
}

const meetingCols = `m.id, m.unit_id, m.unit_path, o.name, m.kind, m.day, m.title, m.location, m.agenda, m.minutes, m.held,
	m.created_by, m.created_at, m.held_at, COALESCE(m.held_by, 0)`

func scanMeeting(r interface{ Scan(...any) error }) (store.Meeting, error) {
	var m store.Meeting
	var held int
	var heldAt sql.NullTime
	err := r.Scan(&m.ID, &m.UnitID, &m.UnitPath, &m.UnitName, &m.Kind, &m.Day, &m.Title, &m.Location, &m.Agenda, &m.Minutes, &held,
		&m.CreatedBy, &m.Created, &heldAt, &m.HeldBy)
	m.Held, m.HeldAt, m.Created = held != 0, timePtr(heldAt), m.Created.UTC()
	if m.HeldAt != nil {
		t := m.HeldAt.UTC()
		m.HeldAt = &t
	}
	return m, err
}

func (db *DB) GetMeeting(ctx context.Context, id int64) (store.Meeting, error) {
	m, err := scanMeeting(db.read().QueryRowContext(ctx, `SELECT `+meetingCols+` FROM meetings m JOIN org_units o ON o.id = m.unit_id
		WHERE m.id = $1`, id))
	if err != nil {
		return m, db.wrap("get meeting", err)
	}
	rows, err := db.read().QueryContext(ctx, `SELECT a.user_id, u.display_name, a.present, a.reason FROM meeting_attendance a
		JOIN users u ON u.id = a.user_id WHERE a.meeting_id = $1 ORDER BY a.present DESC, u.display_name, a.user_id`, id)
	if err != nil {
		return m, db.wrap("meeting attendance", err)
	}
	for rows.Next() {
		var a store.Attendance
		var present int
		if err := rows.Scan(&a.UserID, &a.Name, &present, &a.Reason); err != nil {
			rows.Close()
			return m, db.wrap("scan attendance", err)
		}
		a.Present = present != 0
		m.Attendance = append(m.Attendance, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m, db.wrap("meeting attendance", err)
	}
	rows, err = db.read().QueryContext(ctx, `SELECT o.id, o.name, o.kind FROM meeting_orgs x JOIN org_units o ON o.id = x.org_id
		WHERE x.meeting_id = $1 ORDER BY o.path`, id)
	if err != nil {
		return m, db.wrap("meeting orgs", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o store.OrgRef
		if err := rows.Scan(&o.ID, &o.Name, &o.Kind); err != nil {
			return m, db.wrap("scan meeting org", err)
		}
		m.Orgs = append(m.Orgs, o)
	}
	return m, db.wrap("meeting orgs", rows.Err())
}

// pastDay continues a list ordered by (day column, id), newest first or
// soonest first, past the cursor: "" without one. alias is the table's
// alias; day its day column (a meeting's or training's day, an item's due).
func pastDay(alias, day string, c *store.DayCursor, soonest bool, args *[]any) string {
	if c == nil {
		return ""
	}
	*args = append(*args, c.Day, c.ID)
	op := "<"
	if soonest {
		op = ">"
	}
	n := len(*args)
	return fmt.Sprintf(" AND (%[1]s.%[2]s %[3]s $%[4]d OR (%[1]s.%[2]s = $%[4]d AND %[1]s.id %[3]s $%[5]d))", alias, day, op, n-1, n)
}

func (db *DB) ListMeetings(ctx context.Context, q store.MeetingQuery) ([]store.Meeting, error) {
	var args []any
	where := pathFilter("m.unit_path", q.Prefixes, &args)
	if q.From != "" {
		args = append(args, q.From)
		where += fmt.Sprintf(" AND m.day >= $%d", len(args))
	}
	if q.To != "" {
		args = append(args, q.To)
		where += fmt.Sprintf(" AND m.day <= $%d", len(args))
	}
	if q.Kind != "" {
		args = append(args, q.Kind)
		where += fmt.Sprintf(" AND m.kind = $%d", len(args))
	}
	where += pastDay("m", "day", q.Past, q.Soonest, &args)
	if q.Limit <= 0 {
		q.Limit = 200
	}
	args = append(args, q.Limit)
	order := ` ORDER BY m.day DESC, m.id DESC`
	if q.Soonest {
		order = ` ORDER BY m.day, m.id`
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+meetingCols+` FROM meetings m JOIN org_units o ON o.id = m.unit_id WHERE `+where+
		order+fmt.Sprintf(` LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, db.wrap("list meetings", err)
	}
	defer rows.Close()
	var out []store.Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, db.wrap("scan meeting", err)
		}
		out = append(out, m)
	}
	return out, db.wrap("list meetings", rows.Err())
}

func (db *DB) RecordMeeting(ctx context.Context, m store.Meeting) error {
	return db.wrap("record meeting", db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		t.note("record meeting")
		t.about("meeting", m.ID)
		at := time.Now().UTC()
		if m.HeldAt != nil {
			at = m.HeldAt.UTC()
		}
		res, err := t.ExecContext(ctx, `UPDATE meetings SET minutes = $1, location = $2, held = 1, held_at = $3, held_by = $4 WHERE id = $5`,
			m.Minutes, m.Location, at, nullInt(m.HeldBy), m.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM meeting_attendance WHERE meeting_id = $1`, m.ID); err != nil {
			return err
		}
		for _, a := range m.Attendance {
			if _, err := t.ExecContext(ctx, `INSERT INTO meeting_attendance (meeting_id, user_id, present, reason) VALUES ($1, $2, $3, $4)`,
				m.ID, a.UserID, boolInt(a.Present), a.Reason); err != nil {
				return err
			}
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM meeting_orgs WHERE meeting_id = $1`, m.ID); err != nil {
			return err
		}
		for _, o := range m.Orgs {
			if _, err := t.ExecContext(ctx, `INSERT INTO meeting_orgs (meeting_id, org_id) VALUES ($1, $2)`, m.ID, o.ID); err != nil {
				return err
			}
		}
		return nil
	}))
}

func (db *DB) AddMeetingItem(ctx context.Context, it *store.MeetingItem) error {
	it.Created = time.Now().UTC()
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO meeting_items (meeting_id, body, owner_id, due, case_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, it.MeetingID, it.Body, it.OwnerID, it.Due, nullInt(it.CaseID), it.Created).Scan(&it.ID)
	})
	return db.wrap("add meeting item", err)
}

const itemCols = `i.id, i.meeting_id, i.body, i.owner_id, ou.display_name, i.due, COALESCE(i.case_id, 0), COALESCE(c.number, ''),
	i.done, COALESCE(i.done_by, 0), COALESCE(du.display_name, ''), i.done_at, i.done_note, i.created_at, m.day, m.title, m.unit_path`

const itemFrom = ` FROM meeting_items i JOIN meetings m ON m.id = i.meeting_id JOIN users ou ON ou.id = i.owner_id
	LEFT JOIN users du ON du.id = i.done_by LEFT JOIN cases c ON c.id = i.case_id`

func scanItem(r interface{ Scan(...any) error }) (store.MeetingItem, error) {
	var it store.MeetingItem
	var done int
	var at sql.NullTime
	err := r.Scan(&it.ID, &it.MeetingID, &it.Body, &it.OwnerID, &it.OwnerName, &it.Due, &it.CaseID, &it.CaseNumber, &done, &it.DoneBy,
		&it.DoneByName, &at, &it.DoneNote, &it.Created, &it.MeetingDay, &it.MeetingTitle, &it.UnitPath)
	it.Done, it.Created = done != 0, it.Created.UTC()
	if at.Valid {
		t := at.Time.UTC()
		it.DoneAt = &t
	}
	return it, err
}

func (db *DB) GetMeetingItem(ctx context.Context, id int64) (store.MeetingItem, error) {
	it, err := scanItem(db.read().QueryRowContext(ctx, `SELECT `+itemCols+itemFrom+` WHERE i.id = $1`, id))
	return it, db.wrap("get meeting item", err)
}

func (db *DB) CloseMeetingItem(ctx context.Context, id, by int64, at time.Time, note string) error {
	res, err := db.writeOn("meeting_item", id).ExecContext(ctx, `UPDATE meeting_items SET done = 1, done_by = $1, done_at = $2, done_note = $3
		WHERE id = $4 AND done = 0`, by, at.UTC(), note, id)
	if err != nil {
		return db.wrap("close meeting item", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := db.GetMeetingItem(ctx, id); err != nil {
			return err
		}
		return db.wrap("close meeting item", store.ErrStale)
	}
	return nil
}

func (db *DB) ListMeetingItems(ctx context.Context, q store.MeetingItemQuery) ([]store.MeetingItem, error) {
	var args []any
	where := "1 = 1"
	if q.Prefixes != nil {
		where = pathFilter("m.unit_path", q.Prefixes, &args)
	}
	if q.MeetingID != 0 {
		args = append(args, q.MeetingID)
		where += fmt.Sprintf(" AND i.meeting_id = $%d", len(args))
	}
	if q.CaseID != 0 {
		args = append(args, q.CaseID)
		where += fmt.Sprintf(" AND i.case_id = $%d", len(args))
	}
	if q.OwnerID != 0 {
		args = append(args, q.OwnerID)
		where += fmt.Sprintf(" AND i.owner_id = $%d", len(args))
	}
	if q.OpenOnly {
		where += " AND i.done = 0"
	}
	if q.DueBefore != "" {
		args = append(args, q.DueBefore)
		where += fmt.Sprintf(" AND i.due < $%d", len(args))
	}
	where += pastDay("i", "due", q.After, true, &args) // soonest due first
	if q.Limit <= 0 {
		q.Limit = 500
	}
	args = append(args, q.Limit)
	rows, err := db.read().QueryContext(ctx, `SELECT `+itemCols+itemFrom+` WHERE `+where+
		fmt.Sprintf(` ORDER BY i.due, i.id LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, db.wrap("list meeting items", err)
	}
	defer rows.Close()
	var out []store.MeetingItem
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, db.wrap("scan meeting item", err)
		}
		out = append(out, it)
	}
	return out, db.wrap("list meeting items", rows.Err())
}

func (db *DB) RoutineStaff(ctx context.Context, prefixes []string, roles []domain.Role) ([]store.Staff, error) {
	if len(roles) == 0 {
		return nil, nil
	}
	var args []any
	where := pathFilter("o.path", prefixes, &args)
	var rs []string
	for _, r := range roles {
		args = append(args, string(r))
		rs = append(rs, fmt.Sprintf("$%d", len(args)))
	}
	args = append(args, true)
	rows, err := db.read().QueryContext(ctx, `SELECT u.id, u.display_name, b.role, o.id, o.name, o.path FROM role_bindings b
		JOIN users u ON u.id = b.user_id JOIN org_units o ON o.id = b.org_id
		WHERE `+where+` AND b.role IN (`+strings.Join(rs, ", ")+fmt.Sprintf(`) AND u.active = $%d ORDER BY o.path, u.display_name, u.id`, len(args)), args...)
	if err != nil {
		return nil, db.wrap("list routine staff", err)
	}
	defer rows.Close()
	var out []store.Staff
	seen := map[int64]bool{}
	for rows.Next() {
		var s store.Staff
		if err := rows.Scan(&s.UserID, &s.Name, &s.Role, &s.UnitID, &s.UnitName, &s.UnitPath); err != nil {
			return nil, db.wrap("scan routine staff", err)
		}
		if !seen[s.UserID] {
			seen[s.UserID] = true
			out = append(out, s)
		}
	}
	return out, db.wrap("list routine staff", rows.Err())
}

func (db *DB) CreateTraining(ctx context.Context, tr *store.Training) error {
	tr.Created = time.Now().UTC()
	return db.wrap("create training", db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		t.note("create training")
		if err := t.QueryRowContext(ctx, `INSERT INTO trainings (unit_id, unit_path, topic, organiser, organiser_id, day, minutes, location, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, tr.UnitID, tr.UnitPath, tr.Topic, tr.Organiser, nullInt(tr.OrganiserID),
			tr.Day, tr.Minutes, tr.Location, tr.CreatedBy, tr.Created).Scan(&tr.ID); err != nil {
			return err
		}
		t.about("training", tr.ID)
		return insertAttendees(ctx, t, tr.ID, tr.Attendees)
	}))
}

func insertAttendees(ctx context.Context, t *wtx, id int64, who []store.Staff) error {
	for _, s := range who {
		if _, err := t.ExecContext(ctx, `INSERT INTO training_attendance (training_id, user_id) VALUES ($1, $2)`, id, s.UserID); err != nil {
			return err
		}
	}
	return nil
}

const trainingCols = `t.id, t.unit_id, t.unit_path, o.name, t.topic, t.organiser, COALESCE(t.organiser_id, 0), COALESCE(g.name, ''),
	t.day, t.minutes, t.location, t.created_by, t.created_at,
	(SELECT COUNT(*) FROM training_attendance a WHERE a.training_id = t.id)`

const trainingFrom = ` FROM trainings t JOIN org_units o ON o.id = t.unit_id LEFT JOIN org_units g ON g.id = t.organiser_id`

func scanTraining(r interface{ Scan(...any) error }) (store.Training, error) {
	var t store.Training
	err := r.Scan(&t.ID, &t.UnitID, &t.UnitPath, &t.UnitName, &t.Topic, &t.Organiser, &t.OrganiserID, &t.OrganiserName, &t.Day,
		&t.Minutes, &t.Location, &t.CreatedBy, &t.Created, &t.Attended)
	t.Created = t.Created.UTC()
	return t, err
}

func (db *DB) GetTraining(ctx context.Context, id int64) (store.Training, error) {
	tr, err := scanTraining(db.read().QueryRowContext(ctx, `SELECT `+trainingCols+trainingFrom+` WHERE t.id = $1`, id))
	if err != nil {
		return tr, db.wrap("get training", err)
	}
	rows, err := db.read().QueryContext(ctx, `SELECT u.id, u.display_name FROM training_attendance a JOIN users u ON u.id = a.user_id
		WHERE a.training_id = $1 ORDER BY u.display_name, u.id`, id)
	if err != nil {
		return tr, db.wrap("training attendance", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s store.Staff
		if err := rows.Scan(&s.UserID, &s.Name); err != nil {
			return tr, db.wrap("scan training attendance", err)
		}
		tr.Attendees = append(tr.Attendees, s)
	}
	return tr, db.wrap("training attendance", rows.Err())
}

func (db *DB) ListTrainings(ctx context.Context, q store.TrainingQuery) ([]store.Training, error) {
	var args []any
	where := pathFilter("t.unit_path", q.Prefixes, &args)
	if q.From != "" {
		args = append(args, q.From)
		where += fmt.Sprintf(" AND t.day >= $%d", len(args))
	}
	if q.To != "" {
		args = append(args, q.To)
		where += fmt.Sprintf(" AND t.day <= $%d", len(args))
	}
	where += pastDay("t", "day", q.Past, q.Soonest, &args)
	if q.Limit <= 0 {
		q.Limit = 200
	}
	args = append(args, q.Limit)
	order := ` ORDER BY t.day DESC, t.id DESC`
	if q.Soonest {
		order = ` ORDER BY t.day, t.id`
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+trainingCols+trainingFrom+` WHERE `+where+
		order+fmt.Sprintf(` LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, db.wrap("list trainings", err)
	}
	defer rows.Close()
	var out []store.Training
	for rows.Next() {
		t, err := scanTraining(rows)
		if err != nil {
			return nil, db.wrap("scan training", err)
		}
		out = append(out, t)
	}
	return out, db.wrap("list trainings", rows.Err())
}

func (db *DB) SetTrainingAttendance(ctx context.Context, trainingID int64, userIDs []int64) error {
	return db.wrap("set training attendance", db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		t.note("set training attendance")
		t.about("training", trainingID)
		var n int
		if err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM trainings WHERE id = $1`, trainingID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM training_attendance WHERE training_id = $1`, trainingID); err != nil {
			return err
		}
		who := make([]store.Staff, len(userIDs))
		for i, id := range userIDs {
			who[i].UserID = id
		}
		return insertAttendees(ctx, t, trainingID, who)
	}))
}

func (db *DB) AddTrainingFile(ctx context.Context, f *store.TrainingFile) error {
	f.Created = time.Now().UTC()
	f.Size = int64(len(f.Data))
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO training_files (training_id, kind, user_id, name, content_type, size, sha256, data, uploaded_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, f.TrainingID, f.Kind, nullInt(f.UserID), f.Name, f.ContentType,
			f.Size, f.SHA256, f.Data, f.UploadedBy, f.Created).Scan(&f.ID)
	})
	return db.wrap("add training file", err)
}

const trainingFileCols = `f.id, f.training_id, f.kind, COALESCE(f.user_id, 0), COALESCE(u.display_name, ''), f.name, f.content_type, f.size,
	f.sha256, f.uploaded_by, f.created_at`

func scanTrainingFile(r interface{ Scan(...any) error }, f *store.TrainingFile, extra ...any) error {
	err := r.Scan(append([]any{&f.ID, &f.TrainingID, &f.Kind, &f.UserID, &f.UserName, &f.Name, &f.ContentType, &f.Size, &f.SHA256,
		&f.UploadedBy, &f.Created}, extra...)...)
	f.Created = f.Created.UTC()
	return err
}

func (db *DB) GetTrainingFile(ctx context.Context, trainingID, id int64) (store.TrainingFile, error) {
	var f store.TrainingFile
	err := scanTrainingFile(db.read().QueryRowContext(ctx, `SELECT `+trainingFileCols+`, f.data FROM training_files f
		LEFT JOIN users u ON u.id = f.user_id WHERE f.id = $1 AND f.training_id = $2`, id, trainingID), &f, &f.Data)
	return f, db.wrap("get training file", err)
}

func (db *DB) ListTrainingFiles(ctx context.Context, trainingID int64) ([]store.TrainingFile, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT `+trainingFileCols+` FROM training_files f LEFT JOIN users u ON u.id = f.user_id
		WHERE f.training_id = $1 ORDER BY f.kind DESC, f.id`, trainingID)
	if err != nil {
		return nil, db.wrap("list training files", err)
	}
	defer rows.Close()
	var out []store.TrainingFile
	for rows.Next() {
		var f store.TrainingFile
		if err := scanTrainingFile(rows, &f); err != nil {
			return nil, db.wrap("scan training file", err)
		}
		out = append(out, f)
	}
	return out, db.wrap("list training files", rows.Err())
}

func (db *DB) TrainingMinutes(ctx context.Context, userIDs []int64, from, to string) (map[int64]int, error) {
	out := map[int64]int{}
	if len(userIDs) == 0 {
		return out, nil
	}
	args := []any{from, to}
	for _, id := range userIDs {
		args = append(args, id)
	}
	// From the window's trainings (by day), each one's attendance by its
	// key (training_id, user_id): not every attendance of these users
	// since their first. On SQLite "+" has each training's attendees read
	// once, not sought user by user.
	user := "a.user_id"
	if db.d.Name == "sqlite" {
		user = "+a.user_id"
	}
	rows, err := db.read().QueryContext(ctx, `SELECT a.user_id, SUM(t.minutes) FROM trainings t CROSS JOIN training_attendance a
		WHERE t.day >= $1 AND t.day <= $2 AND a.training_id = t.id AND `+user+` IN (`+inList(3, len(userIDs))+`) GROUP BY a.user_id`, args...)
	if err != nil {
		return nil, db.wrap("training minutes", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, db.wrap("scan training minutes", err)
		}
		out[id] = n
	}
	return out, db.wrap("training minutes", rows.Err())
}

func (db *DB) GetTrainingMinimum(ctx context.Context, committeeID int64) (int, error) {
	var n int
	err := db.read().QueryRowContext(ctx, `SELECT minutes FROM training_minimums WHERE committee_id = $1`, committeeID).Scan(&n)
	return n, db.wrap("get training minimum", err)
}

func (db *DB) PutTrainingMinimum(ctx context.Context, committeeID int64, minutes int) error {
	_, err := db.writeOn("training_minimum", committeeID).ExecContext(ctx, `INSERT INTO training_minimums (committee_id, minutes, updated_at)
		VALUES ($1, $2, $3) ON CONFLICT (committee_id) DO UPDATE SET minutes = excluded.minutes, updated_at = excluded.updated_at`,
		committeeID, minutes, time.Now().UTC())
	return db.wrap("put training minimum", err)
}
