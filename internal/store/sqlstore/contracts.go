package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) CreateContract(ctx context.Context, c *store.Contract) error {
	if c.Created.IsZero() {
		c.Created = time.Now()
	}
	c.Created = c.Created.UTC()
	c.Updated = c.Created
	if c.Targets == "" {
		c.Targets = "[]"
	}
	return db.tx(ctx, "create contract", func(t *wtx) error {
		t.about("org", c.CommitteeID)
		return t.QueryRowContext(ctx, `INSERT INTO contracts (kind, number, title, district_id, committee_id, buyer_org_id, buyer_name,
			provider_org_id, provider_name, room_id, merchant_id, period_from, period_to, amount_fen, price_fen, scope, targets, status,
			created_by, creator, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id`,
			c.Kind, c.Number, c.Title, c.DistrictID, c.CommitteeID, nullInt(c.BuyerOrgID), c.BuyerName, nullInt(c.ProviderOrgID), c.ProviderName,
			nullInt(c.RoomID), nullInt(c.MerchantID), c.PeriodFrom, c.PeriodTo, c.AmountFen, c.PriceFen, c.Scope, c.Targets, c.Status,
			nullInt(c.CreatedBy), c.Creator, c.Created, c.Updated).Scan(&c.ID)
	})
}

const contractCols = `id, kind, number, title, district_id, committee_id, COALESCE(buyer_org_id, 0), buyer_name, COALESCE(provider_org_id, 0),
	provider_name, COALESCE(room_id, 0), COALESCE(merchant_id, 0), period_from, period_to, amount_fen, price_fen, scope, targets, status,
	COALESCE(created_by, 0), creator, created_at, updated_at`

func scanContract(r interface{ Scan(...any) error }) (store.Contract, error) {
	var c store.Contract
	err := r.Scan(&c.ID, &c.Kind, &c.Number, &c.Title, &c.DistrictID, &c.CommitteeID, &c.BuyerOrgID, &c.BuyerName, &c.ProviderOrgID,
		&c.ProviderName, &c.RoomID, &c.MerchantID, &c.PeriodFrom, &c.PeriodTo, &c.AmountFen, &c.PriceFen, &c.Scope, &c.Targets, &c.Status,
		&c.CreatedBy, &c.Creator, &c.Created, &c.Updated)
	c.Created, c.Updated = c.Created.UTC(), c.Updated.UTC()
	return c, err
}

func (db *DB) GetContract(ctx context.Context, id int64) (store.Contract, error) {
	c, err := scanContract(db.read().QueryRowContext(ctx, `SELECT `+contractCols+` FROM contracts WHERE id = $1`, id))
	return c, db.wrap("get contract", err)
}

func (db *DB) ListContracts(ctx context.Context, q store.ContractQuery) ([]store.Contract, error) {
	where := committeeIn("district_id", q.DistrictIDs)
	var args []any
	if q.Kind != "" {
		args = append(args, q.Kind)
		where += " AND kind = $1"
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+contractCols+` FROM contracts WHERE `+where+` ORDER BY period_from DESC, id DESC`, args...)
	if err != nil {
		return nil, db.wrap("list contracts", err)
	}
	defer rows.Close()
	var out []store.Contract
	for rows.Next() {
		c, err := scanContract(rows)
		if err != nil {
			return nil, db.wrap("scan contract", err)
		}
		out = append(out, c)
	}
	return out, db.wrap("list contracts", rows.Err())
}

func (db *DB) SetContractStatus(ctx context.Context, id int64, from, to string, at time.Time) error {
	return db.tx(ctx, "set contract status", func(t *wtx) error {
		t.about("contract", id)
		res, err := t.ExecContext(ctx, `UPDATE contracts SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`, to, at.UTC(), id, from)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := db.getContractTx(ctx, t, id); err != nil {
				return err
			}
			return fmt.Errorf("contract %d is not %s: %w", id, from, store.ErrConflict)
		}
		return nil
	})
}

func (db *DB) getContractTx(ctx context.Context, t *wtx, id int64) (store.Contract, error) {
	return scanContract(t.QueryRowContext(ctx, `SELECT `+contractCols+` FROM contracts WHERE id = $1`, id))
}

