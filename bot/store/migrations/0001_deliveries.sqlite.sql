-- Every delivery acknowledged; the row is the durable queue entry until it is done or failed.
CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    event TEXT NOT NULL,
    action TEXT,
    payload TEXT NOT NULL,
    received_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at REAL
);
CREATE INDEX deliveries_open ON deliveries (status, received_at) WHERE status IN ('pending', 'running');
