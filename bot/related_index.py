"""The persistent related-issues index: per-repo issue records in SQLite with their tokens in FTS5 (BM25)."""

from __future__ import annotations

import asyncio
import json
import math
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.core.related.doc import Doc

COLUMNS = ("title", "body", "err", "code")
BM25_WEIGHTS = (3.0, 1.0, 2.0, 0.5)
"""Column weights for FTS5's bm25(): the title and the error column say most."""
MAX_TERMS = 32
"""Query terms sent to FTS5: the rarest of the issue's tokens (bounded lookup time)."""
MAX_DF_SHARE = 0.01
MIN_DF_CAP = 500
"""Tokens in more than max(MIN_DF_CAP, MAX_DF_SHARE * issues) issues are left out of the query: they say little
and their long posting lists are what a lookup spends its time on."""
MAX_POSTINGS = 20_000
"""The query's terms are the rarest ones until their document frequencies add up to this (bounded FTS5 work)."""
CANDIDATES = 50
_SELF = -1
"""The rowid a query is inserted under, inside a rolled-back savepoint, to score it against itself."""


def schema() -> str:
    """The SQLite SQL of migration 0100 (the store applies it to its database; the offline CLI to its own)."""
    from bot.store import schema as migrations

    return dict(migrations.migrations("sqlite"))["0100_related_index"]


