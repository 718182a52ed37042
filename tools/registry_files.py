"""Read files out of a package's published artefacts on PyPI without unpacking them (needs network).

Wheels are zip files: their directory and single members are read with HTTP range requests, so a 300 MB vLLM wheel
costs a few hundred kB. Source-only packages (llama-cpp-python) are downloaded once into the cache and the member
is extracted from the tarball. Everything read is cached under --cache as small JSON files, so a second run is
offline. A maintainer tool used by tools/verify_facts.py; nothing in the bot or the tests runs it.
"""

from __future__ import annotations

import io
import json
import tarfile
import urllib.parse
import urllib.request
import zipfile
from functools import lru_cache
from pathlib import Path

from packaging.version import InvalidVersion, Version

PYPI = "https://pypi.org/pypi/{}/json"


@lru_cache(maxsize=None)
def project(name: str) -> dict:
    """PyPI's JSON for a project."""
    url = PYPI.format(name)
    with urllib.request.urlopen(url, timeout=60) as resp:
        data = json.load(resp)
    for files in data["releases"].values():
        for f in files:
            f["url"] = urllib.parse.urljoin(url, f["url"])
    return data


def versions(name: str) -> list[Version]:
    """The final (and .post) releases of a project that have files, oldest first."""
    out = []
    for text, files in project(name)["releases"].items():
        try:
            v = Version(text)
        except InvalidVersion:
            continue
        if files and not v.is_prerelease:
            out.append(v)
    return sorted(out)


def _artefact(name: str, version: Version) -> dict:
    """The file to read for a release: a pure-Python or x86-64 Linux wheel if there is one, else the sdist."""
    files = project(name)["releases"][str(version)] if str(version) in project(name)["releases"] else next(
        fs for t, fs in project(name)["releases"].items() if Version(t) == version)
    wheels = [f for f in files if f["filename"].endswith(".whl")]
    for pref in ("none-any", "x86_64"):
        chosen = [f for f in wheels if pref in f["filename"]]
        if chosen:
            return min(chosen, key=lambda f: f["size"])
    return next(f for f in files if f["filename"].endswith((".tar.gz", ".zip")))


class _RangeFile(io.RawIOBase):
    """A read-only, seekable view of a remote file through HTTP range requests."""

    def __init__(self, url: str, size: int):
        self.url, self.size, self.pos = url, size, 0

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = {0: offset, 1: self.pos + offset, 2: self.size + offset}[whence]
        return self.pos

    def read(self, n: int = -1) -> bytes:
        end = self.size if n is None or n < 0 else min(self.size, self.pos + n)
        if end <= self.pos:
            return b""
        req = urllib.request.Request(self.url, headers={"Range": f"bytes={self.pos}-{end - 1}"})
        with urllib.request.urlopen(req, timeout=120) as resp:
            data = resp.read()
        self.pos += len(data)
        return data

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


def _cache_file(cache: Path, name: str, version: Version, what: str) -> Path:
    """Where a cached read lives."""
    safe = what.replace("/", "__")
    return cache / "facts" / f"{name}-{version}-{safe}.json"


def names(name: str, version: Version, cache: Path) -> list[str]:
    """Every member name of the release's artefact."""
    path = _cache_file(cache, name, version, "names")
    if path.exists():
        return json.loads(path.read_text())
    art = _artefact(name, version)
    if art["filename"].endswith(".whl"):
        out = zipfile.ZipFile(io.BufferedReader(_RangeFile(art["url"], art["size"]), 1 << 18)).namelist()
    else:
        with tarfile.open(_download(art, cache)) as tar:
            out = [m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out))
    return out


def read(name: str, version: Version, member: str, cache: Path) -> str | None:
    """The text of one member (path inside the wheel, or inside the sdist's top folder); None if absent."""
    path = _cache_file(cache, name, version, member)
    if path.exists():
        return json.loads(path.read_text())
    if member not in names(name, version, cache):
        text = None
    else:
        art = _artefact(name, version)
        if art["filename"].endswith(".whl"):
            text = zipfile.ZipFile(io.BufferedReader(_RangeFile(art["url"], art["size"]), 1 << 18)).read(member).decode("utf-8", "replace")
        else:
            with tarfile.open(_download(art, cache)) as tar:
                top = tar.getmembers()[0].name.split("/")[0]
                text = tar.extractfile(f"{top}/{member}").read().decode("utf-8", "replace")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(text))
    return text


def _download(art: dict, cache: Path) -> Path:
    """The artefact, downloaded once into the cache."""
    path = cache / art["filename"]
    if not path.exists():
        tmp = path.with_suffix(".part")
        with urllib.request.urlopen(art["url"], timeout=600) as resp, open(tmp, "wb") as out:
            while chunk := resp.read(1 << 20):
                out.write(chunk)
        tmp.rename(path)
    return path


def grep(name: str, version: Version, needle: str, cache: Path) -> list[str]:
    """The members of the release's artefact (source, config, docs and Makefile text) whose text contains `needle`."""
    key = _cache_file(cache, name, version, "grep-" + "".join(c if c.isalnum() else "_" for c in needle)[:80])
    if key.exists():
        return json.loads(key.read_text())
    art = _artefact(name, version)
    path = _download(art, cache)
    hits = []
    wanted = (".py", ".cpp", ".h", ".hpp", ".c", ".cu", ".json", ".jinja", ".txt", ".md", ".cmake", "Makefile")
    if art["filename"].endswith(".whl"):
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                if member.endswith(wanted) and needle.encode() in zf.read(member):
                    hits.append(member)
    else:
        with tarfile.open(path) as tar:
            for m in tar.getmembers():
                if m.isfile() and m.name.endswith(wanted):
                    data = tar.extractfile(m).read()
                    if needle.encode() in data:
                        hits.append(m.name.split("/", 1)[1])
    key.parent.mkdir(parents=True, exist_ok=True)
    key.write_text(json.dumps(hits))
    return hits
