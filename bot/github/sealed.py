"""Installation tokens sealed for the store: AES-GCM under a key derived (HKDF-SHA256) from the App's private key."""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE = 12
SALT = b"firstmile installation-token cache"


def seal_key(app_id: str, private_key: str) -> bytes:
    """The 256-bit sealing key of one App: HKDF over its private key (as DER, so the PEM's layout does not matter)."""
    key = serialization.load_pem_private_key(private_key.encode(), password=None)
    material = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
    return HKDF(hashes.SHA256(), length=32, salt=SALT, info=f"v1 app {app_id}".encode()).derive(material)


class TokenSeal:
    """Seals a token bound to (App, installation, expiry): a row moved to another installation or expiry opens to
    nothing, as does one sealed under another key or altered in any way."""

    def __init__(self, app_id: str, private_key: str):
        self.app_id = str(app_id)
        self._aead = AESGCM(seal_key(self.app_id, private_key))

    def _context(self, installation_id: int, expires: float) -> bytes:
        """The associated data a sealed token is bound to."""
        return f"{self.app_id}:{int(installation_id)}:{int(expires)}".encode()

    def seal(self, installation_id: int, token: str, expires: float) -> str:
        """base64(nonce + ciphertext + tag)."""
        nonce = os.urandom(NONCE)
        sealed = self._aead.encrypt(nonce, token.encode(), self._context(installation_id, expires))
        return base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, installation_id: int, sealed: str, expires: float) -> str | None:
        """The token, or None when the text does not open under this key and context (a cache miss)."""
        try:
            raw = base64.b64decode(sealed.encode("ascii"), validate=True)
            if len(raw) <= NONCE:
                return None
            return self._aead.decrypt(raw[:NONCE], raw[NONCE:], self._context(installation_id, expires)).decode()
        except (InvalidTag, binascii.Error, ValueError):
            return None
