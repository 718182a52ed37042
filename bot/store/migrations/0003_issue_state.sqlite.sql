-- sqlite: the retries table (AUTOINCREMENT); the rest is 0003_issue_state.sql.
CREATE TABLE retries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repo TEXT NOT NULL,
    number INTEGER,
    delivery_id TEXT,
    event TEXT NOT NULL,
    error TEXT NOT NULL,
    at REAL NOT NULL
);
