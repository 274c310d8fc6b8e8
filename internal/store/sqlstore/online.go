package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) PutPartyLink(ctx context.Context, caseID int64, party, hash, sealed string, at time.Time) error {
	return db.tx(ctx, "put party link", func(tx *wtx) error {
		tx.about("case", caseID)
		if _, err := tx.ExecContext(ctx, `DELETE FROM party_links WHERE case_id = $1 AND party = $2`, caseID, party); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO party_links (token_hash, case_id, party, token_sealed, created_at) VALUES ($1, $2, $3, $4, $5)`,
			hash, caseID, party, sealed, at.UTC())
		return err
	})
}

func (db *DB) GetPartyLink(ctx context.Context, hash string) (int64, string, error) {
	var id int64
	var party string
	err := db.read().QueryRowContext(ctx, `SELECT case_id, party FROM party_links WHERE token_hash = $1`, hash).Scan(&id, &party)
	return id, party, db.wrap("get party link", err)
}

func (db *DB) ListPartyLinks(ctx context.Context, caseID int64) ([]store.PartyLink, error) {
	return db.links(ctx, "list party links", `SELECT case_id, party, token_sealed, created_at FROM party_links WHERE case_id = $1 ORDER BY party`, caseID)
}

// links reads (case, party, sealed token, created) rows: party links and signing links alike.
func (db *DB) links(ctx context.Context, what, query string, caseID int64) ([]store.PartyLink, error) {
	rows, err := db.read().QueryContext(ctx, query, caseID)
	if err != nil {
		return nil, db.wrap(what, err)
	}
	defer rows.Close()
	var out []store.PartyLink
	for rows.Next() {
		var l store.PartyLink
		if err := rows.Scan(&l.CaseID, &l.Party, &l.TokenSealed, &l.Created); err != nil {
			return nil, db.wrap(what, err)
		}
		l.Created = l.Created.UTC()
		out = append(out, l)
	}
	return out, db.wrap(what, rows.Err())
}

func (db *DB) ClaimPartyNotice(ctx context.Context, caseID int64, party string, at time.Time, minGap time.Duration) (bool, error) {
	res, err := db.writeOn("case", caseID).ExecContext(ctx, `UPDATE party_links SET notified_at = $1 WHERE case_id = $2 AND party = $3
		AND (notified_at IS NULL OR notified_at <= $4)`, at.UTC(), caseID, party, at.Add(-minGap).UTC())
	if err != nil {
		return false, db.wrap("claim party notice", err)
	}
	n, err := res.RowsAffected()
	return n > 0, db.wrap("claim party notice", err)
}

func (db *DB) CountMessagesSince(ctx context.Context, caseID int64, author string, since time.Time) (int, error) {
	var n int
	err := db.read().QueryRowContext(ctx, `SELECT COUNT(*) FROM case_messages WHERE case_id = $1 AND author = $2 AND created_at >= $3`,
		caseID, author, since.UTC()).Scan(&n)
	return n, db.wrap("count messages", err)
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func addMessage(ctx context.Context, q rowQuerier, m *store.Message) error {
	if m.Created.IsZero() {
		m.Created = time.Now()
	}
	m.Created = m.Created.UTC()
	return q.QueryRowContext(ctx, `INSERT INTO case_messages (case_id, channel, author, author_id, author_name, body, evidence_id, proposal_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, m.CaseID, m.Channel, m.Author, nullInt(m.AuthorID), m.AuthorName, m.Body,
		nullInt(m.EvidenceID), nullInt(m.ProposalID), m.Created).Scan(&m.ID)
}

func (db *DB) AddMessage(ctx context.Context, m *store.Message) error {
	return db.wrap("add message", db.writeRow(ctx, func(q rowQuerier) error { return addMessage(ctx, q, m) }))
}

func (db *DB) ListMessages(ctx context.Context, q store.MessageQuery) ([]store.Message, error) {
	if len(q.Channels) == 0 {
		return nil, nil
	}
	limit := q.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	args := []any{q.CaseID, q.AfterID}
	for _, c := range q.Channels {
		args = append(args, c)
	}
	// A page shows the newest `limit` (oldest first); a stream catching up
	// after an id reads forward from it, `limit` at a time.
	order := `ORDER BY id DESC`
	if q.AfterID > 0 {
		order = `ORDER BY id`
	}
	rows, err := db.read().QueryContext(ctx, `SELECT * FROM (SELECT id, case_id, channel, author, COALESCE(author_id, 0), author_name, body,
		COALESCE(evidence_id, 0), COALESCE(proposal_id, 0), created_at FROM case_messages
		WHERE case_id = $1 AND id > $2 AND channel IN (`+inList(3, len(q.Channels))+`) `+order+fmt.Sprintf(` LIMIT %d) m ORDER BY id`, limit), args...)
	if err != nil {
		return nil, db.wrap("list messages", err)
	}
	defer rows.Close()
	var out []store.Message
	for rows.Next() {
		var m store.Message
		if err := rows.Scan(&m.ID, &m.CaseID, &m.Channel, &m.Author, &m.AuthorID, &m.AuthorName, &m.Body, &m.EvidenceID, &m.ProposalID, &m.Created); err != nil {
			return nil, db.wrap("scan message", err)
		}
		m.Created = m.Created.UTC()
		out = append(out, m)
	}
	return out, db.wrap("list messages", rows.Err())
}

func (db *DB) ListAwaitingReply(ctx context.Context, userID int64) ([]store.Thread, error) {
	// Cases that still take messages (conversation.Open); the last word of a
	// party or a mediator per (case, channel), by index seek — system notes
	// and experts do not answer a party. The mediator's cases are found from
	// the open ones they preside (cases.presiding_id, kept with the presiding
	// assignment) and their other assignments: not by every case they were
	// ever assigned, which grows with the years. Planned once on PostgreSQL
	// (readGeneric: its plan does not depend on the user): planning it on
	// every desk and 今日 took 0.5–0.65 ms for 0.1 ms of work.
	rows, err := db.readGeneric().QueryContext(ctx, `WITH mine AS (
			SELECT c.id, c.number FROM cases c WHERE c.presiding_id = $1 AND c.status IN ('assigned', 'mediating', 'suspended')
			UNION
			SELECT c.id, c.number FROM case_mediators cm
			JOIN cases c ON c.id = cm.case_id AND c.status IN ('assigned', 'mediating', 'suspended')
			WHERE cm.user_id = $1 AND cm.presiding = $2)
		SELECT mine.id, mine.number, ch.channel, m.created_at FROM mine
		CROSS JOIN (SELECT 'joint' AS channel UNION ALL SELECT 'consumer' UNION ALL SELECT 'merchant') ch
		JOIN case_messages m ON m.id = (SELECT MAX(x.id) FROM case_messages x WHERE x.case_id = mine.id AND x.channel = ch.channel
			AND x.author IN ('consumer', 'merchant', 'mediator'))
		WHERE m.author IN ('consumer', 'merchant') ORDER BY m.created_at, mine.id`, userID, false)
	if err != nil {
		return nil, db.wrap("list awaiting reply", err)
	}
	defer rows.Close()
	var out []store.Thread
	for rows.Next() {
		var t store.Thread
		if err := rows.Scan(&t.CaseID, &t.CaseNumber, &t.Channel, &t.LastAt); err != nil {
			return nil, db.wrap("scan thread", err)
		}
		t.LastAt = t.LastAt.UTC()
		out = append(out, t)
	}
	return out, db.wrap("list awaiting reply", rows.Err())
}

func (db *DB) AddEvidence(ctx context.Context, e *store.Evidence) error {
	e.Created = time.Now().UTC()
	e.Size = int64(len(e.Data))
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO case_evidence (case_id, channel, uploader, uploaded_by, name, content_type, size, sha256, data, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, e.CaseID, e.Channel, e.Uploader, nullInt(e.UploadedBy), e.Name,
			e.ContentType, e.Size, e.SHA256, e.Data, e.Created).Scan(&e.ID)
	})
	return db.wrap("add evidence", err)
}

