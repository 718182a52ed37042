-- postgres: the related-issues index's tables (helper Rel). The lexical index itself is SQLite FTS5 for now: on
-- PostgreSQL the bot keeps maintainers' duplicate verdicts here and in the overrides, and does not rank (logged).
CREATE TABLE IF NOT EXISTS related_docs (
    id BIGSERIAL PRIMARY KEY,
    repo TEXT NOT NULL,
    number INTEGER NOT NULL,
    doc TEXT NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL DEFAULT 0,
    UNIQUE (repo, number)
);
CREATE TABLE IF NOT EXISTS related_df (
    term TEXT PRIMARY KEY,
    df INTEGER NOT NULL
);
