"""The SQLite FTS5 related index: upserts keep document frequencies right, repos stay apart, the async wrapper."""

from __future__ import annotations

from bot.core.related import doc_from_text
from bot.related_index import RelatedIndex, RelatedStore


def _df(idx: RelatedIndex) -> dict[str, int]:
    return dict(idx.conn.execute("SELECT term, df FROM related_df WHERE df > 0").fetchall())


def test_reindexing_and_removing_keep_document_frequencies_exact():
    idx = RelatedIndex.open()
    a = doc_from_text(1, "vLLM hangs with Qwen2-7B", "no output")
    idx.upsert("o/r", a)
    idx.upsert("o/r", doc_from_text(2, "vLLM crashes with Qwen2-7B", "segfault"))
    before = _df(idx)
    assert before["vllm"] == 2 and before["hang"] == 1
    idx.upsert("o/r", doc_from_text(1, "ollama hangs", "no output"))  # an edit replaces the old record
    assert _df(idx)["vllm"] == 1 and idx.count("o/r") == 2
    idx.remove("o/r", 2)
    assert "vllm" not in _df(idx) and idx.count() == 1
    assert idx.get("o/r", 1).title == "ollama hangs"


def test_lookup_stays_in_the_repo_and_scores_against_the_query_itself():
    idx = RelatedIndex.open()
    idx.upsert("a/one", doc_from_text(1, "KeyError: 'qwen2' on load", "transformers too old"))
    idx.upsert("b/two", doc_from_text(1, "KeyError: 'qwen2' on load", "transformers too old"))
    idx.upsert("a/one", doc_from_text(2, "Llama 3 never stops", "extra assistant turn"))
    q = doc_from_text(9, "KeyError: 'qwen2' on load", "transformers too old")
    cands, idf = idx.lookup("a/one", q)
    assert [(d.number, round(lex, 2)) for d, lex in cands] == [(1, 1.0)]  # the same text scores as itself
    assert idx.count("a/one") == 2 and idf["qwen2"] > 0
    assert idx.lookup("a/one", doc_from_text(9, "", ""))[0] == []
    assert idx.count() == 3  # the query was never stored


async def test_the_async_store_records_links_and_exports_them(tmp_path):
    store = RelatedStore.open(tmp_path / "r.sqlite3")
    await store.upsert("o/r", doc_from_text(1, "ollama GGGG output", "GGGGGGGG"))
    await store.set_link("o/r", 2, 1, "not-duplicate", "maint", 5.0)
    await store.set_link("o/r", 2, 1, "duplicate", "maint", 6.0)  # the later verdict replaces the earlier
    assert await store.links("o/r", 2) == {1: "duplicate"}
    assert [x["verdict"] for x in await store.all_links()] == ["duplicate"]
    cands, _ = await store.lookup("o/r", doc_from_text(2, "ollama prints GGGG", "GGGGGG"))
    assert [d.number for d, _ in cands] == [1]
    await store.remove("o/r", 1)
    assert (await store.lookup("o/r", doc_from_text(2, "ollama prints GGGG", "GGGGGG")))[0] == []
