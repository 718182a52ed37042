-- Per-issue triage state (sticky comment, label provenance, human comments), comment dedupe, retries (issue 5).
CREATE TABLE issue_state (
    repo TEXT NOT NULL,
    number INTEGER NOT NULL,
    comment_id INTEGER,
    comment_body TEXT,
    bot_applied TEXT NOT NULL DEFAULT '[]',
    human_added TEXT NOT NULL DEFAULT '[]',
    human_removed TEXT NOT NULL DEFAULT '[]',
    comments TEXT NOT NULL DEFAULT '[]',
    decision TEXT,
    updated_at REAL,
    PRIMARY KEY (repo, number)
);
CREATE TABLE seen_comments (
    repo TEXT NOT NULL,
    comment_id INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (repo, comment_id, updated_at)
);
CREATE TABLE retries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repo TEXT NOT NULL,
    number INTEGER,
    delivery_id TEXT,
    event TEXT NOT NULL,
    error TEXT NOT NULL,
    at REAL NOT NULL
);
