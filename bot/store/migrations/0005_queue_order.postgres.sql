-- The queue read in claim order: claim_next walks the open deliveries by (received_at, seq) and stops at the first
-- one it may take. The index it replaces, on (status, received_at), made PostgreSQL gather every open entry (those of
-- rows already done too, until vacuum: a bitmap scan never marks them dead) and sort them on every claim.
CREATE INDEX deliveries_queue ON deliveries (received_at, seq) WHERE status IN ('pending', 'running');
DROP INDEX deliveries_open;
