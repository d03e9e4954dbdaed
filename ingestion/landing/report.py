"""What landing did, per file and in total."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class FileResult:
    path: str  # relative to the raw root
    table: str | None
    status: str  # landed | skipped | refused | failed | pending
    rows_landed: int = 0
    rows_quarantined: int = 0
    rows_erased: int = 0  # rows about people erased earlier (ewh forget), dropped on landing
    rows_expired: int = 0  # rows already past their retention period, dropped on landing
    seconds: float = 0.0
    message: str = ""


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    batch_id: str = ""

    def _with(self, status: str) -> list[FileResult]:
        return [f for f in self.files if f.status == status]

    @property
    def landed(self) -> list[FileResult]:
        return self._with("landed")

    @property
    def skipped(self) -> list[FileResult]:
        return self._with("skipped")

    @property
    def refused(self) -> list[FileResult]:
        return self._with("refused")

    @property
    def failed(self) -> list[FileResult]:
        return self._with("failed")

    @property
    def pending(self) -> list[FileResult]:
        return self._with("pending")

    @property
    def ok(self) -> bool:
        """No file was refused or failed (pending files land on a later run)."""
        return not self.refused and not self.failed

    @property
    def rows_landed(self) -> int:
        return sum(f.rows_landed for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    @property
    def rows_erased(self) -> int:
        return sum(f.rows_erased for f in self.files)

    @property
    def rows_expired(self) -> int:
        return sum(f.rows_expired for f in self.files)

    def rows_by_table(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for f in self.landed:
            landed, quarantined = out.get(f.table or "", (0, 0))
            out[f.table or ""] = (landed + f.rows_landed, quarantined + f.rows_quarantined)
        return out


Progress = Callable[[int, int, FileResult], None]
