"""Run a job on a Ray cluster (``tarjama job run --ray [ADDRESS]``): the same units and the same
bytes as a local run, with Ray Data doing the scheduling.

The driver plans as a local run does (:func:`tarjama.jobs.plan.plan`), so units already done
never reach Ray; it cuts the pending units into the local runner's batches and makes one dataset
row of each. ``map_batches`` hands the rows to :class:`TranslateBatches`, a callable class of
which every actor of a fixed pool holds one: it opens the model once, calls
:func:`tarjama.jobs.process.process_safely` exactly as a local worker does, and writes each
unit's output atomically under the unit's own name in OUT, which must be on storage every node
sees. It returns each unit's outcome without the bytes; the driver alone writes the manifest
(SQLite, which shared file systems do not lock reliably), each row after the file it records,
as the outcomes stream back.

Exactly once: a task whose actor died (a node lost, an out-of-memory kill, a segfault) is retried
by Ray on a restarted actor and writes the same names with the same bytes, so a retry cannot
duplicate anything, and the driver records each unit once. Ray retries such a task without end
(Ray Data 2.60 offers no per-call limit but a deprecated one), so the actors keep a ledger beside
the manifest (:class:`AttemptLedger`): a batch that comes back after a death is done unit by
unit, and a unit an actor died on ``max_attempts`` times fails alone as a ``crash``, as in a
local run.

Ray is imported only here, and only when a job asks for it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import socket
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tarjama import atomic, errors
from tarjama.errors import ConfigurationError, EngineError, ModelError, TarjamaError
from tarjama.jobs.manifest import STATE_FOLDER, Manifest, Summary
from tarjama.jobs.outputs import output_path
from tarjama.jobs.plan import plan
from tarjama.jobs.process import process_safely
from tarjama.jobs.progress import JobProgress
from tarjama.jobs.runner import JobContext, RunTally, batches, open_context
from tarjama.jobs.units import DocumentFailure, JobSpec, Unit, UnitOutcome

if TYPE_CHECKING:
    from tarjama.translator import Translator

__all__ = ["LOCAL", "AttemptLedger", "TranslateBatches", "connect", "run_on_ray"]

logger = logging.getLogger(__name__)

LOCAL = "local"
"""The ``--ray`` address that starts a Ray instance on this machine for the run (Ray's own
word for it); ``auto`` joins the one already running here; ``HOST:PORT`` a cluster's head."""

LEDGER_FOLDER = "ray-attempts"
RAY_LOG = "ray.log"
"""What Ray prints while a run is connected (raylet reports of dead workers, with their
tracebacks), kept in the job's state folder instead of the terminal and stdout."""
_PROBE_SECONDS = 5.0
_OUR_ERROR = re.compile(r"^tarjama\.errors\.(\w+): (.+)$", re.MULTILINE)


def run_on_ray(
    spec: JobSpec,
    *,
    address: str = LOCAL,
    workers: int = 1,
    progress: JobProgress | None = None,
    mapper: type[TranslateBatches] | None = None,
) -> Summary:
    """Plan, process on Ray and commit every pending unit of ``spec``; the job's summary.

    ``workers`` is the size of the actor pool, each actor taking ``spec.threads`` CPUs (one when
    the threads are left to the settings' "all cores"). ``mapper`` is the callable class the
    actors run (:class:`TranslateBatches` unless a subclass is given). Nothing pending: Ray is
    not even started.
    """
    from tarjama.settings import get_settings

    context = open_context(spec)
    progress = progress or JobProgress(enabled=False)
    with Manifest(spec.output) as manifest:
        manifest.start_run(spec)
        pending = plan(
            spec, manifest, context.settings_hash, context.glossary,
            max_bytes=get_settings().max_input_bytes,
        )  # fmt: skip
        before = manifest.summary()
        progress.start(before.documents, before.done, before.failed)
        tally = RunTally(planned=len(pending), workers=workers)
        started = time.perf_counter()
        if pending:
            _check_model(context.model)
            threads = spec.threads or get_settings().threads or 1
            context = replace(context, spec=replace(spec, threads=threads))
            with connect(address, log=Path(spec.output) / STATE_FOLDER / RAY_LOG):
                _run(context, manifest, pending, progress, tally, workers, mapper)
        tally.seconds = round(time.perf_counter() - started, 3)
        return replace(manifest.summary(), run={**asdict(tally), "backend": "ray"})


def _check_model(model: str) -> None:
    """The model must open here before a cluster is asked to open it (every node needs it, the
    driver's included: its files are hashed into the settings)."""
    if model.startswith("openai:"):
        return
    from tarjama.models.resolve import resolve_model

    resolve_model(model)


@contextmanager
def connect(address: str = LOCAL, *, log: Path | None = None) -> Iterator[None]:
    """Join (or start) the Ray cluster for the run, and leave it afterwards.

    A process already connected (a notebook, a test that started its cluster) is used as it
    is. An address nobody answers at is refused within seconds: Ray itself would keep trying
    for minutes. Meanwhile stdout goes to ``log`` (stderr without one): Ray prints what its
    raylets report (a dead worker, with its traceback) to stdout, which holds the command's
    result (``--json``).
    """
    try:
        import ray
    except ImportError as exc:
        raise ConfigurationError(
            "--ray needs Ray: pip install 'tarjama[ray]' (on every node of the cluster)"
        ) from exc
    with _ray_output(log) as sink, redirect_stdout(sink):
        if ray.is_initialized():
            yield
        else:
            with _joined(ray, address):
                yield


