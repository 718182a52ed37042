"""The backfill's TokenVault: installation tokens sealed in its store, so a re-run within a token's life mints none."""

from __future__ import annotations

import logging

from bot.backfill.store import BackfillStore
from bot.github.sealed import TokenSeal

log = logging.getLogger(__name__)


class StoredTokens:
    """Tokens of one App kept in a BackfillStore, sealed; one that does not open is a miss (and is replaced)."""

    def __init__(self, store: BackfillStore, app_id: str, private_key: str):
        self.store, self.app_id, self.seal = store, str(app_id), TokenSeal(app_id, private_key)

    async def load(self, installation_id: int) -> tuple[str, float] | None:
        """The kept token and its expiry, or None (none kept, or it does not open under this App's key)."""
        row = await self.store.sealed_token(self.app_id, installation_id)
        if row is None:
            return None
        token = self.seal.open(installation_id, row[0], row[1])
        if token is None:
            log.warning("installation %d: the stored token does not open (another key, or altered); minting one",
                        installation_id)
            return None
        return token, row[1]

    async def save(self, installation_id: int, token: str, expires: float) -> None:
        """Seal and keep a minted token."""
        await self.store.keep_token(self.app_id, installation_id, self.seal.seal(installation_id, token, expires),
                                    expires)

    async def drop(self, installation_id: int) -> None:
        """Forget the installation's token."""
        await self.store.drop_token(self.app_id, installation_id)
