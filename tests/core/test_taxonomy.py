"""Tests for bot.core.taxonomy: the shipped tree, label names, resolution and load errors."""

import json

import pytest

from bot.core.rulefile import RulesError, rules_dir
from bot.core.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy(rules_dir() / "taxonomy.yml")


def test_shipped_tree_has_the_papers_shape(tax):
    tops = {d: [name for name, _ in tax.named_children(d)] for d in ("symptom", "root_cause", "stage")}
    assert len(tops["symptom"]) == 5 and len(tops["root_cause"]) == 9
    assert tops["stage"] == ["Inference", "Fine-tuning"]
    assert tax.get("symptom", "Crash - CUDA Error - Out of Memory") is not None
    assert tax.get("root_cause", ("Hardware and Resource Limitations", "GPU Memory Insufficiency")) is not None
    assert max(len(n.path) for n in tax.dimension_nodes("symptom")) == 3
    assert max(len(n.path) for n in tax.dimension_nodes("root_cause")) == 2


def test_every_node_has_a_unique_namespaced_label_colour_and_description(tax):
    labels = [n.label for n in tax.nodes]
    assert len(labels) == len(set(labels))
    prefix = {"symptom": "symptom: ", "root_cause": "cause: ", "stage": "stage: "}
    for n in tax.nodes:
        assert n.label.startswith(prefix[n.dimension]) and len(n.label) <= 50
        assert len(n.color) == 6 and int(n.color, 16) >= 0
        assert n.description and "\n" not in n.description


@pytest.mark.parametrize("name, expected", [
    ("symptom: oom", "Crash - CUDA Error - Out of Memory"),
    ("Crash - CUDA Error - Out of Memory", "Crash - CUDA Error - Out of Memory"),
    ("crash/cuda error/out of memory", "Crash - CUDA Error - Out of Memory"),
    ("out of mem", "Crash - CUDA Error - Out of Memory"),
    ("Crash - CUDA", "Crash - CUDA Error"),
    ("hang", "Hang"),
    ("ValueError", "Crash - Value-related Error - ValueError"),
])
def test_resolve_accepts_labels_paths_and_unique_prefixes(tax, name, expected):
    assert tax.resolve("symptom", name).name == expected


def test_resolve_rejects_unknown_and_ambiguous_names(tax):
    with pytest.raises(ValueError, match="no symptom node"):
        tax.resolve("symptom", "volcano")
    with pytest.raises(ValueError, match="ambiguous"):
        tax.resolve("root_cause", "c")
    with pytest.raises(ValueError):
        tax.resolve("stage", "symptom: oom")  # a label of another dimension


def test_relabel_renames_then_prefixes(tax):
    t = tax.relabel({"symptom: oom": "gpu-oom", "Hang": "stuck"}, prefix="llm/")
    assert t.get("symptom", "Crash - CUDA Error - Out of Memory").label == "llm/gpu-oom"
    assert t.get("symptom", "Hang").label == "llm/stuck"
    assert t.get("symptom", "Crash").label == "llm/symptom: crash"
    assert tax.get("symptom", "Hang").label == "symptom: hang"  # the original is unchanged


def test_the_tree_has_the_papers_leaf_counts(tax):
    """37 symptom leaves, 27 root-cause leaves and 2 stages, as in the paper's labelled data."""
    leaves = [n for n in tax.nodes if not tax.named_children(n.dimension, n.path)]
    assert [sum(n.dimension == d for n in leaves) for d in ("symptom", "root_cause", "stage")] == [37, 27, 2]


@pytest.mark.parametrize("text, reason", [
    ("symptom: {Crash: {label: x, color: zzzzzz, description: d}}\n", "color"),
    ("symptom: {Crash: {label: x, color: '123456', description: d, colour: red}}\n", "colour"),
    ("symptoms: {}\n", "unknown dimension 'symptoms'"),
])
def test_bad_taxonomy_files_fail_with_file_and_reason(tmp_path, text, reason):
    path = tmp_path / "taxonomy.yml"
    path.write_text(text + "root_cause: {A: {label: a, color: '000000', description: d}}\n"
                    "stage: {B: {label: b, color: '000000', description: d}}\n")
    with pytest.raises(RulesError) as err:
        load_taxonomy(path)
    assert str(err.value).startswith("rules/taxonomy.yml") and reason in str(err.value)


def test_duplicate_labels_are_rejected(tmp_path):
    path = tmp_path / "taxonomy.yml"
    path.write_text(json.dumps({
        "symptom": {"A": {"label": "x", "color": "000000", "description": "d"},
                    "B": {"label": "X", "color": "000000", "description": "d"}},
        "root_cause": {"C": {"label": "c", "color": "000000", "description": "d"}},
        "stage": {"D": {"label": "s", "color": "000000", "description": "d"}},
    }))
    with pytest.raises(RulesError, match="rule symptom/B: label 'X' is already used"):
        load_taxonomy(path)


def test_named_children_pair_each_child_with_its_name(tax):
    for dim in ("symptom", "root_cause", "stage"):
        for path in [()] + [n.path for n in tax.dimension_nodes(dim)]:
            kids = tax.named_children(dim, path)
            assert all(name == n.name and n.path[:-1] == path for name, n in kids)
            assert len(kids) == sum(n.path[:-1] == path for n in tax.dimension_nodes(dim))


def test_prefixes_are_a_name_and_its_ancestors_for_known_and_unknown_names(tax):
    from bot.core.taxonomy import prefixes

    node = next(n for n in tax.nodes if len(n.path) == 3)
    assert tax.prefixes(node.name) == tuple(" - ".join(node.path[:k]) for k in (1, 2, 3))
    assert tax.prefixes("A - B") == prefixes("A - B") == ("A", "A - B")  # not a node: computed, same form