@contextmanager
def _joined(ray: Any, address: str) -> Iterator[None]:
    options: dict[str, Any] = {"configure_logging": False, "log_to_driver": False}
    if address == LOCAL:
        options["include_dashboard"] = False
    elif address != "auto":
        _probe(address)
    try:
        ray.init(address=address, **options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ConfigurationError(f"cannot join the Ray cluster at {address}: {exc}") from exc
    try:
        yield
    finally:
        ray.shutdown()


@contextmanager
def _ray_output(log: Path | None) -> Iterator[TextIO]:
    if log is None:
        yield sys.stderr
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a", encoding="utf-8") as file:
        yield file


def _probe(address: str) -> None:
    host, _, port = address.removeprefix("ray://").rpartition(":")
    hint = ""
    if Path(address).exists():
        hint = "; to start Ray on this machine, write --ray local or put --ray after the sources"
    if not host or not port.isdigit():
        raise ConfigurationError(
            f"--ray {address}: give the cluster head's HOST:PORT, or 'local'{hint}"
        )
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=_PROBE_SECONDS).close()
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise ConfigurationError(f"no Ray cluster answers at {address} ({reason}){hint}") from exc


def _run(
    context: JobContext,
    manifest: Manifest,
    pending: Sequence[Unit],
    progress: JobProgress,
    tally: RunTally,
    workers: int,
    mapper: type[TranslateBatches] | None,
) -> None:
    import ray
    import ray.data

    spec = context.spec
    shutil.rmtree(ledger_folder(spec.output), ignore_errors=True)  # a killed run's counts
    rows = [
        {"units": json.dumps([asdict(unit) for unit in batch])}
        for batch in batches(pending, spec.batch_documents)
    ]
    units = {unit.key: unit for unit in pending}
    recorded: set[str] = set()
    with _data_context():
        # one block per batch, so a retried task redoes one batch only
        dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            mapper or TranslateBatches,
            batch_size=1,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=2),
            num_cpus=spec.threads,
            fn_constructor_kwargs={"context": context},
        )
        tally.model_opened = True
        try:
            for row in dataset.iter_rows():
                key = str(row["key"])
                if key in recorded:
                    continue
                recorded.add(key)
                outcome = _outcome(units[key], row)
                manifest.record(outcome, context.settings_hash, context.glossary_version)
                failed = outcome.documents if not outcome.ok else len(outcome.failures)
                progress.advance(outcome.documents, outcome.segments, failed)
                tally.add(outcome.documents, outcome.segments, outcome.engine_segments)
        except ray.exceptions.RayError as exc:  # what an actor raised comes wrapped in these
            raise _job_error(exc) from None


@contextmanager
def _data_context() -> Iterator[None]:
    """Ray Data without its progress bars and its console lines for the run: the job has its
    display, and what stops a run comes back as one error of ours. Ray Data's log file (in the
    Ray session's logs) still gets everything."""
    from ray.data import DataContext

    data = DataContext.get_current()
    saved = (data.enable_progress_bars, data.print_on_execution_start)
    data.enable_progress_bars, data.print_on_execution_start = False, False
    consoles = [
        handler
        for handler in logging.getLogger("ray.data").handlers
        if isinstance(handler, logging.StreamHandler)
        and not isinstance(handler, logging.FileHandler)
    ]
    levels = [handler.level for handler in consoles]
    for handler in consoles:
        handler.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        data.enable_progress_bars, data.print_on_execution_start = saved
        for handler, level in zip(consoles, levels, strict=True):
            handler.setLevel(level)


def _outcome(unit: Unit, row: dict[str, Any]) -> UnitOutcome:
    """The driver's copy of an actor's outcome; ``data`` only says whether a file was written."""
    failures = tuple(DocumentFailure(**item) for item in json.loads(str(row["failures"])))
    return UnitOutcome(
        unit,
        b"" if bool(row["ok"]) else None,
        failures,
        int(row["documents"]),
        int(row["segments"]),
        int(row["engine_segments"]),
        float(row["seconds"]),
        str(row["glossary_digest"]),
    )


def _ours(exc: BaseException) -> TarjamaError | None:
    """The error of ours a Ray exception carries (a model that cannot open on an actor)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        cause = getattr(current, "cause", None)
        if isinstance(cause, TarjamaError):
            return cause
        if isinstance(current, TarjamaError) and cause is None:
            return current
        todo += [e for e in (cause, current.__cause__, current.__context__) if e is not None]
    return None


def _job_error(exc: BaseException) -> TarjamaError:
    """One error of ours for what stopped the run; an actor whose ``__init__`` failed (the
    model missing on a node) comes back as text only, its error's name and message in it."""
    ours = _ours(exc)
    if ours is not None:
        return ours
    text = str(exc)
    named = _OUR_ERROR.findall(text)
    if named:
        name, message = named[-1]
        cls = getattr(errors, name, TarjamaError)
        if not isinstance(cls, type) or not issubclass(cls, TarjamaError):
            cls = TarjamaError
        if issubclass(cls, errors.ModelNotFoundError):  # its own arguments; the message says all
            cls = ModelError
        return cls(f"on the Ray cluster: {message}")
    first = text.strip().splitlines()[0] if text.strip() else ""
    return EngineError(f"the job stopped on the Ray cluster ({type(exc).__name__}: {first})")