class RelatedIndex:
    """Index issues and find the related ones, on one SQLite connection (not thread-safe: one user at a time)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        conn.executescript(schema())

    @classmethod
    def open(cls, path: str | Path = ":memory:") -> "RelatedIndex":
        """An index in a SQLite file (or in memory)."""
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        if str(path) != ":memory:":
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=5000")
        return cls(conn)

    # ---- writes -----------------------------------------------------------------------------------------------

    @contextmanager
    def _writing(self, keep: bool = True) -> Iterator[None]:
        """A write transaction: BEGIN IMMEDIATE (so waiting for another writer honours the busy timeout, where a
        read lock upgraded later would fail at once), or a savepoint inside the caller's; rolled back unless `keep`."""
        c = self.conn
        nested = c.in_transaction
        c.execute("SAVEPOINT related" if nested else "BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            keep = False
            raise
        finally:
            if nested:
                if not keep:
                    c.execute("ROLLBACK TO related")
                c.execute("RELEASE related")
            else:
                c.execute("COMMIT" if keep else "ROLLBACK")

    def upsert(self, repo: str, doc: Doc, at: float = 0.0) -> None:
        """Index (or re-index) one issue."""
        c = self.conn
        with self._writing():
            self._delete(repo, doc.number)
            self._df(_distinct(doc), +1)
            cur = c.execute("INSERT INTO related_docs (repo, number, doc, updated_at) VALUES (?, ?, ?, ?)",
                            (repo, doc.number, json.dumps(doc.to_json(), ensure_ascii=False), at))
            c.execute("INSERT INTO related_fts (rowid, title, body, err, code) VALUES (?, ?, ?, ?, ?)",
                      (cur.lastrowid, *(doc.cols.get(k, "") for k in COLUMNS)))

    def remove(self, repo: str, number: int) -> None:
        """Drop an issue from the index (a transferred or deleted issue)."""
        with self._writing():
            self._delete(repo, number)

    def _delete(self, repo: str, number: int) -> None:
        """Delete an issue's rows if any."""
        row = self.conn.execute("SELECT id, doc FROM related_docs WHERE repo = ? AND number = ?",
                                (repo, number)).fetchone()
        if row:
            self._df(_distinct(Doc.from_json(json.loads(row[1]))), -1)
            self.conn.execute("DELETE FROM related_fts WHERE rowid = ?", row[:1])
            self.conn.execute("DELETE FROM related_docs WHERE id = ?", row[:1])

    def _df(self, terms: list[str], delta: int) -> None:
        """Add delta to the document frequency of each term (FTS5's own counts cost a posting-list scan)."""
        if delta > 0:
            self.conn.executemany("INSERT INTO related_df (term, df) VALUES (?, 1) "
                                  "ON CONFLICT (term) DO UPDATE SET df = df + 1", [(t,) for t in terms])
        else:
            self.conn.executemany("UPDATE related_df SET df = df - 1 WHERE term = ?", [(t,) for t in terms])

    def set_link(self, repo: str, number: int, other: int, verdict: str, by: str = "", at: float = 0.0) -> None:
        """Record a maintainer's verdict on a pair: duplicate, or not-duplicate (that link is hidden for good)."""
        self.conn.execute("INSERT OR REPLACE INTO related_links (repo, number, other, verdict, by_login, at) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (repo, number, other, verdict, by, at))

    # ---- reads ------------------------------------------------------------------------------------------------

    def links(self, repo: str, number: int) -> dict[int, str]:
        """The maintainers' verdicts for an issue: other number -> duplicate / not-duplicate."""
        rows = self.conn.execute("SELECT other, verdict FROM related_links WHERE repo = ? AND number = ?",
                                 (repo, number)).fetchall()
        return {int(o): v for o, v in rows}

    def all_links(self) -> list[dict]:
        """Every verdict, for export with the overrides."""
        rows = self.conn.execute("SELECT repo, number, other, verdict, by_login, at FROM related_links "
                                 "ORDER BY at, repo, number").fetchall()
        return [{"repo": r, "number": n, "other": o, "verdict": v, "by": b, "at": a} for r, n, o, v, b, a in rows]

    def count(self, repo: str | None = None) -> int:
        """The number of issues indexed (in one repo, or all)."""
        if repo is None:
            return self.conn.execute("SELECT count(*) FROM related_docs").fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM related_docs WHERE repo = ?", (repo,)).fetchone()[0]

    def get(self, repo: str, number: int) -> Doc | None:
        """The stored record of an issue."""
        row = self.conn.execute("SELECT doc FROM related_docs WHERE repo = ? AND number = ?",
                                (repo, number)).fetchone()
        return Doc.from_json(json.loads(row[0])) if row else None

    def _terms(self, doc: Doc) -> tuple[list[str], dict[str, float]]:
        """The query's rarest indexed tokens (fingerprints first) within MAX_TERMS and MAX_POSTINGS, and every
        token's idf."""
        toks = _distinct(doc)
        if not toks:
            return [], {}
        n = max(1, self.conn.execute("SELECT max(id) FROM related_docs").fetchone()[0] or 1)
        df: dict[str, int] = {}
        for i in range(0, len(toks), 500):
            chunk = toks[i:i + 500]
            q = "SELECT term, df FROM related_df WHERE term IN (%s) AND df > 0" % ",".join("?" * len(chunk))
            df.update(self.conn.execute(q, chunk).fetchall())
        cap = max(MIN_DF_CAP, MAX_DF_SHARE * n)
        usable = sorted((t for t, d in df.items() if d <= cap), key=lambda t: (not t.startswith(("fp_", "fn_", "el_")),
                                                                           df[t], t))
        terms, postings = [], 0
        for t in usable[:MAX_TERMS]:
            postings += df[t]
            if postings > MAX_POSTINGS and terms:
                break
            terms.append(t)
        idf = {t: math.log(1 + (n - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in toks}
        return terms, idf

    def lookup(self, repo: str, doc: Doc, limit: int = CANDIDATES) -> tuple[list[tuple[Doc, float]], dict[str, float]]:
        """Candidates from the same repo with their BM25 score relative to the query's score against itself, and
        the idf of the query's tokens."""
        terms, idf = self._terms(doc)
        if not terms:
            return [], idf
        match = " OR ".join('"%s"' % t.replace('"', '""') for t in terms)
        weights = ", ".join(map(str, BM25_WEIGHTS))
        c = self.conn
        with self._writing(keep=False):  # the query is inserted to score it against itself, then rolled back
            c.execute("INSERT INTO related_fts (rowid, title, body, err, code) VALUES (?, ?, ?, ?, ?)",
                      (_SELF, *(doc.cols.get(k, "") for k in COLUMNS)))
            # one scoring pass: the query's own row first (its score is the scale), then the best of the others
            rows = c.execute(
                f"SELECT f.id, f.s, d.doc FROM (SELECT rowid AS id, bm25(related_fts, {weights}) AS s "
                "FROM related_fts WHERE related_fts MATCH ? ORDER BY rowid = ? DESC, s LIMIT ?) AS f "
                "LEFT JOIN related_docs AS d ON d.id = f.id AND d.repo = ? WHERE f.id = ? OR d.doc IS NOT NULL "
                "ORDER BY f.id = ? DESC, f.s", (match, _SELF, limit * 4 + 2, repo, _SELF, _SELF)).fetchall()
        own = 0.0
        if rows and rows[0][0] == _SELF:
            own, rows = rows[0][1], rows[1:]
        best = -own if own < 0 else 0.0
        out = []
        for _, s, raw in rows[:limit + 1]:
            d = Doc.from_json(json.loads(raw))
            out.append((d, (-s / best) if best > 0 else 0.0))
        return out, idf


def _distinct(doc: Doc) -> list[str]:
    """The distinct tokens of a doc's indexed columns, sorted."""
    return sorted({t for k in COLUMNS for t in doc.cols.get(k, "").split()[:2000]})


class RelatedStore:
    """The index behind an async interface (each call runs in a worker thread, one at a time)."""

    def __init__(self, index: RelatedIndex):
        self.index = index
        self._lock = asyncio.Lock()

    @classmethod
    def open(cls, path: str | Path) -> "RelatedStore":
        """A store over a SQLite file."""
        return cls(RelatedIndex.open(path))

    async def _run(self, fn, *args):
        """Run one index call off the event loop."""
        async with self._lock:
            return await asyncio.to_thread(fn, *args)

    async def upsert(self, repo: str, doc: Doc, at: float = 0.0) -> None:
        """See RelatedIndex.upsert."""
        await self._run(self.index.upsert, repo, doc, at)

    async def lookup(self, repo: str, doc: Doc, limit: int = CANDIDATES
                     ) -> tuple[list[tuple[Doc, float]], dict[str, float]]:
        """See RelatedIndex.lookup."""
        return await self._run(self.index.lookup, repo, doc, limit)

    async def links(self, repo: str, number: int) -> dict[int, str]:
        """See RelatedIndex.links."""
        return await self._run(self.index.links, repo, number)

    async def set_link(self, repo: str, number: int, other: int, verdict: str, by: str = "", at: float = 0.0) -> None:
        """See RelatedIndex.set_link."""
        await self._run(self.index.set_link, repo, number, other, verdict, by, at)

    async def all_links(self) -> list[dict]:
        """See RelatedIndex.all_links."""
        return await self._run(self.index.all_links)

    async def remove(self, repo: str, number: int) -> None:
        """See RelatedIndex.remove."""
        await self._run(self.index.remove, repo, number)

    async def get(self, repo: str, number: int) -> Doc | None:
        """See RelatedIndex.get."""
        return await self._run(self.index.get, repo, number)
