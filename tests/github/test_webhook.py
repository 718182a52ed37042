"""Tests for bot.github.webhook: header checks, the signature test vectors, JSON parsing."""

from __future__ import annotations

import pytest

from bot.github.webhook import Rejected, check_headers, parse, verify
from tests.fakegithub import raw_payload, sign

# From HEADERS_AND_SIGNATURE.md: octokit/webhooks-methods' test, GitHub's "Validating webhook deliveries" page,
# and the raw bytes of issues.opened.json (checked there with Python hmac and @octokit/webhooks-methods@6.0.0).
VECTORS = [
    (b'{"foo":"bar"}', "mysecret", "sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3"),
    (b"Hello, World!", "It's a Secret to Everybody",
     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
    (raw_payload("issues.opened"), "It's a Secret to Everybody",
     "sha256=875f5b04149debbe128e0521dadfa4afc90d192439111d59096790feb11b64d5"),
]

GOOD = {"X-GitHub-Event": "issues", "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        "X-Hub-Signature-256": "sha256=00", "Content-Type": "application/json"}


@pytest.mark.parametrize(("body", "secret", "signature"), VECTORS)
def test_vectors_verify_and_match_our_signer(body, secret, signature):
    verify(body, signature, secret)
    assert sign(body, secret) == signature


@pytest.mark.parametrize(("body", "secret", "signature"), VECTORS)
def test_vectors_fail_with_another_secret_or_body(body, secret, signature):
    with pytest.raises(Rejected) as exc:
        verify(body, signature, secret + "x")
    assert exc.value.status == 401
    with pytest.raises(Rejected):
        verify(body + b" ", signature, secret)


@pytest.mark.parametrize("signature", [
    None, "", "sha1=4864d2759938a15468b5df9ade20bf161da9b4f7",  # legacy SHA-1 is not accepted
    "4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3",  # no prefix
    "sha256=6dcb09b5b57875f334f61aebed695e2e4193db5e",  # the OpenAPI example: only 40 hex digits
    "sha256=ZZZZ", "sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bdä3",
])
def test_malformed_signatures_are_401(signature):
    with pytest.raises(Rejected) as exc:
        verify(b'{"foo":"bar"}', signature, "mysecret")
    assert exc.value.status == 401


def test_no_secret_means_no_check():
    verify(b"anything", None, None)


def test_good_headers_give_event_and_delivery():
    assert check_headers(GOOD, need_signature=True) == ("issues", GOOD["X-GitHub-Delivery"])
    assert check_headers(GOOD | {"Content-Type": "application/json; charset=utf-8"}, need_signature=True)[0] == "issues"


@pytest.mark.parametrize(("drop", "change", "status"), [
    ("X-GitHub-Event", {}, 400),
    ("X-GitHub-Delivery", {}, 400),
    ("X-Hub-Signature-256", {}, 401),
    ("Content-Type", {}, 415),
    (None, {"Content-Type": "application/x-www-form-urlencoded"}, 415),
    (None, {"X-GitHub-Event": "issues; rm -rf"}, 400),
    (None, {"X-GitHub-Delivery": "x" * 500}, 400),
    (None, {"X-GitHub-Delivery": "a\tb"}, 400),
])
def test_bad_headers(drop, change, status):
    headers = {k: v for k, v in GOOD.items() if k != drop} | change
    with pytest.raises(Rejected) as exc:
        check_headers(headers, need_signature=True)
    assert exc.value.status == status


def test_signature_header_optional_without_secret():
    headers = {k: v for k, v in GOOD.items() if k != "X-Hub-Signature-256"}
    assert check_headers(headers, need_signature=False)[0] == "issues"


def test_parse_reads_action():
    incoming = parse(raw_payload("issues.opened"), "issues", "d1")
    assert (incoming.event, incoming.action, incoming.delivery_id) == ("issues", "opened", "d1")
    assert incoming.data["issue"]["number"] == 1


@pytest.mark.parametrize("body", [b"", b"{", b"[1, 2]", b'"str"', b"\xff\xfe{}", b"[" * 100_000 + b"]" * 100_000])
def test_parse_rejects_non_objects_with_400(body):
    with pytest.raises(Rejected) as exc:
        parse(body, "issues", "d1")
    assert exc.value.status == 400
