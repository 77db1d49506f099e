"""One live display for a job, local or on Ray: documents and segments done, rate, ETA, failures.

A table of small columns (rich's way), each rendering one thing. Backends only call
:meth:`JobProgress.start` and :meth:`JobProgress.advance`; ``--quiet`` gives a display that
shows nothing, so they never ask whether anyone is watching.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

__all__ = ["FailedColumn", "JobProgress", "RateColumn", "SegmentsColumn"]


class RateColumn(ProgressColumn):
    """Documents per second, over the last few updates."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text("? docs/s" if speed is None else f"{speed:,.1f} docs/s", style="cyan")


class SegmentsColumn(ProgressColumn):
    """Segments translated so far in this run."""

    def render(self, task: Task) -> Text:
        return Text(f"{int(task.fields.get('segments', 0)):,} segments")


class FailedColumn(ProgressColumn):
    """Documents that failed so far (red when any did)."""

    def render(self, task: Task) -> Text:
        failed = int(task.fields.get("failed", 0))
        return Text(f"{failed:,} failed", style="bold red" if failed else "dim")


class JobProgress:
    """The live display of one run; a context manager. ``enabled=False`` shows nothing."""

    def __init__(
        self,
        *,
        console: Console | None = None,
        enabled: bool = True,
        get_time: Callable[[], float] | None = None,
    ) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("docs"),
            SegmentsColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            FailedColumn(),
            console=console or Console(stderr=True),
            disable=not enabled,
            transient=False,
            get_time=get_time,
        )
        self._task = self._progress.add_task("job", total=None, start=False, segments=0, failed=0)

    def start(self, total: int, done: int = 0, failed: int = 0, label: str = "job") -> None:
        """The run begins: ``total`` documents, of which ``done`` (and ``failed``) are already."""
        self._progress.update(
            self._task, total=total, completed=done + failed, failed=failed, description=label
        )
        self._progress.start_task(self._task)

    def advance(self, documents: int, segments: int = 0, failed: int = 0) -> None:
        """A unit was committed: ``documents`` more handled, ``failed`` of them failed."""
        task = self._progress.tasks[0]
        self._progress.update(
            self._task,
            advance=documents,
            segments=int(task.fields["segments"]) + segments,
            failed=int(task.fields["failed"]) + failed,
        )

    def __enter__(self) -> JobProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()
