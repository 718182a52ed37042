-- Backfill (issue 16): one stored decision per issue for reports, resumable list checkpoints, page ETags.
CREATE TABLE IF NOT EXISTS backfill_issues (
    repo TEXT NOT NULL,
    number INTEGER NOT NULL,
    state TEXT NOT NULL,
    title TEXT NOT NULL,
    html_url TEXT,
    created_at TEXT,
    updated_at TEXT,
    digest TEXT NOT NULL,
    symptom TEXT,
    root_cause TEXT,
    stage TEXT,
    summary TEXT NOT NULL,
    decision TEXT NOT NULL,
    applied TEXT NOT NULL DEFAULT 'none',
    triaged_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (repo, number)
);
CREATE TABLE IF NOT EXISTS backfill_checkpoints (
    repo TEXT NOT NULL,
    query TEXT NOT NULL,
    next_url TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    finished_at DOUBLE PRECISION,
    updated_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (repo, query)
);
CREATE TABLE IF NOT EXISTS backfill_pages (
    repo TEXT NOT NULL,
    url TEXT NOT NULL,
    etag TEXT NOT NULL,
    next_url TEXT,
    applied TEXT NOT NULL DEFAULT 'none',
    PRIMARY KEY (repo, url)
);
