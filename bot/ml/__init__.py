"""The optional learned classifier (the `ml` extra): load_default() gives the shipped model, or None without numpy."""

from __future__ import annotations

import functools
from pathlib import Path


def default_dir() -> Path:
    """Where the shipped model lives: bot/ml/default/ (model.json + weights.npz)."""
    return Path(__file__).resolve().parent / "default"


@functools.lru_cache(maxsize=1)
def load_default():
    """The shipped Classifier, loaded once; None when the ml extra (numpy) or the model files are missing."""
    try:
        from bot.ml.model import Classifier
    except ImportError:
        return None
    path = default_dir()
    if not (path / "model.json").is_file():
        return None
    return Classifier.load(path)


def decider_path() -> Path:
    """Where the shipped decision model lives: bot/ml/default/decide.json."""
    return default_dir() / "decide.json"


@functools.lru_cache(maxsize=4)
def load_decider(taxonomy, path: Path | None = None):
    """The shipped decision model for a taxonomy, loaded once; default parameters when the file is missing."""
    import json

    from bot.core.decide import Decider

    file = path or decider_path()
    doc = json.loads(file.read_text(encoding="utf-8")) if file.is_file() else None
    return Decider(taxonomy, doc)
