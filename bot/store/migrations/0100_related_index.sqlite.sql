-- sqlite: the related-issues index (helper Rel). One row per indexed issue (never a pull request), its tokens in FTS5.
CREATE TABLE IF NOT EXISTS related_docs (
    id INTEGER PRIMARY KEY,
    repo TEXT NOT NULL,
    number INTEGER NOT NULL,
    doc TEXT NOT NULL,
    updated_at REAL NOT NULL DEFAULT 0,
    UNIQUE (repo, number)
);
CREATE VIRTUAL TABLE IF NOT EXISTS related_fts USING fts5(
    title, body, err, code, tokenize="unicode61 tokenchars '_.-'"
);
CREATE TABLE IF NOT EXISTS related_df (
    term TEXT PRIMARY KEY,
    df INTEGER NOT NULL
) WITHOUT ROWID;
