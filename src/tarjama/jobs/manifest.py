"""The job's state, in OUT: an SQLite manifest of every unit, what made it, and how it went.

One row per unit: its key (= output path), kind and place in its source, input hash, settings
hash, glossary version and digest, status (``pending``, ``running``, ``done``, ``failed``),
attempts, the error of a failed unit, counts and timings; one row per failed document in
``failures``. A row turns ``done`` only after the unit's output file is on disk under its
final name (:func:`tarjama.jobs.outputs.commit`), so after a kill at any instant a ``done`` row
always has its file, and a file without its row is simply written again, byte for byte.

Opened through :class:`tarjama.sqlitedb.Database` (WAL, busy timeout, short immediate
transactions), so worker processes commit their units into it side by side.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tarjama.errors import ConfigurationError
from tarjama.jobs.units import JobSpec, Unit, UnitOutcome
from tarjama.sqlitedb import Database

__all__ = ["MANIFEST_NAME", "STATE_FOLDER", "Manifest", "Summary", "UnitState"]

STATE_FOLDER = ".tarjama-job"
MANIFEST_NAME = "manifest.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS job (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, facts TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS units (
    key TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    format TEXT NOT NULL DEFAULT '',
    start INTEGER NOT NULL DEFAULT 0,
    stop INTEGER NOT NULL DEFAULT 0,
    byte_start INTEGER NOT NULL DEFAULT 0,
    byte_end INTEGER NOT NULL DEFAULT 0,
    input_hash TEXT NOT NULL,
    settings_hash TEXT NOT NULL DEFAULT '',
    glossary_version TEXT NOT NULL DEFAULT '',
    glossary_digest TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    worker INTEGER,
    error_kind TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    documents INTEGER NOT NULL DEFAULT 1,
    failed INTEGER NOT NULL DEFAULT 0,
    segments INTEGER NOT NULL DEFAULT 0,
    engine_segments INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0,
    finished REAL
);
CREATE INDEX IF NOT EXISTS units_status ON units (status);
CREATE TABLE IF NOT EXISTS failures (
    unit TEXT NOT NULL REFERENCES units (key) ON DELETE CASCADE,
    document TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_unit ON failures (unit);
"""


def _setup(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)


@dataclass(frozen=True)
class UnitState:
    """What the manifest knows of a unit from an earlier run."""

    key: str
    input_hash: str
    settings_hash: str
    glossary_version: str
    glossary_digest: str
    status: str
    attempts: int


