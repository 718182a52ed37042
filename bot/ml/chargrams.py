"""A vocabulary's character 2- and 3-grams found in a text through numpy lookup tables, without making strings."""

from __future__ import annotations

import numpy as np


class CharGrams:
    """Gives every 2-gram and 3-gram of a text its vector id: the gram's column + 1, or 0 for an unknown gram.

    Characters map to a small alphabet (0 = a character no gram uses); a pair of alphabet indices maps to a pair
    slot, and a slot with a third character to a 3-gram, so each gram costs a few table lookups.
    """

    def __init__(self, columns: dict[str, int], aliases: dict[str, str] | None = None):
        if any(len(gram) not in (2, 3) for gram in columns):
            raise ValueError("CharGrams handles 2- and 3-grams only")
        chars = sorted({ch for gram in columns for ch in gram})
        self.width = width = len(chars) + 1
        codes = [ord(ch) for ch in chars]
        self.alphabet = np.zeros(max([127, *codes]) + 2, dtype=np.intp)  # the last entry, 0, serves larger codes
        self.alphabet[codes] = np.arange(1, width)
        for extra, known in (aliases or {}).items():  # characters that count as another, e.g. digits as 0
            self.alphabet[ord(extra)] = self.alphabet[ord(known)]
        pairs = sorted({gram[:2] for gram in columns})
        slot = {pair: s for s, pair in enumerate(pairs, 1)}
        self.pair_slot = np.zeros(width * width, dtype=np.intp)
        self.pair_slot[[self._key(pair) for pair in pairs]] = np.arange(1, len(pairs) + 1)
        ids = np.min_scalar_type(max(columns.values(), default=0) + 1)  # the largest tables hold only ids
        self.pair_id = np.zeros(len(pairs) + 1, dtype=ids)
        self.triple_id = np.zeros((len(pairs) + 1) * width, dtype=ids)
        for gram, col in columns.items():
            if len(gram) == 2:
                self.pair_id[slot[gram]] = col + 1
            else:
                self.triple_id[slot[gram[:2]] * width + self.alphabet[ord(gram[2])]] = col + 1

    def _key(self, pair: str) -> int:
        """The pair_slot index of two characters."""
        return int(self.alphabet[ord(pair[0])] * self.width + self.alphabet[ord(pair[1])])

    def ids(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The vector ids of the text's 2-grams and of its 3-grams, in text order (0 for unknown grams)."""
        if text.isascii():
            codes = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        else:
            codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            codes = np.minimum(codes, self.alphabet.size - 1)
        a = self.alphabet.take(codes)
        slots = self.pair_slot.take(a[:-1] * self.width + a[1:])
        return self.pair_id.take(slots), self.triple_id.take(slots[:-1] * self.width + a[2:])
