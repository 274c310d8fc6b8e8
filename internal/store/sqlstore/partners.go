package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

// committeeIn filters col by committees; nil means every committee, empty none.
func committeeIn(col string, ids []int64) string {
	if ids == nil {
		return "1 = 1"
	}
	if len(ids) == 0 {
		return "1 = 0"
	}
	return col + " IN (" + idList(ids) + ")"
}

func (db *DB) AddPartner(ctx context.Context, p *store.Partner) error {
	if p.Created.IsZero() {
		p.Created = time.Now()
	}
	p.Created = p.Created.UTC()
	return (db.tx(ctx, "add partner", func(t *wtx) error {
		t.about("org", p.CommitteeID)
		return t.QueryRowContext(ctx, `INSERT INTO liaison_partners (committee_id, kind, org_id, merchant_id, room_id, name, note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, p.CommitteeID, p.Kind, nullInt(p.OrgID), nullInt(p.MerchantID),
			nullInt(p.RoomID), p.Name, p.Note, nullInt(p.CreatedBy), p.Created).Scan(&p.ID)
	}))
}

const partnerCols = `id, committee_id, kind, COALESCE(org_id, 0), COALESCE(merchant_id, 0), COALESCE(room_id, 0), name, note, COALESCE(created_by, 0), created_at`

func scanPartner(r interface{ Scan(...any) error }) (store.Partner, error) {
	var p store.Partner
	err := r.Scan(&p.ID, &p.CommitteeID, &p.Kind, &p.OrgID, &p.MerchantID, &p.RoomID, &p.Name, &p.Note, &p.CreatedBy, &p.Created)
	p.Created = p.Created.UTC()
	return p, err
}

func (db *DB) GetPartner(ctx context.Context, id int64) (store.Partner, error) {
	p, err := scanPartner(db.read().QueryRowContext(ctx, `SELECT `+partnerCols+` FROM liaison_partners WHERE id = $1`, id))
	if err != nil {
		return p, db.wrap("get partner", err)
	}
	cs, err := db.contacts(ctx, fmt.Sprintf("partner_id = %d", id))
	p.Contacts = cs[id]
	return p, err
}

func (db *DB) contacts(ctx context.Context, where string) (map[int64][]store.PartnerContact, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT id, partner_id, name, post, phone_sealed, phone_mask, email, created_at
		FROM liaison_contacts WHERE `+where+` ORDER BY id`)
	if err != nil {
		return nil, db.wrap("list partner contacts", err)
	}
	defer rows.Close()
	out := map[int64][]store.PartnerContact{}
	for rows.Next() {
		var c store.PartnerContact
		if err := rows.Scan(&c.ID, &c.PartnerID, &c.Name, &c.Post, &c.PhoneSealed, &c.PhoneMask, &c.Email, &c.Created); err != nil {
			return nil, db.wrap("scan partner contact", err)
		}
		c.Created = c.Created.UTC()
		out[c.PartnerID] = append(out[c.PartnerID], c)
	}
	return out, db.wrap("list partner contacts", rows.Err())
}

func (db *DB) ListPartners(ctx context.Context, committeeIDs []int64) ([]store.Partner, error) {
	where := committeeIn("committee_id", committeeIDs)
	rows, err := db.read().QueryContext(ctx, `SELECT `+partnerCols+` FROM liaison_partners WHERE `+where+` ORDER BY committee_id, kind, name`)
	if err != nil {
		return nil, db.wrap("list partners", err)
	}
	var out []store.Partner
	for rows.Next() {
		p, err := scanPartner(rows)
		if err != nil {
			rows.Close()
			return nil, db.wrap("scan partner", err)
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.wrap("list partners", err)
	}
	cs, err := db.contacts(ctx, "partner_id IN (SELECT id FROM liaison_partners WHERE "+where+")")
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Contacts = cs[out[i].ID]
	}
	return out, nil
}

func (db *DB) AddPartnerContact(ctx context.Context, c *store.PartnerContact) error {
	if c.Created.IsZero() {
		c.Created = time.Now()
	}
	c.Created = c.Created.UTC()
	return (db.tx(ctx, "add partner contact", func(t *wtx) error {
		t.about("partner", c.PartnerID)
		return t.QueryRowContext(ctx, `INSERT INTO liaison_contacts (partner_id, name, post, phone_sealed, phone_mask, email, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, c.PartnerID, c.Name, c.Post, c.PhoneSealed, c.PhoneMask, c.Email, c.Created).Scan(&c.ID)
	}))
}

func (db *DB) AddContactLog(ctx context.Context, l *store.ContactLog) error {
	if l.Created.IsZero() {
		l.Created = time.Now()
	}
	l.Created = l.Created.UTC()
	return (db.tx(ctx, "add contact log", func(t *wtx) error {
		t.about("partner", l.PartnerID)
		if err := t.QueryRowContext(ctx, `INSERT INTO liaison_log (committee_id, partner_id, day, channel, topic, summary, recorded_by, recorder, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, l.CommitteeID, l.PartnerID, l.Day, l.Channel, l.Topic, l.Summary,
			nullInt(l.RecordedBy), l.Recorder, l.Created).Scan(&l.ID); err != nil {
			return err
		}
		link := func(kind string, ids []int64) error {
			for _, id := range ids {
				if _, err := t.ExecContext(ctx, `INSERT INTO liaison_log_links (log_id, kind, ref_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
					l.ID, kind, id); err != nil {
					return err
				}
			}
			return nil
		}
		if err := link("case", l.CaseIDs); err != nil {
			return err
		}
		return link("group", l.GroupIDs)
	}))
}

func (db *DB) ListContactLog(ctx context.Context, q store.ContactLogQuery) ([]store.ContactLog, error) {
	where := committeeIn("l.committee_id", q.CommitteeIDs)
	var args []any
	if q.PartnerID != 0 {
		args = append(args, q.PartnerID)
		where += fmt.Sprintf(" AND l.partner_id = $%d", len(args))
	}
	if q.From != "" {
		args = append(args, q.From)
		where += fmt.Sprintf(" AND l.day >= $%d", len(args))
	}
	if q.To != "" {
		args = append(args, q.To)
		where += fmt.Sprintf(" AND l.day <= $%d", len(args))
	}
	if q.After != nil {
		args = append(args, q.After.Day, q.After.ID)
		where += fmt.Sprintf(" AND (l.day < $%d OR l.day = $%d AND l.id < $%d)", len(args)-1, len(args)-1, len(args))
	}
	if q.Limit <= 0 {
		q.Limit = 200
	}
	args = append(args, q.Limit)
	rows, err := db.read().QueryContext(ctx, `SELECT l.id, l.committee_id, l.partner_id, p.name, l.day, l.channel, l.topic, l.summary,
		COALESCE(l.recorded_by, 0), l.recorder, l.created_at FROM liaison_log l JOIN liaison_partners p ON p.id = l.partner_id
		WHERE `+where+fmt.Sprintf(` ORDER BY l.day DESC, l.id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, db.wrap("list contact log", err)
	}
	var out []store.ContactLog
	byID := map[int64]int{}
	for rows.Next() {
		var l store.ContactLog
		if err := rows.Scan(&l.ID, &l.CommitteeID, &l.PartnerID, &l.PartnerName, &l.Day, &l.Channel, &l.Topic, &l.Summary,
			&l.RecordedBy, &l.Recorder, &l.Created); err != nil {
			rows.Close()
			return nil, db.wrap("scan contact log", err)
		}
		l.Created = l.Created.UTC()
		byID[l.ID] = len(out)
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, db.wrap("list contact log", err)
	}
	ids := make([]int64, len(out))
	for i, l := range out {
		ids[i] = l.ID
	}
	lr, err := db.read().QueryContext(ctx, `SELECT log_id, kind, ref_id FROM liaison_log_links WHERE log_id IN (`+idList(ids)+`) ORDER BY log_id, kind, ref_id`)
	if err != nil {
		return nil, db.wrap("list contact links", err)
	}
	defer lr.Close()
	for lr.Next() {
		var id, ref int64
		var kind string
		if err := lr.Scan(&id, &kind, &ref); err != nil {
			return nil, db.wrap("scan contact link", err)
		}
		l := &out[byID[id]]
		if kind == "case" {
			l.CaseIDs = append(l.CaseIDs, ref)
		} else {
			l.GroupIDs = append(l.GroupIDs, ref)
		}
	}
	return out, db.wrap("list contact links", lr.Err())
}

func (db *DB) AddBriefing(ctx context.Context, b *store.Briefing) error {
	if b.Created.IsZero() {
		b.Created = time.Now()
	}
	b.Created = b.Created.UTC()
	return (db.tx(ctx, "add briefing", func(t *wtx) error {
		t.about("org", b.CommitteeID)
		if err := t.QueryRowContext(ctx, `INSERT INTO liaison_briefings (committee_id, title, period_from, period_to, body, pdf, sha256, created_by, creator, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, b.CommitteeID, b.Title, b.From, b.To, b.Body, b.PDF, b.SHA256,
			nullInt(b.CreatedBy), b.Creator, b.Created).Scan(&b.ID); err != nil {
			return err
		}
		for i := range b.Recipients {
			r := &b.Recipients[i]
			r.BriefingID = b.ID
			if r.SentAt.IsZero() {
				r.SentAt = b.Created
			}
			if r.State == "" {
				r.State = "sent"
			}
			if _, err := t.ExecContext(ctx, `INSERT INTO liaison_recipients (briefing_id, partner_id, state, sms_queued, sent_at) VALUES ($1, $2, $3, $4, $5)`,
				b.ID, r.PartnerID, r.State, r.SMSQueued, r.SentAt.UTC()); err != nil {
				return err
			}
		}
		return nil
	}))
}

func (db *DB) recipients(ctx context.Context, where string) (map[int64][]store.BriefingRecipient, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT r.briefing_id, r.partner_id, p.name, r.state, r.sms_queued, r.sent_at, r.received_at
		FROM liaison_recipients r JOIN liaison_partners p ON p.id = r.partner_id WHERE `+where+` ORDER BY r.briefing_id, p.kind, p.name`)
	if err != nil {
		return nil, db.wrap("list briefing recipients", err)
	}
	defer rows.Close()
	out := map[int64][]store.BriefingRecipient{}
	for rows.Next() {
		var r store.BriefingRecipient
		var got sql.NullTime
		if err := rows.Scan(&r.BriefingID, &r.PartnerID, &r.PartnerName, &r.State, &r.SMSQueued, &r.SentAt, &got); err != nil {
			return nil, db.wrap("scan briefing recipient", err)
		}
		r.SentAt, r.ReceivedAt = r.SentAt.UTC(), timePtr(got)
		out[r.BriefingID] = append(out[r.BriefingID], r)
	}
	return out, db.wrap("list briefing recipients", rows.Err())
}

const briefingCols = `id, committee_id, title, period_from, period_to, body, sha256, COALESCE(created_by, 0), creator, created_at`

func scanBriefing(r interface{ Scan(...any) error }, extra ...any) (store.Briefing, error) {
	var b store.Briefing
	err := r.Scan(append([]any{&b.ID, &b.CommitteeID, &b.Title, &b.From, &b.To, &b.Body, &b.SHA256, &b.CreatedBy, &b.Creator, &b.Created}, extra...)...)
	b.Created = b.Created.UTC()
	return b, err
}

func (db *DB) GetBriefing(ctx context.Context, id int64) (store.Briefing, error) {
	var pdf []byte
	b, err := scanBriefing(db.read().QueryRowContext(ctx, `SELECT `+briefingCols+`, pdf FROM liaison_briefings WHERE id = $1`, id), &pdf)
	if err != nil {
		return b, db.wrap("get briefing", err)
	}
	b.PDF = pdf
	rs, err := db.recipients(ctx, fmt.Sprintf("r.briefing_id = %d", id))
	b.Recipients = rs[id]
	return b, err
}

func (db *DB) ListBriefings(ctx context.Context, committeeIDs []int64) ([]store.Briefing, error) {
	where := committeeIn("committee_id", committeeIDs)
	rows, err := db.read().QueryContext(ctx, `SELECT `+briefingCols+` FROM liaison_briefings WHERE `+where+` ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, db.wrap("list briefings", err)
	}
	var out []store.Briefing
	for rows.Next() {
		b, err := scanBriefing(rows)
		if err != nil {
			rows.Close()
			return nil, db.wrap("scan briefing", err)
		}
		out = append(out, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.wrap("list briefings", err)
	}
	rs, err := db.recipients(ctx, "r.briefing_id IN (SELECT id FROM liaison_briefings WHERE "+where+")")
	for i := range out {
		out[i].Recipients = rs[out[i].ID]
	}
	return out, err
}

func (db *DB) MarkBriefingReceived(ctx context.Context, briefingID, partnerID int64, at time.Time) error {
	return (db.tx(ctx, "mark briefing received", func(t *wtx) error {
		t.about("briefing", briefingID)
		res, err := t.ExecContext(ctx, `UPDATE liaison_recipients SET state = 'received', received_at = $1
			WHERE briefing_id = $2 AND partner_id = $3 AND received_at IS NULL`, at.UTC(), briefingID, partnerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return nil
	}))
}

func (db *DB) AddInspection(ctx context.Context, in *store.Inspection) error {
	if in.Created.IsZero() {
		in.Created = time.Now()
	}
	in.Created = in.Created.UTC()
	return (db.tx(ctx, "add inspection", func(t *wtx) error {
		t.about("org", in.RoomID)
		if err := t.QueryRowContext(ctx, `INSERT INTO room_inspections (committee_id, room_id, day, standard_version, inspectors, earned_x10, possible_x10,
			note, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, in.CommitteeID, in.RoomID, in.Day,
			in.StandardVersion, in.Inspectors, in.EarnedX10, in.PossibleX10, in.Note, nullInt(in.RecordedBy), in.Created).Scan(&in.ID); err != nil {
			return err
		}
		for _, it := range in.Items {
			if _, err := t.ExecContext(ctx, `INSERT INTO inspection_items (inspection_id, item_code, result, note) VALUES ($1, $2, $3, $4)`,
				in.ID, it.Code, it.Result, it.Note); err != nil {
				return err
			}
		}
		for i := range in.Photos {
			ph := &in.Photos[i]
			ph.InspectionID, ph.Size, ph.Created = in.ID, int64(len(ph.Data)), in.Created
			if err := t.QueryRowContext(ctx, `INSERT INTO inspection_photos (inspection_id, item_code, name, content_type, size, sha256, data, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, in.ID, ph.ItemCode, ph.Name, ph.ContentType, ph.Size, ph.SHA256, ph.Data,
				ph.Created).Scan(&ph.ID); err != nil {
				return err
			}
		}
		for i := range in.Rectifications {
			r := &in.Rectifications[i]
			r.InspectionID, r.CommitteeID, r.RoomID = in.ID, in.CommitteeID, in.RoomID
			if err := t.QueryRowContext(ctx, `INSERT INTO rectifications (inspection_id, committee_id, room_id, item_code, text, due_day, owner)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, in.ID, in.CommitteeID, in.RoomID, r.ItemCode, r.Text, r.DueDay, r.Owner).Scan(&r.ID); err != nil {
				return err
			}
		}
		return nil
	}))
}

const inspectionCols = `i.id, i.committee_id, i.room_id, o.name, i.day, i.standard_version, i.inspectors, i.earned_x10, i.possible_x10, i.note,
	COALESCE(i.recorded_by, 0), i.created_at`

func scanInspection(r interface{ Scan(...any) error }) (store.Inspection, error) {
	var in store.Inspection
	err := r.Scan(&in.ID, &in.CommitteeID, &in.RoomID, &in.RoomName, &in.Day, &in.StandardVersion, &in.Inspectors, &in.EarnedX10, &in.PossibleX10,
		&in.Note, &in.RecordedBy, &in.Created)
	in.Created = in.Created.UTC()
	return in, err
}

func (db *DB) GetInspection(ctx context.Context, id int64) (store.Inspection, error) {
	in, err := scanInspection(db.read().QueryRowContext(ctx, `SELECT `+inspectionCols+` FROM room_inspections i JOIN org_units o ON o.id = i.room_id
		WHERE i.id = $1`, id))
	if err != nil {
		return in, db.wrap("get inspection", err)
	}
	rows, err := db.read().QueryContext(ctx, `SELECT item_code, result, note FROM inspection_items WHERE inspection_id = $1 ORDER BY item_code`, id)
	if err != nil {
		return in, db.wrap("list inspection items", err)
	}
	for rows.Next() {
		var it store.InspectionItem
		if err := rows.Scan(&it.Code, &it.Result, &it.Note); err != nil {
			rows.Close()
			return in, db.wrap("scan inspection item", err)
		}
		in.Items = append(in.Items, it)
	}
	rows.Close()
	prow, err := db.read().QueryContext(ctx, `SELECT id, inspection_id, item_code, name, content_type, size, sha256, created_at
		FROM inspection_photos WHERE inspection_id = $1 ORDER BY id`, id)
	if err != nil {
		return in, db.wrap("list inspection photos", err)
	}
	for prow.Next() {
		var ph store.InspectionPhoto
		if err := prow.Scan(&ph.ID, &ph.InspectionID, &ph.ItemCode, &ph.Name, &ph.ContentType, &ph.Size, &ph.SHA256, &ph.Created); err != nil {
			prow.Close()
			return in, db.wrap("scan inspection photo", err)
		}
		ph.Created = ph.Created.UTC()
		in.Photos = append(in.Photos, ph)
	}
	prow.Close()
	in.Rectifications, err = db.rectifications(ctx, fmt.Sprintf("r.inspection_id = %d", id), nil)
	return in, err
}

func (db *DB) ListInspections(ctx context.Context, committeeIDs []int64, roomID int64) ([]store.Inspection, error) {
	where := committeeIn("i.committee_id", committeeIDs)
	if roomID != 0 {
		where += fmt.Sprintf(" AND i.room_id = %d", roomID)
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+inspectionCols+` FROM room_inspections i JOIN org_units o ON o.id = i.room_id
		WHERE `+where+` ORDER BY i.day DESC, i.id DESC`)
	if err != nil {
		return nil, db.wrap("list inspections", err)
	}
	out, err := scanInspections(rows)
	return out, db.wrap("list inspections", err)
}

func (db *DB) LatestInspections(ctx context.Context, roomIDs []int64) ([]store.Inspection, error) {
	if len(roomIDs) == 0 {
		return nil, nil
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+inspectionCols+` FROM room_inspections i JOIN org_units o ON o.id = i.room_id
		WHERE i.id IN (SELECT (SELECT x.id FROM room_inspections x WHERE x.room_id = r.id ORDER BY x.day DESC, x.id DESC LIMIT 1)
			FROM org_units r WHERE r.id IN (`+idList(roomIDs)+`))
		ORDER BY i.room_id`)
	if err != nil {
		return nil, db.wrap("latest inspections", err)
	}
	out, err := scanInspections(rows)
	return out, db.wrap("latest inspections", err)
}

func scanInspections(rows *sql.Rows) ([]store.Inspection, error) {
	defer rows.Close()
	var out []store.Inspection
	for rows.Next() {
		in, err := scanInspection(rows)
		if err != nil {
			return nil, fmt.Errorf("scan inspection: %w", err)
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

func (db *DB) GetInspectionPhoto(ctx context.Context, inspectionID, photoID int64) (store.InspectionPhoto, error) {
	var ph store.InspectionPhoto
	err := db.read().QueryRowContext(ctx, `SELECT id, inspection_id, item_code, name, content_type, size, sha256, data, created_at
		FROM inspection_photos WHERE id = $1 AND inspection_id = $2`, photoID, inspectionID).
		Scan(&ph.ID, &ph.InspectionID, &ph.ItemCode, &ph.Name, &ph.ContentType, &ph.Size, &ph.SHA256, &ph.Data, &ph.Created)
	ph.Created = ph.Created.UTC()
	return ph, db.wrap("get inspection photo", err)
}

func (db *DB) rectifications(ctx context.Context, where string, args []any) ([]store.Rectification, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT r.id, r.inspection_id, r.committee_id, r.room_id, o.name, r.item_code, r.text, r.due_day, r.owner,
		r.done_day, r.done_note, COALESCE(r.done_by, 0) FROM rectifications r JOIN org_units o ON o.id = r.room_id
		WHERE `+where+` ORDER BY r.due_day, r.id`, args...)
	if err != nil {
		return nil, db.wrap("list rectifications", err)
	}
	defer rows.Close()
	var out []store.Rectification
	for rows.Next() {
		var r store.Rectification
		if err := rows.Scan(&r.ID, &r.InspectionID, &r.CommitteeID, &r.RoomID, &r.RoomName, &r.ItemCode, &r.Text, &r.DueDay, &r.Owner,
			&r.DoneDay, &r.DoneNote, &r.DoneBy); err != nil {
			return nil, db.wrap("scan rectification", err)
		}
		out = append(out, r)
	}
	return out, db.wrap("list rectifications", rows.Err())
}

func (db *DB) ListRectifications(ctx context.Context, q store.RectificationQuery) ([]store.Rectification, error) {
	where := committeeIn("r.committee_id", q.CommitteeIDs)
	var args []any
	if q.RoomID != 0 {
		args = append(args, q.RoomID)
		where += fmt.Sprintf(" AND r.room_id = $%d", len(args))
	}
	if q.OpenOnly || q.DueBefore != "" {
		where += " AND r.done_day = ''"
	}
	if q.DueBefore != "" {
		args = append(args, q.DueBefore)
		where += fmt.Sprintf(" AND r.due_day < $%d", len(args))
	}
	return db.rectifications(ctx, where, args)
}

func (db *DB) CompleteRectification(ctx context.Context, id int64, day, note string, by int64) error {
	return (db.tx(ctx, "complete rectification", func(t *wtx) error {
		t.about("rectification", id)
		res, err := t.ExecContext(ctx, `UPDATE rectifications SET done_day = $1, done_note = $2, done_by = $3 WHERE id = $4 AND done_day = ''`,
			day, note, nullInt(by), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return nil
	}))
}

func (db *DB) AddDesignation(ctx context.Context, d *store.Designation) error {
	if d.Created.IsZero() {
		d.Created = time.Now()
	}
	d.Created = d.Created.UTC()
	return (db.tx(ctx, "designate model room", func(t *wtx) error {
		t.about("org", d.RoomID)
		return t.QueryRowContext(ctx, `INSERT INTO model_rooms (committee_id, room_id, day, designated_by, designator, basis, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, d.CommitteeID, d.RoomID, d.Day, nullInt(d.DesignatedBy), d.Designator, d.Basis,
			d.Created).Scan(&d.ID)
	}))
}

func (db *DB) RevokeDesignation(ctx context.Context, id int64, day, reason string, by int64) error {
	return (db.tx(ctx, "revoke model room", func(t *wtx) error {
		t.about("model_room", id)
		res, err := t.ExecContext(ctx, `UPDATE model_rooms SET revoked_day = $1, revoke_reason = $2, revoked_by = $3 WHERE id = $4 AND revoked_day = ''`,
			day, reason, nullInt(by), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return nil
	}))
}

func (db *DB) ListDesignations(ctx context.Context, committeeIDs []int64) ([]store.Designation, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT m.id, m.committee_id, m.room_id, o.name, m.day, COALESCE(m.designated_by, 0), m.designator, m.basis,
		m.revoked_day, COALESCE(m.revoked_by, 0), m.revoke_reason, m.created_at FROM model_rooms m JOIN org_units o ON o.id = m.room_id
		WHERE `+committeeIn("m.committee_id", committeeIDs)+` ORDER BY m.day DESC, m.id DESC`)
	if err != nil {
		return nil, db.wrap("list designations", err)
	}
	defer rows.Close()
	var out []store.Designation
	for rows.Next() {
		var d store.Designation
		if err := rows.Scan(&d.ID, &d.CommitteeID, &d.RoomID, &d.RoomName, &d.Day, &d.DesignatedBy, &d.Designator, &d.Basis,
			&d.RevokedDay, &d.RevokedBy, &d.RevokeReason, &d.Created); err != nil {
			return nil, db.wrap("scan designation", err)
		}
		d.Created = d.Created.UTC()
		out = append(out, d)
	}
	return out, db.wrap("list designations", rows.Err())
}
