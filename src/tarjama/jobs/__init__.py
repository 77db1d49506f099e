"""Corpus jobs: a tree or a record corpus translated into OUT, exactly once, resumable.

The job's state lives in OUT (an SQLite manifest); every unit's output is committed atomically,
then its manifest row, so a job killed at any instant and run again loses and repeats nothing.
The work is split so that another backend (Ray) can reuse it: :func:`plan` says what is left,
:func:`process` (pure, picklable arguments) turns units into outcomes with one Translator, and
:func:`commit` writes an outcome and records it; :func:`run_on_ray` runs the same units on a Ray
cluster (Ray imported only then). See docs/jobs.md.
"""

from tarjama.jobs.manifest import Manifest, Summary
from tarjama.jobs.outputs import commit
from tarjama.jobs.plan import plan
from tarjama.jobs.process import process, process_safely
from tarjama.jobs.progress import JobProgress
from tarjama.jobs.ray_backend import run_on_ray
from tarjama.jobs.runner import JobContext, open_context, run_job
from tarjama.jobs.units import DocumentFailure, JobSpec, Unit, UnitOutcome

__all__ = [
    "DocumentFailure",
    "JobContext",
    "JobProgress",
    "JobSpec",
    "Manifest",
    "Summary",
    "Unit",
    "UnitOutcome",
    "commit",
    "open_context",
    "plan",
    "process",
    "process_safely",
    "run_job",
    "run_on_ray",
]
