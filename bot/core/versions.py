"""Tolerant version parsing and comparison for versions as people paste them ("2.1.0+cu121", "cuda_12.6", "V12.1.105")."""

from __future__ import annotations

import operator
import re2
from packaging.version import InvalidVersion, Version

_LEADING = re2.compile(r"(\d+(?:\.\d+){0,3})((?:\.?(?:dev|rc|a|b|post)\d*)*)", re2.Options())
_TORCH_CU = re2.compile(r"\+cu(\d{2,3})\b")
COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne}


def parse(text: str | None) -> Version | None:
    """The first version in the text, local part (+cu121) dropped; None if there is none."""
    if not text:
        return None
    m = _LEADING.search(text[:200])
    if not m:
        return None
    try:
        return Version(m.group(1) + m.group(2))
    except InvalidVersion:
        return Version(m.group(1))


def compare(a: str | None, op: str, b: str | None) -> bool | None:
    """`a <op> b` on versions; when precisions differ ("12.1" vs "12.1.105") only the common prefix counts. None if unparsable."""
    return holds(parse(a), op, parse(b))


def holds(va: Version | None, op: str, vb: Version | None) -> bool | None:
    """`compare` on parsed versions."""
    if va is None or vb is None:
        return None
    if va.is_prerelease and not vb.is_prerelease and _padded(va) == _padded(vb):
        va = vb  # a dev or rc build of release X already has what X brings (4.52.0.dev0 from main is no "< 4.52.0")
    if len(va.release) == len(vb.release):
        return COMPARE[op](va, vb)
    n = min(len(va.release), len(vb.release))
    return COMPARE[op](va.release[:n], vb.release[:n])


def _padded(v: Version) -> tuple[int, ...]:
    """The release numbers padded to three (4.52 is 4.52.0)."""
    return (v.release + (0, 0, 0))[:3]


def torch_cuda(torch_version: str | None) -> str | None:
    """The CUDA a torch wheel was built with, from its local tag: "2.1.0+cu121" -> "12.1", "1.13.1+cu117" -> "11.7"."""
    m = _TORCH_CU.search(torch_version or "")
    if not m:
        return None
    digits = m.group(1)
    return f"{digits[:-1]}.{digits[-1]}"


def major(text: str | None) -> int | None:
    """The major component of a version, or None."""
    v = parse(text)
    return v.release[0] if v else None
