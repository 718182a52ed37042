"""Installation tokens sealed for the store: they open only under the same App key, installation and expiry."""

from __future__ import annotations

import base64

from bot.github.sealed import TokenSeal, seal_key
from tests.fakegithub import APP_ID, rsa_pair


def test_a_sealed_token_opens_only_in_its_own_context(app_keys):
    seal = TokenSeal(APP_ID, app_keys[0])
    sealed = seal.seal(7, "ghs_secret", 1_800_000_000.0)
    assert "ghs_secret" not in sealed and b"ghs_secret" not in base64.b64decode(sealed)
    assert seal.open(7, sealed, 1_800_000_000.0) == "ghs_secret"
    assert seal.open(8, sealed, 1_800_000_000.0) is None  # a row copied to another installation
    assert seal.open(7, sealed, 1_900_000_000.0) is None  # an expiry pushed later
    assert seal.seal(7, "ghs_secret", 1_800_000_000.0) != sealed  # a fresh nonce each time


def test_altered_or_foreign_ciphertexts_open_to_nothing(app_keys):
    seal = TokenSeal(APP_ID, app_keys[0])
    sealed = seal.seal(7, "ghs_secret", 1.0)
    raw = bytearray(base64.b64decode(sealed))
    raw[-1] ^= 1
    assert seal.open(7, base64.b64encode(bytes(raw)).decode(), 1.0) is None
    assert seal.open(7, "not base64!", 1.0) is None
    assert seal.open(7, base64.b64encode(b"short").decode(), 1.0) is None
    assert TokenSeal(APP_ID, rsa_pair()[0]).open(7, sealed, 1.0) is None  # the App's key was rotated
    assert TokenSeal("999", app_keys[0]).open(7, sealed, 1.0) is None  # another App on the same key


def test_the_key_depends_on_the_key_not_on_how_its_pem_is_laid_out(app_keys):
    pem = app_keys[0]
    assert seal_key(APP_ID, pem) == seal_key(APP_ID, pem.replace("\n", "\r\n") + "\n")
    assert len(seal_key(APP_ID, pem)) == 32 and seal_key(APP_ID, pem) != seal_key("2", pem)
