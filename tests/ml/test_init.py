"""Tests for bot.ml.load_default: the shipped model loads, and its absence means rules only."""

import sys

import pytest

pytest.importorskip("sklearn")

import bot.ml
from bot.core.extract import extract


@pytest.fixture(autouse=True)
def fresh_cache():
    bot.ml.load_default.cache_clear()
    yield
    bot.ml.load_default.cache_clear()


def test_the_shipped_model_loads_and_predicts():
    model = bot.ml.load_default()
    assert model is not None
    out = model.predict(extract("CUDA out of memory", "torch.cuda.OutOfMemoryError: CUDA out of memory"))
    assert set(out) == {"symptom", "root_cause", "stage"}
    assert len(model.meta["data_sha256"]) == 64 and model.meta["created_by"].startswith("firstmile train")


def test_shipped_model_files_are_small():
    sizes = {p.name: p.stat().st_size for p in bot.ml.default_dir().iterdir()}
    assert set(sizes) >= {"model.json", "weights.npz"}
    assert sum(sizes.values()) < 4 << 20


def test_no_numpy_means_no_classifier(monkeypatch):
    monkeypatch.setitem(sys.modules, "bot.ml.model", None)  # import now raises ImportError
    assert bot.ml.load_default() is None


def test_missing_model_files_mean_no_classifier(monkeypatch, tmp_path):
    monkeypatch.setattr(bot.ml, "default_dir", lambda: tmp_path)
    assert bot.ml.load_default() is None


def test_without_the_ml_extra_triage_serves_the_classifier_and_the_decision_model():
    import json
    import subprocess

    code = (
        "import sys\n"
        "for name in ('scipy', 'sklearn'):\n"
        "    sys.modules[name] = None  # as if the ml extra were not installed (numpy is a core dependency)\n"
        "import bot.ml\n"
        "assert bot.ml.load_default() is not None\n"
        "from bot.__main__ import main\n"
        "sys.exit(main(['triage', '-']))\n"
    )
    issue = {"title": "CUDA out of memory", "body": "torch.cuda.OutOfMemoryError: CUDA out of memory."}
    proc = subprocess.run([sys.executable, "-c", code], input=json.dumps(issue), capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["symptom"].startswith("Crash")
    assert out["likely"]["symptom"]["path"].startswith("Crash") and out["likely"]["root_cause"]["p"]
