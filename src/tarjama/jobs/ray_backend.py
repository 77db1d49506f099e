"""Run a job on a Ray cluster (``tarjama job run --ray [ADDRESS]``): the same units and the same
bytes as a local run, with Ray Data doing the scheduling.

The driver plans as a local run does (:func:`tarjama.jobs.plan.plan`), so units already done
never reach Ray; it cuts the pending units into the local runner's batches and makes one dataset
row of each. ``map_batches`` hands the rows to
:class:`~tarjama.jobs.ray_actors.TranslateBatches`, a callable class of which every actor of a
fixed pool holds one: it opens the model once, calls
:func:`tarjama.jobs.process.process_safely` exactly as a local worker does, and writes each
unit's output atomically under the unit's own name in OUT, which must be on storage every node
sees. It returns each unit's outcome without the bytes; the driver alone writes the manifest
(SQLite, which shared file systems do not lock reliably), each row after the file it records,
as the outcomes stream back.

Exactly once: a task whose actor died (a node lost, an out-of-memory kill, a segfault) is retried
by Ray on a restarted actor and writes the same names with the same bytes, so a retry cannot
duplicate anything, and the driver records each unit once. Ray retries such a task without end
(Ray Data 2.60 offers no per-call limit but a deprecated one), so the actors keep a ledger beside
the manifest (:class:`~tarjama.jobs.ray_actors.AttemptLedger`): a batch that comes back after a
death is done unit by unit, and a unit an actor died on ``max_attempts`` times fails alone as a
``crash``, as in a local run.

Ray is imported only here, and only when a job asks for it. This module is the driver's side;
:mod:`tarjama.jobs.ray_actors` is what runs on the actors.
"""

from __future__ import annotations

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
from typing import Any, TextIO

from tarjama import errors
from tarjama.errors import ConfigurationError, EngineError, ModelError, TarjamaError
from tarjama.jobs.manifest import STATE_FOLDER, Manifest, Summary
from tarjama.jobs.plan import plan
from tarjama.jobs.progress import JobProgress
from tarjama.jobs.ray_actors import TranslateBatches, ledger_folder
from tarjama.jobs.runner import JobContext, RunTally, batches, open_context
from tarjama.jobs.units import DocumentFailure, JobSpec, Unit, UnitOutcome

__all__ = ["LOCAL", "RAY_LOG", "connect", "run_on_ray"]

logger = logging.getLogger(__name__)

LOCAL = "local"
"""The ``--ray`` address that starts a Ray instance on this machine for the run (Ray's own
word for it); ``auto`` joins the one already running here; ``HOST:PORT`` a cluster's head."""

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
    """The model must be found here before a cluster is asked to open it (every node needs it,
    the driver's included: its files are hashed into the settings)."""
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
