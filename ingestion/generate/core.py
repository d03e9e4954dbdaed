"""``generate``: build the world, size it, then write every stream in turn."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ingestion.generate import behavior, client_success, conversations, product, widget
from ingestion.generate.config import (
    DAY_MS,
    GenerateConfig,
    GenerateReport,
    from_ms,
    record_salt,
    resolve_end,
    to_ms,
    validate,
)
from ingestion.generate.population import World, build_world
from ingestion.generate.writer import Frame, Writer, connect
from ingestion.streams import STREAMS

# Independent random streams, one per generator (so a change in one leaves the others alone).
RNG_PRODUCT, RNG_LATE, RNG_BEHAVIOR, RNG_CS, RNG_WIDGET, RNG_BATCHES, RNG_CONVERSATIONS = range(1, 8)


def generate(config: GenerateConfig, progress: Callable[[str], None] | None = None) -> GenerateReport:
    """Write sample dumps of all 11 raw streams under ``config.out_dir``, laid out as README.md's
    "Landing raw files" says.

    Same config, same bytes. Raises ``ValueError`` for a bad option and ``FileExistsError``
    when a stream folder already holds files and ``config.overwrite`` is false.
    """
    began = time.perf_counter()
    validate(config)
    say = progress or (lambda _message: None)
    end = resolve_end(config.end)
    end_ms = to_ms(end)
    start_ms = end_ms - config.days * DAY_MS
    out = Path(config.out_dir)
    _prepare(out, config.overwrite)
    world = build_world(
        config.seed, config.accounts, config.users_per_account, config.agents_per_account, start_ms, end_ms
    )

    def rng(code: int) -> np.random.Generator:
        return np.random.default_rng([config.seed, code])

    scale = _scale(world, config.target_events, rng)
    say(f"{len(world.accounts)} accounts, {len(world.users)} users, {len(world.agents)} agents, "
        f"{from_ms(start_ms):%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC, activity x{scale:.3g}")  # fmt: skip
    report = GenerateReport(start=from_ms(start_ms), end=end, scale=scale)
    con = connect(record_salt(config, end_ms))
    rates = (config.duplicate_rate, config.bad_line_rate)
    writer = Writer(out, config.fmt, con, end_ms, config.seed, rates, report, say)
    try:
        _write_all(world, writer, report, scale, config.late_rate, rng)
    finally:
        con.close()
    report.seconds = time.perf_counter() - began
    say(f"{report.events:,} events, {len(report.files)} files, {report.bytes_written / 1e6:,.1f} MB "
        f"in {report.seconds:.1f} s")  # fmt: skip
    return report


def _write_all(world: World, writer: Writer, report: GenerateReport, scale: float, late_rate: float,
               rng: Callable[[int], np.random.Generator]) -> None:  # fmt: skip
    def events(frame: Frame) -> None:
        report.events += frame.table.num_rows
        writer.write(frame)

    writer.write(conversations.reference_frame(world))
    tracks, acts, report.late_events = product.tracks(
        world, scale, late_rate, rng(RNG_PRODUCT), rng(RNG_LATE)
    )
    events(tracks)
    del tracks
    writer.write(product.users_frame(world, acts))
    writer.write(product.accounts_frame(world, acts))
    del acts
    events(behavior.events(world, scale, rng(RNG_BEHAVIOR)))
    changes = client_success.tasks(world)
    writer.write(client_success.tasks_frame(world, changes))
    events(client_success.events(world, scale, changes, rng(RNG_CS)))
    sim = widget.simulate(world, scale, rng(RNG_WIDGET))
    report.widget_events = len(sim.events.time)
    batches, sessions, identifies = widget.frames(world, sim, rng(RNG_BATCHES))
    events(batches)
    del batches
    writer.write(sessions)
    writer.write(identifies)
    writer.write(conversations.frame(world, sim.web, scale, rng(RNG_CONVERSATIONS)))


def _scale(world: World, target: int | None, rng: Callable[[int], np.random.Generator]) -> float:
    """Activity multiplier that makes the four event streams hold about ``target`` rows."""
    if target is None:
        return 1.0
    natural = (
        product.count_events(world, 1.0, rng(RNG_PRODUCT))
        + behavior.count_events(world, 1.0, rng(RNG_BEHAVIOR))
        + client_success.count_events(world, 1.0, rng(RNG_CS))
        + widget.count_events(world, 1.0, rng(RNG_WIDGET))
    )
    return max(target / max(natural, 1), 1e-4)


def _prepare(out: Path, overwrite: bool) -> None:
    """Refuse to mix runs: stream folders must be empty unless ``overwrite`` clears them."""
    for stream in STREAMS:
        folder = out / stream.source / stream.name
        if folder.is_dir() and any(p.is_file() for p in folder.rglob("*")):
            if not overwrite:
                raise FileExistsError(
                    f"{folder} already holds files; generate into an empty folder "
                    "or pass overwrite=True (ewh generate --overwrite) to replace them."
                )
            shutil.rmtree(folder)
