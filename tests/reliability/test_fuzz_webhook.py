"""Fuzzing POST /webhook: random bytes, deep nesting, huge strings, wrong types in real payloads, forged signatures."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakegithub import SECRET, headers, payload, sign
from tests.reliability.background import Background

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
SHAPES = ["issues.opened", "issues.edited", "issues.labeled", "issues.reopened", "issue_comment.created",
          "issue_comment.edited", "installation.created", "installation_repositories.added"]
LIMIT = 2_000_000
ids = (f"fuzz-{i}" for i in itertools.count())

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False),
                      st.text(max_size=30), st.just(""), st.just("x" * 100_000))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                             st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                          max_leaves=12)


@pytest.fixture(scope="module")
def bg(app_keys, tmp_path_factory):
    """One server for all fuzz examples (a restart per example would test start-up, not the endpoint)."""
    server = Background(app_keys, f"sqlite:///{tmp_path_factory.mktemp('fuzz')}/fuzz.sqlite3", max_body_bytes=LIMIT)
    yield server
    server.close()


def mutate(data: Any, draw) -> Any:
    """The payload with one value somewhere inside replaced by a random one, or one key deleted."""
    if not isinstance(data, (dict, list)) or not data:
        return draw(json_value)
    keys = list(data) if isinstance(data, dict) else list(range(len(data)))
    key = draw(st.sampled_from(keys))
    copy = dict(data) if isinstance(data, dict) else list(data)
    action = draw(st.sampled_from(["descend", "descend", "replace", "delete"]))
    if action == "descend":
        copy[key] = mutate(copy[key], draw)
    elif action == "replace" or isinstance(copy, list):
        copy[key] = draw(json_value)
    else:
        del copy[key]
    return copy


def assert_handled(bg: Background, status: int, answer: Any) -> None:
    """A clear answer: 2xx for a good delivery, a 4xx with an error message otherwise; never 5xx."""
    assert status < 500, answer
    if status >= 400:
        assert isinstance(answer, dict) and answer.get("error"), answer


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["issues", "issue_comment", "ping", "push"]))
def test_random_bytes_signed_get_a_clear_answer(bg, body, event):
    status, answer = bg.send(event, body, next(ids))
    assert_handled(bg, status, answer)
    is_object = False
    try:
        is_object = isinstance(json.loads(body), dict)
    except (ValueError, RecursionError):
        pass
    assert (status < 300) == is_object


@FUZZ
@given(st.integers(1, 200_000), st.sampled_from(["[", '{"a":', '{"issue":{"body":[']))
def test_deeply_nested_json_is_refused_or_queued_never_a_crash(bg, depth, opener):
    body = (opener * depth + "1" + ("]" if opener == "[" else "}" if opener == '{"a":' else "]}") * depth).encode()
    status, answer = bg.send("issues", body, next(ids))
    assert_handled(bg, status, answer)


@settings(FUZZ, max_examples=40)
@given(st.sampled_from(SHAPES), st.data())
def test_wrong_types_inside_real_payloads_are_queued_and_handled(bg, shape, data):
    mutated = mutate(payload(shape), data.draw)
    body = json.dumps(mutated).encode()
    status, answer = bg.send(shape.split(".")[0], body, next(ids))
    assert_handled(bg, status, answer)
    assert status == (202 if isinstance(mutated, dict) else 400)


@settings(FUZZ, max_examples=15)
@given(st.sampled_from(["title", "body"]), st.integers(10_000, 1_500_000), st.sampled_from(["a", "@x ", "\n", "é`<"]))
def test_huge_strings_in_an_issue_are_queued(bg, field, size, unit):
    data = payload("issues.opened")
    data["issue"] = data["issue"] | {field: (unit * (size // len(unit)))}
    body = json.dumps(data).encode()
    status, answer = bg.send("issues", body, next(ids))
    assert_handled(bg, status, answer)
    assert status == (202 if len(body) <= LIMIT else 413)


@FUZZ
@given(st.text(max_size=80), st.text(max_size=200), st.binary(max_size=200))
def test_random_headers_never_a_5xx(bg, event, delivery, body):
    hdrs = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, SECRET)}
    for name, value in (("X-GitHub-Event", event), ("X-GitHub-Delivery", delivery)):
        if value.isascii() and value.isprintable():  # http.client refuses to send anything else
            hdrs[name] = value
    status, answer = bg.post(body, hdrs)
    assert_handled(bg, status, answer)


@FUZZ
@given(st.binary(max_size=500), st.one_of(st.none(), st.text(max_size=80).filter(str.isprintable),
                                          st.just("sha256="), st.builds(lambda h: "sha256=" + h.hex(), st.binary(min_size=32, max_size=32))))
def test_forged_signatures_never_reach_a_handler(bg, body, signature):
    delivery_id = next(ids)
    hdrs = headers("issues", body, None, delivery_id)
    if signature is not None and signature.isascii():
        hdrs["X-Hub-Signature-256"] = signature
    status, answer = bg.post(body, hdrs)
    assert status == 401 and answer.get("error")
    assert delivery_id not in bg.reached


def test_forged_copy_of_a_real_delivery_is_refused(bg):
    body = json.dumps(payload("issues.opened")).encode()
    for secret in ("", "It's a secret to everybody", SECRET + " "):
        status, _ = bg.post(body, headers("issues", body, secret, "forged-real"))
        assert status == 401
    assert "forged-real" not in bg.reached


def test_after_the_fuzzing_everything_was_handled_and_the_server_still_works(bg):
    """Runs last in this module: every stored delivery ended done or failed, workers alive, a good one still runs."""
    counts = bg.drain()
    assert set(counts) <= {"done", "failed"}, counts
    assert bg.workers_alive()
    status, _ = bg.send("issues", json.dumps(payload("issues.opened")).encode(), "after-fuzz")
    assert status == 202
    bg.drain()
    assert "after-fuzz" in bg.reached
