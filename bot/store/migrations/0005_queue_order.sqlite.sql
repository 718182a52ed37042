-- The same index as PostgreSQL's (every SQLite index ends with the rowid, the queue's tie-break): SQLite removes a
-- row's old index entries at once, so here it only keeps the two schemas alike.
CREATE INDEX deliveries_queue ON deliveries (received_at) WHERE status IN ('pending', 'running');
DROP INDEX deliveries_open;
