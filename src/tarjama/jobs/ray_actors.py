"""What runs on the Ray actors of a job (``tarjama job run --ray``): the callable class
``map_batches`` instantiates once per actor, and the ledger that bounds Ray's retries.

An actor opens the model once, translates batches of units with
:func:`tarjama.jobs.process.process_safely` (the function a local worker calls) and writes each
unit's output atomically under the unit's own name in OUT. It never opens the manifest: it
answers outcomes without their bytes, and the driver (:mod:`tarjama.jobs.ray_backend`) records
them. The module imports no Ray: Ray imports it, on the actors.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama import atomic
from tarjama.jobs.manifest import STATE_FOLDER
from tarjama.jobs.outputs import output_path
from tarjama.jobs.process import process_safely
from tarjama.jobs.units import DocumentFailure, Unit, UnitOutcome

if TYPE_CHECKING:
    from tarjama.jobs.runner import JobContext
    from tarjama.translator import Translator

__all__ = ["LEDGER_FOLDER", "AttemptLedger", "TranslateBatches", "ledger_folder"]

logger = logging.getLogger(__name__)

LEDGER_FOLDER = "ray-attempts"


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
        if deaths >= self.ledger.max_attempts:
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