const evidenceCols = `id, case_id, channel, uploader, COALESCE(uploaded_by, 0), name, content_type, size, sha256, created_at`

func scanEvidence(row interface{ Scan(...any) error }, e *store.Evidence, extra ...any) error {
	err := row.Scan(append([]any{&e.ID, &e.CaseID, &e.Channel, &e.Uploader, &e.UploadedBy, &e.Name, &e.ContentType, &e.Size, &e.SHA256, &e.Created}, extra...)...)
	e.Created = e.Created.UTC()
	return err
}

func (db *DB) GetEvidence(ctx context.Context, caseID, id int64) (store.Evidence, error) {
	var e store.Evidence
	err := scanEvidence(db.read().QueryRowContext(ctx, `SELECT `+evidenceCols+`, data FROM case_evidence WHERE id = $1 AND case_id = $2`, id, caseID), &e, &e.Data)
	return e, db.wrap("get evidence", err)
}

func (db *DB) ListEvidence(ctx context.Context, caseID int64) ([]store.Evidence, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT `+evidenceCols+` FROM case_evidence WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, db.wrap("list evidence", err)
	}
	defer rows.Close()
	var out []store.Evidence
	for rows.Next() {
		var e store.Evidence
		if err := scanEvidence(rows, &e); err != nil {
			return nil, db.wrap("scan evidence", err)
		}
		out = append(out, e)
	}
	return out, db.wrap("list evidence", rows.Err())
}