# -- the actors ------------------------------------------------------------------------------


def ledger_folder(out: str | Path) -> Path:
    return Path(out) / STATE_FOLDER / LEDGER_FOLDER


class AttemptLedger:
    """Which batches and units an actor died on, counted in small files beside the manifest.

    A batch's file is made when an actor starts it and removed when it is done, so a batch
    that finds its file already there is a retry after a death: every unit in it was in the
    actor's hands once, and each is then done alone, its own file counting its deaths alone.
    Files, not the manifest: actors on other nodes must not write to SQLite over shared
    storage, and Ray gives a task no count of its own retries.
    """

    def __init__(self, folder: Path, max_attempts: int) -> None:
        self.folder = folder
        self.max_attempts = max_attempts

    def _path(self, keys: Sequence[str]) -> Path:
        name = hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()[:32]
        return self.folder / name

    def first_try(self, units: Sequence[Unit]) -> bool:
        """Mark the batch started; ``False`` when an actor already died on it."""
        path = self._path([unit.key for unit in units])
        if path.exists():
            return False
        self.folder.mkdir(parents=True, exist_ok=True)
        path.write_text("started\n", encoding="utf-8")
        return True

    def deaths(self, unit: Unit) -> int:
        """How many times an actor died with ``unit`` in hand: once with its batch, and once
        for every start of its own that did not end."""
        path = self._path([unit.key, "alone"])
        return 1 + (int(path.read_text(encoding="utf-8")) if path.exists() else 0)

    def start(self, unit: Unit) -> None:
        """``unit`` is being done alone: should the actor die now, this counts."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._path([unit.key, "alone"]).write_text(str(self.deaths(unit)), encoding="utf-8")

    def end(self, unit: Unit) -> None:
        self._path([unit.key, "alone"]).unlink(missing_ok=True)

    def finish(self, units: Sequence[Unit]) -> None:
        """The batch is done: nothing of it is in an actor's hands any more."""
        self._path([unit.key for unit in units]).unlink(missing_ok=True)


class TranslateBatches:
    """The callable class ``map_batches`` runs: one per actor, its model opened once.

    Each call gets one row, a batch of units, and answers one row per unit (outcome without the
    bytes: those are in OUT already). :meth:`write` is the one place an output is written.
    """

    def __init__(self, context: JobContext) -> None:
        self.context = context
        self.spec = context.spec
        self.translator: Translator = context.translator()
        self.ledger = AttemptLedger(ledger_folder(self.spec.output), self.spec.max_attempts)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        outcomes = [
            outcome
            for payload in batch["units"]
            for outcome in self.translate([Unit(**unit) for unit in json.loads(str(payload))])
        ]
        return {
            "key": [o.unit.key for o in outcomes],
            "ok": [o.ok for o in outcomes],
            "failures": [json.dumps([asdict(f) for f in o.failures]) for o in outcomes],
            "documents": [o.documents for o in outcomes],
            "segments": [o.segments for o in outcomes],
            "engine_segments": [o.engine_segments for o in outcomes],
            "seconds": [o.seconds for o in outcomes],
            "glossary_digest": [o.glossary_digest for o in outcomes],
        }

    def translate(self, units: list[Unit]) -> list[UnitOutcome]:
        """The batch's outcomes, its outputs written; after a death, unit by unit."""
        if self.ledger.first_try(units):
            outcomes = self._process(units)
        else:
            outcomes = [self._alone(unit) for unit in units]
        self.ledger.finish(units)
        return outcomes

    def _alone(self, unit: Unit) -> UnitOutcome:
        deaths = self.ledger.deaths(unit)
        if deaths >= self.spec.max_attempts:
            message = f"the Ray actor died {deaths} times while translating this unit"
            logger.warning("unit %s failed: %s", unit.key, message)
            failure = DocumentFailure(unit.key, "crash", message)
            return UnitOutcome(unit, None, (failure,), unit.documents)
        self.ledger.start(unit)
        [outcome] = self._process([unit])
        self.ledger.end(unit)
        return outcome

    def _process(self, units: list[Unit]) -> list[UnitOutcome]:
        outcomes = process_safely(units, self.translator, self.spec, self.context.glossary)
        for outcome in outcomes:
            self.write(outcome)
        return outcomes

    def write(self, outcome: UnitOutcome) -> None:
        """The unit's output under its final name, atomically (nothing for a failed unit)."""
        if outcome.data is not None:
            atomic.write_bytes(output_path(self.spec.output, outcome.unit), outcome.data)