@dataclass(frozen=True)
class Summary:
    """Where a job stands: documents done, failed and pending, speed, and errors by kind."""

    units: int
    units_done: int
    units_failed: int
    units_pending: int
    documents: int
    done: int
    failed: int
    pending: int
    segments: int
    engine_segments: int
    rate: float
    """Documents per second over the latest run (0 when it finished nothing)."""
    eta: float | None
    """Seconds left at that rate; ``None`` when unknown."""
    errors: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)
    """What the latest run itself did (units processed, segments sent to the engine, whether
    it opened the model at all); empty for ``job status``."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "units_done": self.units_done,
            "units_failed": self.units_failed,
            "units_pending": self.units_pending,
            "documents": self.documents,
            "done": self.done,
            "failed": self.failed,
            "pending": self.pending,
            "segments": self.segments,
            "engine_segments": self.engine_segments,
            "rate": round(self.rate, 3),
            "eta_seconds": None if self.eta is None else round(self.eta, 1),
            "errors": self.errors,
            "examples": self.examples,
            **({"run": self.run} if self.run else {}),
        }


class Manifest:
    """The manifest of the job in ``out`` (made on first use)."""

    def __init__(self, out: str | Path, *, create: bool = True) -> None:
        self.out = Path(out)
        self.path = self.out / STATE_FOLDER / MANIFEST_NAME
        if not create and not self.path.is_file():
            raise ConfigurationError(f"{self.out} holds no job (no {STATE_FOLDER}/{MANIFEST_NAME})")
        self.db = Database(self.path, what="job manifest", setup=_setup)

    # -- the job ---------------------------------------------------------------------------

    def spec(self) -> JobSpec | None:
        """The command line of the latest run, which ``retry`` and ``status`` reuse."""
        value = self._get("spec")
        return JobSpec.from_dict(json.loads(value)) if value else None

    def start_run(self, spec: JobSpec) -> None:
        """Record the run's spec; refuse a different layout than the job's (see JobSpec)."""
        layout = json.dumps(spec.layout(), sort_keys=True)
        known = self._get("layout")
        if known is not None and known != layout:
            raise ConfigurationError(
                f"{self.out} holds a job with other sources, fields, id field, --replace or "
                f"shard size ({known}); use another -o folder for this one"
            )
        with self.db.write() as conn:
            for name, value in (
                ("layout", layout),
                ("spec", json.dumps(spec.to_dict(), sort_keys=True)),
                ("run_started", repr(time.time())),
            ):
                conn.execute(
                    "INSERT OR REPLACE INTO job (name, value) VALUES (?, ?)", (name, value)
                )

    def _get(self, name: str) -> str | None:
        with self.db.read() as conn:
            row = conn.execute("SELECT value FROM job WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row["value"])

    # -- sources: what spares reading an unchanged input again -----------------------------

    def source_facts(self) -> dict[str, tuple[int, int, Any]]:
        with self.db.read() as conn:
            rows = conn.execute("SELECT path, size, mtime_ns, facts FROM sources").fetchall()
        return {r["path"]: (r["size"], r["mtime_ns"], json.loads(r["facts"])) for r in rows}

    def remember_sources(self, facts: Iterable[tuple[str, int, int, Any]]) -> None:
        rows = [(path, size, mtime, json.dumps(value)) for path, size, mtime, value in facts]
        if not rows:
            return
        with self.db.write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO sources (path, size, mtime_ns, facts) VALUES (?, ?, ?, ?)",
                rows,
            )

    # -- units -----------------------------------------------------------------------------

    def states(self) -> dict[str, UnitState]:
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT key, input_hash, settings_hash, glossary_version, glossary_digest, "
                "status, attempts FROM units"
            ).fetchall()
        return {r["key"]: UnitState(*tuple(r)) for r in rows}

    def sync(
        self,
        units: Sequence[Unit],
        redo: Iterable[str],
        keep_version: Iterable[tuple[str, str]],
    ) -> None:
        """Make the manifest hold exactly ``units``: new ones and those in ``redo`` pending
        (attempts and errors cleared), rows of inputs that are gone dropped; units whose
        glossary changed in no term of theirs just take the new version (``keep_version``).

        Every row takes its unit's place in the input as it is now (byte range, input hash):
        a unit that is still to do, or that ``retry`` makes pending later, is read from there,
        never from where an earlier run found it.
        """
        redo = set(redo)
        with self.db.write() as conn:
            known = {r["key"] for r in conn.execute("SELECT key FROM units")}
            wanted = {unit.key for unit in units}
            conn.executemany("DELETE FROM units WHERE key = ?", [(k,) for k in known - wanted])
            for seq, unit in enumerate(units):
                values = (
                    seq, unit.kind, unit.source, unit.format, unit.start, unit.stop,
                    unit.offset, unit.end, unit.input_hash, unit.documents,
                )  # fmt: skip
                if unit.key not in known:
                    conn.execute(
                        "INSERT INTO units (seq, kind, source, format, start, stop, byte_start, "
                        "byte_end, input_hash, documents, key) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (*values, unit.key),
                    )
                elif unit.key in redo:
                    conn.execute(
                        "UPDATE units SET seq=?, kind=?, source=?, format=?, start=?, stop=?, "
                        "byte_start=?, byte_end=?, input_hash=?, documents=?, status='pending', "
                        "attempts=0, worker=NULL, error_kind='', error='', failed=0, "
                        "segments=0, engine_segments=0, seconds=0, finished=NULL WHERE key=?",
                        (*values, unit.key),
                    )
                    conn.execute("DELETE FROM failures WHERE unit = ?", (unit.key,))
                else:
                    conn.execute(
                        "UPDATE units SET seq=?, kind=?, source=?, format=?, start=?, stop=?, "
                        "byte_start=?, byte_end=?, input_hash=?, documents=? WHERE key=?",
                        (*values, unit.key),
                    )
            conn.executemany(
                "UPDATE units SET glossary_version = ? WHERE key = ?",
                [(version, key) for key, version in keep_version],
            )

    def pending(self) -> list[Unit]:
        """Units still to do, in plan order (a ``running`` one of a dead run is pending)."""
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT key, kind, source, format, start, stop, byte_start, byte_end, input_hash "
                "FROM units WHERE status IN ('pending', 'running') ORDER BY seq"
            ).fetchall()
        return [Unit(*tuple(r)) for r in rows]

    def mark_running(self, keys: Sequence[str], worker: int) -> None:
        with self.db.write() as conn:
            conn.executemany(
                "UPDATE units SET status = 'running', worker = ? "
                "WHERE key = ? AND status != 'done'",
                [(worker, key) for key in keys],
            )

    def record(self, outcome: UnitOutcome, settings_hash: str, glossary_version: str) -> None:
        """The unit's final state, after its output file (if any) is on disk."""
        unit = outcome.unit
        failed = outcome.documents if not outcome.ok else len(outcome.failures)
        first = outcome.failures[0] if outcome.failures and not outcome.ok else None
        with self.db.write() as conn:
            conn.execute(
                "UPDATE units SET status = ?, worker = NULL, input_hash = ?, settings_hash = ?, "
                "glossary_version = ?, glossary_digest = ?, error_kind = ?, error = ?, "
                "failed = ?, segments = ?, engine_segments = ?, seconds = ?, finished = ?, "
                "attempts = attempts + ? WHERE key = ?",
                (
                    "done" if outcome.ok else "failed", unit.input_hash, settings_hash,
                    glossary_version, outcome.glossary_digest,
                    first.kind if first else "", first.message if first else "",
                    failed, outcome.segments, outcome.engine_segments, outcome.seconds,
                    time.time(), 0 if outcome.ok else 1, unit.key,
                ),
            )  # fmt: skip
            conn.execute("DELETE FROM failures WHERE unit = ?", (unit.key,))
            conn.executemany(
                "INSERT INTO failures (unit, document, kind, message) VALUES (?, ?, ?, ?)",
                [(unit.key, f.document, f.kind, f.message) for f in outcome.failures],
            )

    def crashed(self, keys: Sequence[str], message: str, max_attempts: int) -> list[str]:
        """Count a crash against the units a dead worker held; return those to try again
        (under ``max_attempts``); the rest are failed with the crash as their error."""
        again: list[str] = []
        with self.db.write() as conn:
            for key in keys:
                row = conn.execute(
                    "SELECT status, attempts FROM units WHERE key = ?", (key,)
                ).fetchone()
                if row is None or row["status"] == "done":
                    continue
                attempts = row["attempts"] + 1
                if attempts < max_attempts:
                    again.append(key)
                    conn.execute(
                        "UPDATE units SET status = 'pending', worker = NULL, attempts = ? "
                        "WHERE key = ?",
                        (attempts, key),
                    )
                    continue
                conn.execute(
                    "UPDATE units SET status = 'failed', worker = NULL, attempts = ?, "
                    "error_kind = 'crash', error = ?, failed = documents, finished = ? "
                    "WHERE key = ?",
                    (attempts, message, time.time(), key),
                )
                conn.execute("DELETE FROM failures WHERE unit = ?", (key,))
                conn.execute(
                    "INSERT INTO failures (unit, document, kind, message) VALUES (?, ?, ?, ?)",
                    (key, key, "crash", message),
                )
        return again

    def reset_failed(self) -> int:
        """Make every failed unit, and every unit with a failed document, pending again."""
        with self.db.write() as conn:
            cursor = conn.execute(
                "UPDATE units SET status = 'pending', attempts = 0, worker = NULL, "
                "error_kind = '', error = '', failed = 0 WHERE status = 'failed' OR failed > 0"
            )
            conn.execute(
                "DELETE FROM failures "
                "WHERE unit IN (SELECT key FROM units WHERE status = 'pending')"
            )
            return cursor.rowcount

    # -- reporting -------------------------------------------------------------------------

    def summary(self, now: float | None = None) -> Summary:
        with self.db.read() as conn:
            units = conn.execute(
                "SELECT status, COUNT(*) AS n, SUM(documents) AS docs, SUM(failed) AS bad, "
                "SUM(segments) AS segs, SUM(engine_segments) AS fresh FROM units GROUP BY status"
            ).fetchall()
            errors = conn.execute(
                "SELECT kind, COUNT(*) AS n FROM failures GROUP BY kind ORDER BY n DESC, kind"
            ).fetchall()
            examples = conn.execute(
                "SELECT kind, document, message FROM failures ORDER BY rowid"
            ).fetchall()
            started_row = conn.execute(
                "SELECT value FROM job WHERE name = 'run_started'"
            ).fetchone()
            started = float(started_row["value"]) if started_row else None
            recent = conn.execute(
                "SELECT SUM(documents - failed) AS docs, MAX(finished) AS last FROM units "
                "WHERE status = 'done' AND finished >= ?",
                (started or 0.0,),
            ).fetchone()
        by = {r["status"]: r for r in units}

        def count(status: str, column: str) -> int:
            row = by.get(status)
            return int(row[column] or 0) if row is not None else 0

        pending_docs = count("pending", "docs") + count("running", "docs")
        done_docs = count("done", "docs") - count("done", "bad")
        failed_docs = count("done", "bad") + count("failed", "docs")
        rate = 0.0
        if started is not None and recent["docs"]:
            elapsed = max((now or recent["last"] or time.time()) - started, 1e-6)
            rate = float(recent["docs"]) / elapsed
        grouped: dict[str, list[str]] = {}
        for row in examples:
            shown = grouped.setdefault(row["kind"], [])
            if len(shown) < 3:
                shown.append(f"{row['document']}: {row['message']}")
        return Summary(
            units=sum(int(r["n"]) for r in units),
            units_done=count("done", "n"),
            units_failed=count("failed", "n"),
            units_pending=count("pending", "n") + count("running", "n"),
            documents=sum(int(r["docs"] or 0) for r in units),
            done=done_docs,
            failed=failed_docs,
            pending=pending_docs,
            segments=sum(int(r["segs"] or 0) for r in units),
            engine_segments=sum(int(r["fresh"] or 0) for r in units),
            rate=rate,
            eta=pending_docs / rate if rate > 0 else (0.0 if not pending_docs else None),
            errors={r["kind"]: int(r["n"]) for r in errors},
            examples=grouped,
        )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
