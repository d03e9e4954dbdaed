"""Helpers to turn numpy arrays into compact Arrow columns (dictionary-encoded strings)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pyarrow as pa


class Vocab:
    """A growing list of distinct strings, addressed by integer codes (one per instance)."""

    def __init__(self, items: Iterable[str] = ()) -> None:
        self.items: list[str] = []
        self._index: dict[str, int] = {}
        for item in items:
            self.code(item)

    def code(self, text: str) -> int:
        """The code of ``text``, adding it when new."""
        found = self._index.get(text)
        if found is None:
            found = self._index[text] = len(self.items)
            self.items.append(text)
        return found

    def codes(self, texts: Sequence[str]) -> np.ndarray:
        """Codes of several strings, as an int32 array."""
        return np.array([self.code(t) for t in texts], dtype=np.int32)

    def column(self, codes: np.ndarray) -> pa.DictionaryArray:
        """A dictionary column; negative codes are nulls."""
        return strings(codes, self.items)


def strings(codes: np.ndarray, items: Sequence[str | None]) -> pa.DictionaryArray:
    """Dictionary-encoded string column: ``items[code]``, null where the code is negative."""
    codes = np.asarray(codes, dtype=np.int32)
    indices = pa.array(np.where(codes < 0, 0, codes), mask=codes < 0, type=pa.int32())
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(items), type=pa.string()))


def nullable(values: np.ndarray, null: np.ndarray) -> pa.Array:
    """An Arrow array with nulls where ``null`` is true."""
    return pa.array(values, mask=np.asarray(null, dtype=bool))


def table(columns: dict[str, pa.Array | np.ndarray]) -> pa.Table:
    """An Arrow table from named columns (numpy arrays are converted)."""
    return pa.table(
        {name: col if isinstance(col, pa.Array) else pa.array(col) for name, col in columns.items()}
    )


def frame_keys(n: int, time_ms: np.ndarray, day_ms: int) -> dict[str, np.ndarray]:
    """The writer's bookkeeping columns for one-row-per-record frames ordered by ``time_ms``."""
    return {"_rec": np.arange(n, dtype=np.int64), "_day": time_ms // day_ms, "_ord": time_ms.astype(np.int64)}
