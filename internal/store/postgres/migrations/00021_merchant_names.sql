-- +goose Up
-- A merchant without a credit code is known by its exact name: one row per
-- name, so two complaints registered at once against a new merchant find the
-- same row (an upsert) instead of making two. Twins made before are folded
-- into the oldest row first.
CREATE TEMPORARY TABLE merchant_twins AS
SELECT m.id AS twin, (SELECT MIN(k.id) FROM merchants k WHERE k.name = m.name AND k.credit_code IS NULL) AS keep
FROM merchants m WHERE m.credit_code IS NULL;
DELETE FROM merchant_twins WHERE twin = keep;
UPDATE cases SET merchant_id = (SELECT keep FROM merchant_twins WHERE twin = cases.merchant_id)
WHERE merchant_id IN (SELECT twin FROM merchant_twins);
UPDATE parties SET merchant_id = (SELECT keep FROM merchant_twins WHERE twin = parties.merchant_id)
WHERE merchant_id IN (SELECT twin FROM merchant_twins);
UPDATE case_groups SET merchant_id = (SELECT keep FROM merchant_twins WHERE twin = case_groups.merchant_id)
WHERE merchant_id IN (SELECT twin FROM merchant_twins);
INSERT INTO room_merchants (room_id, merchant_id)
SELECT rm.room_id, t.keep FROM room_merchants rm JOIN merchant_twins t ON t.twin = rm.merchant_id WHERE 1 = 1
ON CONFLICT DO NOTHING;
DELETE FROM room_merchants WHERE merchant_id IN (SELECT twin FROM merchant_twins);
DELETE FROM merchants WHERE id IN (SELECT twin FROM merchant_twins);
DROP TABLE merchant_twins;
CREATE UNIQUE INDEX merchants_name_nocode ON merchants(name) WHERE credit_code IS NULL;

-- +goose Down
DROP INDEX merchants_name_nocode;
