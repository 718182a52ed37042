-- Per-issue triage state (sticky comment, label provenance, human comments), comment dedupe, retries (issue 5).
CREATE TABLE issue_state (
    repo TEXT NOT NULL,
    number BIGINT NOT NULL,
    comment_id BIGINT,
    comment_body TEXT,
    bot_applied TEXT NOT NULL DEFAULT '[]',
    human_added TEXT NOT NULL DEFAULT '[]',
    human_removed TEXT NOT NULL DEFAULT '[]',
    comments TEXT NOT NULL DEFAULT '[]',
    decision TEXT,
    updated_at DOUBLE PRECISION,
    PRIMARY KEY (repo, number)
);
CREATE TABLE seen_comments (
    repo TEXT NOT NULL,
    comment_id BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (repo, comment_id, updated_at)
);
