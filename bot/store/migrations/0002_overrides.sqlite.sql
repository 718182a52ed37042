-- Human overrides of the bot's labels, one row per override, with the issue text for training (issue 6).
CREATE TABLE overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repo TEXT NOT NULL,
    number INTEGER NOT NULL,
    dimension TEXT NOT NULL,
    record TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX overrides_issue ON overrides (repo, number, id);
CREATE TABLE command_runs (
    repo TEXT NOT NULL,
    comment_id INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (repo, comment_id, updated_at)
);