func (db *DB) CreateProposal(ctx context.Context, p *store.Proposal, m *store.Message) error {
	terms, err := json.Marshal(p.Terms)
	if err != nil {
		return fmt.Errorf("create proposal: %w", err)
	}
	p.Created, p.Status = time.Now().UTC(), "open"
	return db.tx(ctx, "create proposal", func(tx *wtx) error {
		tx.about("case", p.CaseID)
		// New terms replace the open ones put to the same people.
		if _, err := tx.ExecContext(ctx, `UPDATE proposals SET status = 'superseded' WHERE case_id = $1 AND channel = $2 AND status = 'open'`,
			p.CaseID, p.Channel); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO proposals (case_id, channel, terms, note, status, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, p.CaseID, p.Channel, string(terms), p.Note, p.Status, p.CreatedBy, p.Created).Scan(&p.ID); err != nil {
			return err
		}
		m.ProposalID = p.ID
		return addMessage(ctx, tx, m)
	})
}

func (db *DB) GetProposal(ctx context.Context, id int64) (store.Proposal, error) {
	ps, err := db.proposals(ctx, `p.id = $1`, id)
	if err == nil && len(ps) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Proposal{}, db.wrap("get proposal", err)
	}
	return ps[0], nil
}

func (db *DB) ListProposals(ctx context.Context, caseID int64) ([]store.Proposal, error) {
	ps, err := db.proposals(ctx, `p.case_id = $1`, caseID)
	return ps, db.wrap("list proposals", err)
}

