-- +goose Up
-- 购买服务 (internal/contracting): contracts by which the market-regulation
-- bureau buys mediation services from a provider (targets in evaluation
-- terms, deduction rules as JSON) or an enterprise pays per case for its
-- enterprise room; and each service contract's quarterly assessments, one
-- row per revision, the computed figures kept as a JSON snapshot. A
-- confirmed revision is never changed: a recomputation is a new revision.
CREATE TABLE contracts (
    id              BIGSERIAL PRIMARY KEY,
    kind            TEXT NOT NULL,
    number          TEXT NOT NULL,
    title           TEXT NOT NULL,
    district_id     BIGINT NOT NULL REFERENCES org_units (id),
    committee_id    BIGINT NOT NULL REFERENCES org_units (id),
    buyer_org_id    BIGINT REFERENCES org_units (id),
    buyer_name      TEXT NOT NULL,
    provider_org_id BIGINT REFERENCES org_units (id),
    provider_name   TEXT NOT NULL,
    room_id         BIGINT REFERENCES org_units (id),
    merchant_id     BIGINT REFERENCES merchants (id),
    period_from     TEXT NOT NULL,
    period_to       TEXT NOT NULL,
    amount_fen      BIGINT NOT NULL DEFAULT 0,
    price_fen       BIGINT NOT NULL DEFAULT 0,
    scope           TEXT NOT NULL DEFAULT '',
    targets         TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL,
    created_by      BIGINT,
    creator         TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX contracts_number ON contracts (number);
CREATE INDEX contracts_district ON contracts (district_id, period_from);

CREATE TABLE contract_assessments (
    id              BIGSERIAL PRIMARY KEY,
    contract_id     BIGINT NOT NULL REFERENCES contracts (id),
    quarter         TEXT NOT NULL,
    revision        INTEGER NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    snapshot        TEXT NOT NULL,
    base_fen        BIGINT NOT NULL,
    deductions_fen  BIGINT NOT NULL,
    due_fen         BIGINT NOT NULL,
    status          TEXT NOT NULL,
    computed_by     BIGINT,
    computed_name   TEXT NOT NULL DEFAULT '',
    computed_at     TIMESTAMPTZ NOT NULL,
    confirmed_by    BIGINT,
    confirmed_name  TEXT NOT NULL DEFAULT '',
    confirmed_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX contract_assessments_revision ON contract_assessments (contract_id, quarter, revision);

-- +goose Down
DROP TABLE contract_assessments;
DROP TABLE contracts;
