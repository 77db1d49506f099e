"""Run a job on this machine: in this process, or in ``--workers N`` processes.

The driver plans (:func:`tarjama.jobs.plan.plan`), cuts the pending units into batches of about
``spec.batch_documents`` documents, and has them processed and committed. Each worker process
opens the model once and loops: take a batch, mark it running, :func:`process_safely`, commit
each unit (output file, then manifest row). Each worker talks to the driver over its own pipe,
so one killed in the middle of a message spoils nothing but its own pipe.

A worker that dies (SIGKILL, a segfault in a native library, out of memory) fails only the
units it held: each counts an attempt and is tried again on its own, in a new worker, until
``spec.max_attempts``; then it is recorded as failed with the crash as its error
(``tarjama job retry`` tries it again). Workers exit when the driver is gone.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import asdict, dataclass, field, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from tarjama import errors
from tarjama.errors import TarjamaError
from tarjama.jobs.keys import settings_hash
from tarjama.jobs.manifest import Manifest, Summary
from tarjama.jobs.outputs import commit
from tarjama.jobs.plan import plan
from tarjama.jobs.process import process_safely
from tarjama.jobs.progress import JobProgress
from tarjama.jobs.sources import check_output
from tarjama.jobs.units import JobSpec, Unit, UnitOutcome

if TYPE_CHECKING:
    from tarjama.terms import Glossary
    from tarjama.translator import Translator

__all__ = ["JobContext", "RunTally", "batches", "open_context", "run_job"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobContext:
    """What every process of a run shares: the spec, the settings hash, the glossary."""

    spec: JobSpec
    model: str
    settings_hash: str
    glossary: Glossary | None = field(default=None, compare=False)

    @property
    def glossary_version(self) -> str:
        return self.glossary.version if self.glossary is not None else ""

    def translator(self) -> Translator:
        """A Translator for this run, its model opened (once per process)."""
        from tarjama.engines.base import usable_cores
        from tarjama.translator import Translator

        threads = self.spec.threads or usable_cores()
        # A job wants segments per second, not one sentence's latency: one batch per thread.
        translator = Translator(
            self.model, beam=self.spec.beam, threads=self.spec.threads, parallel_batches=threads
        )
        _ = translator.engine
        return translator


def open_context(spec: JobSpec) -> JobContext:
    """Read the glossaries and hash the settings (the model is named, not loaded)."""
    from tarjama.settings import get_settings

    model = spec.model or get_settings().model
    glossary = read_glossaries(spec.glossaries)
    return JobContext(spec, model, settings_hash(spec, model), glossary)


def read_glossaries(paths: Sequence[str]) -> Glossary | None:
    """The glossary files merged in order (a later file's entry wins), or None."""
    if not paths:
        return None
    from tarjama.terms import Glossary

    glossaries = [Glossary.read(path) for path in paths]
    return glossaries[0].merged(*glossaries[1:])


def batches(units: Sequence[Unit], documents: int) -> Iterator[list[Unit]]:
    """Consecutive units of about ``documents`` documents together (a big shard alone)."""
    batch: list[Unit] = []
    size = 0
    for unit in units:
        if batch and size + unit.documents > documents:
            yield batch
            batch, size = [], 0
        batch.append(unit)
        size += unit.documents
    if batch:
        yield batch


def run_job(spec: JobSpec, *, workers: int = 1, progress: JobProgress | None = None) -> Summary:
    """Plan, process and commit every pending unit of ``spec``; the job's summary at the end."""
    check_output(spec.sources, spec.output)
    context = open_context(spec)
    progress = progress or JobProgress(enabled=False)
    with Manifest(spec.output) as manifest:
        manifest.start_run(spec)
        from tarjama.settings import get_settings

        pending = plan(
            spec, manifest, context.settings_hash, context.glossary,
            max_bytes=get_settings().max_input_bytes,
        )  # fmt: skip
        before = manifest.summary()
        progress.start(before.documents, before.done, before.failed)
        tally = RunTally(planned=len(pending), workers=workers)
        started = time.perf_counter()
        if pending:
            todo = list(batches(pending, spec.batch_documents))
            if workers <= 1:
                _run_here(context, manifest, todo, progress, tally)
            else:
                _Pool(context, manifest, progress, tally, workers).run(todo)
        tally.seconds = round(time.perf_counter() - started, 3)
        return replace(manifest.summary(), run=asdict(tally))


@dataclass
class RunTally:
    """What one run did: proof that a rerun after success did nothing (no model opened, no
    segment sent), and the figures a benchmark reads."""

    planned: int = 0
    units: int = 0
    documents: int = 0
    segments: int = 0
    engine_segments: int = 0
    crashes: int = 0
    model_opened: bool = False
    workers: int = 1
    seconds: float = 0.0

    def add(self, documents: int, segments: int, engine_segments: int) -> None:
        self.units += 1
        self.documents += documents
        self.segments += segments
        self.engine_segments += engine_segments


def _run_here(
    context: JobContext,
    manifest: Manifest,
    todo: list[list[Unit]],
    progress: JobProgress,
    tally: RunTally,
) -> None:
    """Process the batches in this process. A sentence engine is kept one job batch ahead of
    the batches it decodes at once (``capabilities.parallel``): 2 in flight for one decoder, 3
    for two. So a batch's reading, checks and rendering overlap the others' decoding and no
    decoder idles at the end of a batch; every commit still happens here, in this thread, one
    at a time."""
    from tarjama.engines.base import capabilities_of

    with context.translator() as translator:
        tally.model_opened = True
        capabilities = capabilities_of(translator.engine)
        lanes = capabilities.parallel + 1 if capabilities.batchable else 1
        for outcomes in _processed(context, manifest, translator, todo, lanes):
            for outcome in outcomes:
                _commit(context, manifest, outcome)
                _advance(progress, outcome)
                tally.add(outcome.documents, outcome.segments, outcome.engine_segments)


def _processed(
    context: JobContext,
    manifest: Manifest,
    translator: Translator,
    todo: list[list[Unit]],
    lanes: int,
) -> Iterator[list[UnitOutcome]]:
    """Each batch's outcomes as it finishes, with up to ``lanes`` batches in flight. A batch
    is marked running (in this thread) just before it starts."""
    spec, glossary = context.spec, context.glossary
    if lanes <= 1:
        for batch in todo:
            manifest.mark_running([unit.key for unit in batch], os.getpid())
            yield process_safely(batch, translator, spec, glossary)
        return
    waiting = deque(todo)
    with ThreadPoolExecutor(lanes) as pool:
        running: set[Future[list[UnitOutcome]]] = set()
        try:
            while waiting or running:
                while waiting and len(running) < lanes:
                    batch = waiting.popleft()
                    manifest.mark_running([unit.key for unit in batch], os.getpid())
                    running.add(pool.submit(process_safely, batch, translator, spec, glossary))
                finished, running = futures_wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        finally:
            for future in running:
                future.cancel()


def _commit(context: JobContext, manifest: Manifest, outcome: UnitOutcome) -> None:
    commit(outcome, context.spec.output, manifest, context.settings_hash, context.glossary_version)


def _advance(progress: JobProgress, outcome: UnitOutcome) -> None:
    failed = outcome.documents if not outcome.ok else len(outcome.failures)
    progress.advance(outcome.documents, outcome.segments, failed)


# -- worker processes ------------------------------------------------------------------------


def _worker(context: JobContext, conn: Connection, parent: int) -> None:
    """A worker process: open the model once, then process and commit batches until told to
    stop (``None``) or until the driver is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver decides when to stop
    try:
        translator = context.translator()
    except TarjamaError as exc:
        conn.send(("fatal", type(exc).__name__, str(exc)))
        return
    manifest = Manifest(context.spec.output)
    conn.send(("ready",))
    with translator, manifest:
        while True:
            if not conn.poll(1.0):
                if os.getppid() != parent:
                    return
                continue
            batch: list[Unit] | None = conn.recv()
            if batch is None:
                return
            manifest.mark_running([unit.key for unit in batch], os.getpid())
            for outcome in process_safely(batch, translator, context.spec, context.glossary):
                _commit(context, manifest, outcome)
                failed = outcome.documents if not outcome.ok else len(outcome.failures)
                counts = (outcome.documents, outcome.segments, failed, outcome.engine_segments)
                conn.send(("unit", outcome.unit.key, *counts))
            conn.send(("idle",))


@dataclass
class _Slot:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    batch: list[Unit] | None = None
    open: set[str] = field(default_factory=set)


class _Pool:
    """The driver's side of ``--workers N``: hand out batches, notice deaths, retry."""

    def __init__(
        self,
        context: JobContext,
        manifest: Manifest,
        progress: JobProgress,
        tally: RunTally,
        workers: int,
    ) -> None:
        self.context = context
        self.manifest = manifest
        self.progress = progress
        self.tally = tally
        self.workers = workers
        self.mp = multiprocessing.get_context("spawn")
        self.slots: list[_Slot] = []

    def _start(self) -> _Slot:
        mine, theirs = self.mp.Pipe()
        process = self.mp.Process(
            target=_worker, args=(self.context, theirs, os.getpid()), daemon=True
        )
        process.start()
        theirs.close()
        slot = _Slot(process, mine)
        self.slots.append(slot)
        return slot

    def run(self, todo: list[list[Unit]]) -> None:
        queue: deque[list[Unit]] = deque(todo)
        try:
            for _ in range(min(self.workers, len(queue))):
                self._start()
            while queue or any(slot.batch is not None for slot in self.slots):
                for slot in self.slots:
                    if slot.ready and slot.batch is None and queue:
                        slot.batch = queue.popleft()
                        slot.open = {unit.key for unit in slot.batch}
                        slot.conn.send(slot.batch)
                ready = wait(
                    [s.conn for s in self.slots] + [s.process.sentinel for s in self.slots]
                )
                for slot in list(self.slots):
                    if slot.conn in ready or slot.process.sentinel in ready:
                        self._serve(slot, queue)
        finally:
            self._stop()

    def _serve(self, slot: _Slot, queue: deque[list[Unit]]) -> None:
        gone = False
        try:
            while slot.conn.poll():
                self._message(slot, slot.conn.recv())
        except (EOFError, OSError):
            gone = True
        if not gone and slot.process.is_alive():
            return
        self._died(slot, queue)
        if queue and len(self.slots) < self.workers:
            self._start()

    def _message(self, slot: _Slot, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "ready":
            slot.ready = True
            self.tally.model_opened = True
        elif kind == "unit":
            _, key, documents, segments, failed, fresh = message
            slot.open.discard(key)
            self.progress.advance(documents, segments, failed)
            self.tally.add(documents, segments, fresh)
        elif kind == "idle":
            slot.batch, slot.open = None, set()
        elif kind == "fatal":
            _, name, text = message
            cls = getattr(errors, name, TarjamaError)
            raise (cls if cls is not errors.ModelNotFoundError else errors.ModelError)(text)

    def _died(self, slot: _Slot, queue: deque[list[Unit]]) -> None:
        slot.process.join(timeout=5)
        self.slots.remove(slot)
        slot.conn.close()
        held = [unit for unit in slot.batch or [] if unit.key in slot.open]
        if not held:
            return
        code = slot.process.exitcode
        how = (
            f"signal {-code} ({signal.Signals(-code).name})"
            if code and code < 0
            else f"exit code {code}"
        )
        message = f"the worker process died ({how}) while translating this unit"
        logger.warning("worker %s died (%s) holding %d units", slot.process.pid, how, len(held))
        self.tally.crashes += 1
        again = set(
            self.manifest.crashed([u.key for u in held], message, self.context.spec.max_attempts)
        )
        for unit in reversed(held):
            if unit.key in again:
                queue.appendleft([unit])  # alone, so a second crash names its document
            else:
                self.progress.advance(unit.documents, 0, unit.documents)

    def _stop(self) -> None:
        for slot in self.slots:
            with contextlib.suppress(OSError, ValueError):
                slot.conn.send(None)
        for slot in self.slots:
            slot.process.join(timeout=10)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()
