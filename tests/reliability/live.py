"""What in a markdown comment GitHub would render live: mentions, HTML, images, links, bare URLs, slash commands."""

from __future__ import annotations

import re2
from markdown_it import MarkdownIt

from bot.core.render import MARKER

OUR_HTML = {MARKER, "<details>", "<summary>", "</summary>", "</details>", "<sub>", "</sub>"}
"""The only HTML our own comment template emits."""

_MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")
_MENTION = re2.compile(r"(?:^|[^\w`])(@[A-Za-z0-9][\w-]*(?:/[\w-]+)?)")
_BARE_URL = re2.compile(r"(?i)\b(?:https?://|ftp://|www\.)[^\s<]+")
_EMAIL = re2.compile(r"[\w.+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+")
_COMMAND = re2.compile(r"^\s*/[A-Za-z]")
_HTML_TAGS = re2.compile(r"<[^>]*>")


def live_parts(comment: str, trusted_urls: frozenset[str] = frozenset()) -> list[str]:
    """Everything live that did not come from our template or our rules' trusted URLs; [] when the comment is safe."""
    found: list[str] = []
    for line in comment.splitlines():
        if _COMMAND.search(line):
            found.append(f"command line: {line!r}")
    for tok in _walk(_MD.parse(comment)):
        if tok.type in ("html_inline", "html_block"):
            tags = _HTML_TAGS.findall(tok.content.strip()) or [tok.content.strip()]
            found += [f"html: {t!r}" for t in tags if t not in OUR_HTML]
        elif tok.type == "image":
            found.append(f"image: {tok.attrGet('src')!r}")
        elif tok.type == "link_open" and tok.attrGet("href") not in trusted_urls:
            found.append(f"link: {tok.attrGet('href')!r}")
        elif tok.type == "text":
            found += [f"mention: {m!r}" for m in _MENTION.findall(tok.content)]
            found += [f"url: {m!r}" for m in _BARE_URL.findall(tok.content) if m not in trusted_urls]
            found += [f"email: {m!r}" for m in _EMAIL.findall(tok.content)]
    return found


def _walk(tokens):
    """Tokens depth-first, children of inline tokens included; code spans and blocks are skipped (never live)."""
    for tok in tokens:
        if tok.type in ("code_inline", "fence", "code_block"):
            continue
        yield tok
        if tok.children:
            yield from _walk(tok.children)
