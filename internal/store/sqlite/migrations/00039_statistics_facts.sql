-- +goose Up
-- Statistics facts (issue 15): the rollups gain what the official forms
-- count — parties of accepted cases (and cases with three or more), agreed
-- mental-damage and punitive amounts, prevention effects recorded at
-- closure, judicial applications and annulments, violation leads. Every
-- case is queued for the catch-up, which adds what each case now
-- contributes beyond what it added before (the new counters start at 0).
ALTER TABLE eval_day ADD COLUMN parties BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day ADD COLUMN parties3 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day ADD COLUMN mental_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day ADD COLUMN punitive_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day ADD COLUMN prev_escalation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day ADD COLUMN prev_suicide BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day ADD COLUMN prev_criminal BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day ADD COLUMN prev_petition BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day ADD COLUMN prev_incident BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day ADD COLUMN judicial_applied BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day ADD COLUMN annulled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day ADD COLUMN leads BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day_unit ADD COLUMN parties BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day_unit ADD COLUMN parties3 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day_unit ADD COLUMN mental_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day_unit ADD COLUMN punitive_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day_unit ADD COLUMN prev_escalation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day_unit ADD COLUMN prev_suicide BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day_unit ADD COLUMN prev_criminal BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day_unit ADD COLUMN prev_petition BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day_unit ADD COLUMN prev_incident BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day_unit ADD COLUMN judicial_applied BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day_unit ADD COLUMN annulled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_day_unit ADD COLUMN leads BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_month ADD COLUMN parties BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_month ADD COLUMN parties3 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_month ADD COLUMN mental_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_month ADD COLUMN punitive_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_month ADD COLUMN prev_escalation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_month ADD COLUMN prev_suicide BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_month ADD COLUMN prev_criminal BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_month ADD COLUMN prev_petition BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_month ADD COLUMN prev_incident BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_month ADD COLUMN judicial_applied BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_month ADD COLUMN annulled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE eval_month ADD COLUMN leads BIGINT NOT NULL DEFAULT 0;
INSERT INTO eval_dirty (case_id) SELECT id FROM cases WHERE id NOT IN (SELECT case_id FROM eval_dirty);

-- +goose Down
ALTER TABLE eval_day DROP COLUMN parties;
ALTER TABLE eval_day DROP COLUMN parties3;
ALTER TABLE eval_day DROP COLUMN mental_fen;
ALTER TABLE eval_day DROP COLUMN punitive_fen;
ALTER TABLE eval_day DROP COLUMN prev_escalation;
ALTER TABLE eval_day DROP COLUMN prev_suicide;
ALTER TABLE eval_day DROP COLUMN prev_criminal;
ALTER TABLE eval_day DROP COLUMN prev_petition;
ALTER TABLE eval_day DROP COLUMN prev_incident;
ALTER TABLE eval_day DROP COLUMN judicial_applied;
ALTER TABLE eval_day DROP COLUMN annulled;
ALTER TABLE eval_day DROP COLUMN leads;
ALTER TABLE eval_day_unit DROP COLUMN parties;
ALTER TABLE eval_day_unit DROP COLUMN parties3;
ALTER TABLE eval_day_unit DROP COLUMN mental_fen;
ALTER TABLE eval_day_unit DROP COLUMN punitive_fen;
ALTER TABLE eval_day_unit DROP COLUMN prev_escalation;
ALTER TABLE eval_day_unit DROP COLUMN prev_suicide;
ALTER TABLE eval_day_unit DROP COLUMN prev_criminal;
ALTER TABLE eval_day_unit DROP COLUMN prev_petition;
ALTER TABLE eval_day_unit DROP COLUMN prev_incident;
ALTER TABLE eval_day_unit DROP COLUMN judicial_applied;
ALTER TABLE eval_day_unit DROP COLUMN annulled;
ALTER TABLE eval_day_unit DROP COLUMN leads;
ALTER TABLE eval_month DROP COLUMN parties;
ALTER TABLE eval_month DROP COLUMN parties3;
ALTER TABLE eval_month DROP COLUMN mental_fen;
ALTER TABLE eval_month DROP COLUMN punitive_fen;
ALTER TABLE eval_month DROP COLUMN prev_escalation;
ALTER TABLE eval_month DROP COLUMN prev_suicide;
ALTER TABLE eval_month DROP COLUMN prev_criminal;
ALTER TABLE eval_month DROP COLUMN prev_petition;
ALTER TABLE eval_month DROP COLUMN prev_incident;
ALTER TABLE eval_month DROP COLUMN judicial_applied;
ALTER TABLE eval_month DROP COLUMN annulled;
ALTER TABLE eval_month DROP COLUMN leads;
