-- The related-issues index (helper Rel): maintainers' duplicate verdicts, on both backends; the index's own
-- tables are in 0100_related_index.sqlite.sql and .postgres.sql.
CREATE TABLE IF NOT EXISTS related_links (
    repo TEXT NOT NULL,
    number INTEGER NOT NULL,
    other INTEGER NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('duplicate', 'not-duplicate')),
    by_login TEXT NOT NULL DEFAULT '',
    at DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (repo, number, other)
);
