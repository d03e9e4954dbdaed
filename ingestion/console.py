"""Terminal output of the ``ewh`` command: messages on stderr, compact progress bars."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def eprint(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


@dataclass
class Bar:
    """A progress bar's handle: ``advance``, ``total`` and a short status text."""

    progress: Progress | None
    task: int | None

    def update(
        self, *, completed: int | None = None, total: int | None = None, status: str | None = None
    ) -> None:
        if self.progress is None or self.task is None:
            return
        fields = {"status": status} if status is not None else {}
        self.progress.update(self.task, completed=completed, total=total, **fields)

    def advance(self, steps: int = 1, status: str | None = None) -> None:
        if self.progress is None or self.task is None:
            return
        fields = {"status": status} if status is not None else {}
        self.progress.update(self.task, advance=steps, **fields)


@contextmanager
def progress_bar(label: str, total: int | None = None, *, enabled: bool = True) -> Iterator[Bar]:
    """One line with a bar on stderr, drawn only on a terminal (logs and pipes get no bar)."""
    console = Console(file=sys.stderr)
    if not enabled or not console.is_terminal:
        yield Bar(None, None)
        return
    progress = Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(bar_width=30),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[status]}", style="dim"),
        console=console,
        transient=False,
    )
    with progress:
        task = progress.add_task(label, total=total, status="")
        yield Bar(progress, task)
