"""``tarjama feeds add|list|remove|run``: watched feeds from the command line (registered in
tarjama.cli).

Thin: parse, call :mod:`tarjama.feeds`, format. The store is ``$TARJAMA_HOME/feeds.sqlite``,
the same file ``tarjama serve --feeds`` reads and polls, so ``feeds run`` may run beside a
server. Errors are the rest of the CLI's exit codes; ``run --once`` exits 1 when a feed failed,
after reporting every feed.
"""

from __future__ import annotations

import importlib.util
import json
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from tarjama.feeds.schedule import PollReport, Scheduler
    from tarjama.feeds.store import FeedStore

__all__ = ["feeds_app"]

EXIT_FAILED = 1

feeds_app = typer.Typer(
    help="Watch Arabic news feeds (RSS, Atom, JSON Feed): each new item translated once.",
    no_args_is_help=True,
)
err = Console(stderr=True)


def _user_errors() -> AbstractContextManager[None]:
    from tarjama.cli import user_errors  # the one place errors become exit codes

    return user_errors()


def _store() -> FeedStore:
    from tarjama.feeds.store import FeedStore, feeds_path
    from tarjama.settings import get_settings

    settings = get_settings()
    return FeedStore(feeds_path(settings), timeout=settings.db_timeout)


@feeds_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A short name: the English feed is /feeds/NAME.xml.")],
    url: Annotated[str, typer.Argument(help="The feed's http(s) URL.")],
    every: Annotated[
        str, typer.Option("--every", help="How often to poll: 15m, 90s, 2h, 1d.")
    ] = "15m",
    full_text: Annotated[
        bool,
        typer.Option(
            "--full-text", help="Also fetch each item's article from its link and translate it."
        ),
    ] = False,
) -> None:
    """Watch a feed; its first poll is due at once."""
    from tarjama.feeds.fetch import check_url
    from tarjama.feeds.schedule import format_every, parse_every

    with _user_errors(), _store() as store:
        seconds = parse_every(every)
        feed = store.add(name, check_url(url), every=seconds, full_text=full_text, now=time.time())
        extra = ", full text" if feed.full_text else ""
        if full_text and importlib.util.find_spec("trafilatura") is None:
            from tarjama.feeds.fulltext import FULL_TEXT_NEEDS

            err.print(f"[yellow]warning:[/] {escape(FULL_TEXT_NEEDS)}", highlight=False)
        err.print(
            f"watching [bold]{escape(feed.name)}[/] every {format_every(feed.every)}{extra}: "
            f"{escape(feed.url)}",
            highlight=False,
        )


@feeds_app.command("list")
def list_feeds(
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """The watched feeds: schedule, last poll, items, failures."""
    from tarjama.feeds.schedule import format_every

    with _user_errors(), _store() as store:
        feeds = store.feeds()
        if as_json:
            print(json.dumps([f.to_dict() for f in feeds], indent=2, ensure_ascii=False))
            return
        if not feeds:
            err.print("no feeds watched; add one with 'tarjama feeds add NAME URL'")
            return
        now = time.time()
        table = Table("name", "every", "items", "last poll", "status", "next poll", "url")
        for f in feeds:
            status = f.last_status or "never polled"
            if f.last_status == "failed":
                status = f"failed ×{f.failures}: {f.last_error}"
            table.add_row(
                f.name, format_every(f.every) + (" +text" if f.full_text else ""), str(f.items),
                _ago(now, f.last_poll), status, _until(now, f.next_poll), f.url,
            )  # fmt: skip
        Console().print(table)


@feeds_app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="The feed's name.")]) -> None:
    """Stop watching a feed and forget its items and their English."""
    from tarjama.errors import ConfigurationError

    with _user_errors(), _store() as store:
        if not store.remove(name):
            known = ", ".join(f.name for f in store.feeds()) or "none"
            raise ConfigurationError(f"no feed called {name!r} (watched: {known})")
        err.print(f"stopped watching {escape(name)}", highlight=False)


@feeds_app.command("run")
def run(
    once: Annotated[bool, typer.Option("--once", help="Poll every feed once, then stop.")] = False,
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model name, path, or openai:NAME.")
    ] = None,
    threads: Annotated[
        int | None, typer.Option(min=0, help="CPU threads for the model (0 = all cores).")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Feeds fetched at once (translation is shared).")
    ] = 4,
    memory: Annotated[
        bool, typer.Option(help="Reuse sentences from the translation memory.")
    ] = True,
    as_json: Annotated[
        bool, typer.Option("--json", help="With --once: the polls' reports as JSON.")
    ] = False,
) -> None:
    """Poll the feeds when they are due and translate their new items, until stopped."""
    with _user_errors(), _scheduler(model, threads, workers, memory) as scheduler:
        if once:
            reports = scheduler.run_once()
            if as_json:
                print(json.dumps([_report_dict(r) for r in reports], indent=2))
            else:
                for report in reports:
                    _say(report)
            if any(r.status == "failed" for r in reports):
                raise typer.Exit(EXIT_FAILED)
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        err.print("polling feeds; Ctrl-C to stop", highlight=False)
        scheduler.run(stop, on_report=_say)


@contextmanager
def _scheduler(
    model: str | None, threads: int | None, workers: int, memory: bool
) -> Iterator[Scheduler]:
    from tarjama.feeds.fetch import Fetcher
    from tarjama.feeds.fulltext import full_text_step
    from tarjama.feeds.poll import Poller
    from tarjama.feeds.schedule import Scheduler
    from tarjama.settings import get_settings
    from tarjama.translator import Translator

    settings = get_settings()
    with (
        _store() as store,
        Fetcher() as fetcher,
        Translator(model, threads=threads, settings=settings, memory=memory) as translator,
    ):
        _ = translator.engine  # open the model now: a missing model is one line, exit 4
        poller = Poller(
            store, fetcher, translator, on_translated=full_text_step(store, fetcher, translator)
        )
        yield Scheduler(store, poller, workers=workers)


def _say(report: PollReport) -> None:
    style = "red" if report.status == "failed" else ""
    line = escape(report.describe())
    err.print(f"[{style}]{line}[/]" if style else line, highlight=False, soft_wrap=True)


def _report_dict(report: PollReport) -> dict[str, object]:
    from dataclasses import asdict

    return asdict(report)


def _ago(now: float, then: float | None) -> str:
    return "never" if then is None else f"{_span(now - then)} ago"


def _until(now: float, then: float) -> str:
    return "due" if then <= now else f"in {_span(then - now)}"


def _span(seconds: float) -> str:
    seconds = max(seconds, 0)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"
