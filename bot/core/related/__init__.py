"""Related and duplicate issues: index records, the hybrid ranking and the comment block. Pure."""

from bot.core.related.doc import Doc, doc_from_text, make_doc
from bot.core.related.rank import DEFAULT, Related, Weights, duplicate_of, rank, shown
from bot.core.related.render import reason_text, render_related

__all__ = ["DEFAULT", "Doc", "Related", "Weights", "doc_from_text", "duplicate_of", "make_doc", "rank",
           "reason_text", "render_related", "shown"]
