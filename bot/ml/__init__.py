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