func (db *DB) AddAssessment(ctx context.Context, a *store.ContractAssessment) error {
	if a.ComputedAt.IsZero() {
		a.ComputedAt = time.Now()
	}
	a.ComputedAt = a.ComputedAt.UTC()
	return db.tx(ctx, "add contract assessment", func(t *wtx) error {
		t.about("contract", a.ContractID)
		return t.QueryRowContext(ctx, `INSERT INTO contract_assessments (contract_id, quarter, revision, reason, snapshot, base_fen, deductions_fen,
			due_fen, status, computed_by, computed_name, computed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			a.ContractID, a.Quarter, a.Revision, a.Reason, a.Snapshot, a.BaseFen, a.DeductionsFen, a.DueFen, a.Status,
			nullInt(a.ComputedBy), a.ComputedName, a.ComputedAt).Scan(&a.ID)
	})
}

func (db *DB) RecomputeAssessment(ctx context.Context, a store.ContractAssessment) error {
	return db.tx(ctx, "recompute contract assessment", func(t *wtx) error {
		t.about("contract", a.ContractID)
		res, err := t.ExecContext(ctx, `UPDATE contract_assessments SET snapshot = $1, base_fen = $2, deductions_fen = $3, due_fen = $4,
			computed_by = $5, computed_name = $6, computed_at = $7 WHERE id = $8 AND status = $9`,
			a.Snapshot, a.BaseFen, a.DeductionsFen, a.DueFen, nullInt(a.ComputedBy), a.ComputedName, a.ComputedAt.UTC(), a.ID, store.AssessmentDraft)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("assessment %d is not a draft: %w", a.ID, store.ErrConflict)
		}
		return nil
	})
}

func (db *DB) ConfirmAssessment(ctx context.Context, id, by int64, byName string, at time.Time) error {
	return db.tx(ctx, "confirm contract assessment", func(t *wtx) error {
		t.about("contract_assessment", id)
		res, err := t.ExecContext(ctx, `UPDATE contract_assessments SET status = $1, confirmed_by = $2, confirmed_name = $3, confirmed_at = $4
			WHERE id = $5 AND status = $6`, store.AssessmentConfirmed, nullInt(by), byName, at.UTC(), id, store.AssessmentDraft)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var one int
			if err := t.QueryRowContext(ctx, `SELECT 1 FROM contract_assessments WHERE id = $1`, id).Scan(&one); err != nil {
				return err
			}
			return fmt.Errorf("assessment %d is not a draft: %w", id, store.ErrConflict)
		}
		return nil
	})
}

const assessmentCols = `id, contract_id, quarter, revision, reason, snapshot, base_fen, deductions_fen, due_fen, status,
	COALESCE(computed_by, 0), computed_name, computed_at, COALESCE(confirmed_by, 0), confirmed_name, confirmed_at`

func scanAssessment(r interface{ Scan(...any) error }) (store.ContractAssessment, error) {
	var a store.ContractAssessment
	var conf sql.NullTime
	err := r.Scan(&a.ID, &a.ContractID, &a.Quarter, &a.Revision, &a.Reason, &a.Snapshot, &a.BaseFen, &a.DeductionsFen, &a.DueFen, &a.Status,
		&a.ComputedBy, &a.ComputedName, &a.ComputedAt, &a.ConfirmedBy, &a.ConfirmedName, &conf)
	a.ComputedAt = a.ComputedAt.UTC()
	a.ConfirmedAt = timePtr(conf)
	if a.ConfirmedAt != nil {
		u := a.ConfirmedAt.UTC()
		a.ConfirmedAt = &u
	}
	return a, err
}

func (db *DB) GetAssessment(ctx context.Context, id int64) (store.ContractAssessment, error) {
	a, err := scanAssessment(db.read().QueryRowContext(ctx, `SELECT `+assessmentCols+` FROM contract_assessments WHERE id = $1`, id))
	return a, db.wrap("get contract assessment", err)
}

func (db *DB) ListAssessments(ctx context.Context, contractID int64) ([]store.ContractAssessment, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT `+assessmentCols+` FROM contract_assessments WHERE contract_id = $1 ORDER BY quarter, revision`, contractID)
	if err != nil {
		return nil, db.wrap("list contract assessments", err)
	}
	defer rows.Close()
	var out []store.ContractAssessment
	for rows.Next() {
		a, err := scanAssessment(rows)
		if err != nil {
			return nil, db.wrap("scan contract assessment", err)
		}
		out = append(out, a)
	}
	return out, db.wrap("list contract assessments", rows.Err())
}