func (db *DB) proposals(ctx context.Context, where string, arg int64) ([]store.Proposal, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT p.id, p.case_id, p.channel, p.terms, p.note, p.status, p.created_by, p.created_at,
		COALESCE(a.party, ''), COALESCE(a.answer, ''), COALESCE(a.counter, ''), a.answered_at
		FROM proposals p LEFT JOIN proposal_answers a ON a.proposal_id = p.id WHERE `+where+` ORDER BY p.id, a.answered_at`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Proposal
	for rows.Next() {
		var p store.Proposal
		var terms string
		var a store.ProposalAnswer
		var at sql.NullTime
		if err := rows.Scan(&p.ID, &p.CaseID, &p.Channel, &terms, &p.Note, &p.Status, &p.CreatedBy, &p.Created,
			&a.Party, &a.Answer, &a.Counter, &at); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ID != p.ID {
			if err := json.Unmarshal([]byte(terms), &p.Terms); err != nil {
				return nil, fmt.Errorf("proposal %d terms: %w", p.ID, err)
			}
			p.Created = p.Created.UTC()
			out = append(out, p)
		}
		if a.Party != "" {
			a.At = at.Time.UTC()
			out[len(out)-1].Answers = append(out[len(out)-1].Answers, a)
		}
	}
	return out, rows.Err()
}

func (db *DB) AnswerProposal(ctx context.Context, id int64, a store.ProposalAnswer, needed int, m *store.Message) (store.Proposal, error) {
	err := db.tx(ctx, "answer proposal", func(tx *wtx) error {
		tx.about("proposal", id)
		// Touching the row first takes its lock (PostgreSQL), so two parties
		// answering at once count each other's accept.
		res, err := tx.ExecContext(ctx, `UPDATE proposals SET status = status WHERE id = $1 AND status = 'open'`, id)
		if err := mustAffect(res, err); err != nil {
			var exists int
			if tx.QueryRowContext(ctx, `SELECT 1 FROM proposals WHERE id = $1`, id).Scan(&exists) == nil {
				return store.ErrConflict // no longer open
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_answers (proposal_id, party, answer, counter, answered_at) VALUES ($1, $2, $3, $4, $5)`,
			id, a.Party, a.Answer, a.Counter, a.At.UTC()); err != nil {
			return err
		}
		status := ""
		if a.Answer == "counter" {
			status = "countered"
		} else {
			var accepted int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposal_answers WHERE proposal_id = $1 AND answer = 'accept'`, id).Scan(&accepted); err != nil {
				return err
			}
			if accepted >= needed {
				status = "accepted"
			}
		}
		if status != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE proposals SET status = $1 WHERE id = $2`, status, id); err != nil {
				return err
			}
		}
		m.ProposalID = id
		return addMessage(ctx, tx, m)
	})
	if err != nil {
		return store.Proposal{}, err
	}
	return db.GetProposal(ctx, id)
}

func (db *DB) ConfirmRecord(ctx context.Context, c store.RecordConfirmation) error {
	_, err := db.write().ExecContext(ctx, `INSERT INTO record_confirmations (session_id, party, method, evidence_id, recorded_by, at) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.SessionID, c.Party, c.Method, nullInt(c.EvidenceID), nullInt(c.RecordedBy), c.At.UTC())
	return db.wrap("confirm record", err)
}

func (db *DB) ListRecordConfirmations(ctx context.Context, caseID int64) ([]store.RecordConfirmation, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT r.session_id, r.party, r.method, COALESCE(r.evidence_id, 0), COALESCE(r.recorded_by, 0), r.at
		FROM record_confirmations r JOIN mediation_sessions s ON s.id = r.session_id WHERE s.case_id = $1 ORDER BY r.session_id, r.party`, caseID)
	if err != nil {
		return nil, db.wrap("list record confirmations", err)
	}
	defer rows.Close()
	var out []store.RecordConfirmation
	for rows.Next() {
		var c store.RecordConfirmation
		if err := rows.Scan(&c.SessionID, &c.Party, &c.Method, &c.EvidenceID, &c.RecordedBy, &c.At); err != nil {
			return nil, db.wrap("scan record confirmation", err)
		}
		c.At = c.At.UTC()
		out = append(out, c)
	}
	return out, db.wrap("list record confirmations", rows.Err())
}

func (db *DB) AddCaseMediator(ctx context.Context, caseID, expectVersion, userID, by int64, remove bool, ev store.Event) (store.Case, error) {
	err := db.tx(ctx, "add case mediator", func(tx *wtx) error {
		if err := applyChange(ctx, tx, caseID, expectVersion, store.CaseChange{}, &ev); err != nil {
			return err
		}
		if remove {
			res, err := tx.ExecContext(ctx, `DELETE FROM case_mediators WHERE case_id = $1 AND user_id = $2 AND presiding = $3`, caseID, userID, false)
			return mustAffect(res, err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_mediators WHERE case_id = $1 AND user_id = $2`, caseID, userID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return store.ErrConflict
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO case_mediators (case_id, user_id, presiding, assigned_by, assigned_at) VALUES ($1, $2, $3, $4, $5)`,
			caseID, userID, false, nullInt(by), time.Now().UTC())
		return err
	})
	if err != nil {
		return store.Case{}, err
	}
	return db.GetCase(ctx, caseID)
}
