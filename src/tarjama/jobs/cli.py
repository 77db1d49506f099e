"""``tarjama job run|status|retry``: corpus jobs from the command line (registered in tarjama.cli).

Thin: parse, call :func:`tarjama.jobs.run_job`, show the progress and the summary. Exit codes
are those of the rest of the CLI for an error that stops the job (4 model, 5 configuration, 6
storage …); a job that ran to the end with failed documents exits 3 when all of them were bad
input and 1 otherwise, after its summary.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperCommand

from tarjama.jobs.manifest import Manifest, Summary
from tarjama.jobs.progress import JobProgress
from tarjama.jobs.units import JobSpec

__all__ = ["job_app"]

EXIT_FAILED_INPUT, EXIT_FAILED = 3, 1

job_app = typer.Typer(
    help="Corpus jobs: translate trees and JSONL/CSV/Parquet corpora, resumable, exactly once.",
    no_args_is_help=True,
)
err = Console(stderr=True)


class _RayCommand(TyperCommand):
    """A command whose ``--ray`` may come without its address, meaning ``--ray local``: typer
    has no option whose value can be left out, so a bare ``--ray`` (last, or before another
    option) is given ``local`` before the arguments are parsed."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's own click Context
        bare = [
            i
            for i, arg in enumerate(args)
            if arg == "--ray" and (i + 1 == len(args) or args[i + 1].startswith("-"))
        ]
        for i in bare:
            args[i] = "--ray=local"
        return super().parse_args(ctx, args)


RAY_HELP = (
    "Run on Ray. Alone (or 'local'): Ray on this machine for the run; HOST:PORT: join that "
    "cluster (OUT and the sources on storage every node sees). --workers is then the actor pool."
)


def _user_errors() -> AbstractContextManager[None]:
    from tarjama.cli import user_errors  # the one place errors become exit codes

    return user_errors()


@job_app.command("run", cls=_RayCommand)
def run(
    sources: Annotated[
        list[Path], typer.Argument(help="Folders (trees) and JSONL, CSV or Parquet corpora.")
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="The job folder: outputs and the manifest.")
    ],
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model name, path, or openai:NAME.")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes, each loading the model once.")
    ] = 1,
    threads: Annotated[
        int | None, typer.Option(min=0, help="CPU threads per worker (0 = all cores).")
    ] = None,
    beam: Annotated[int | None, typer.Option(min=1, help="Beam size (CTranslate2 models).")] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field", help="Record field to translate (repeatable); required for corpora."
        ),
    ] = None,
    id_field: Annotated[
        str | None,
        typer.Option("--id-field", help="Record field that names a record (default: row number)."),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="English in FIELD itself instead of FIELD_en.")
    ] = False,
    glossary: Annotated[
        list[Path] | None,
        typer.Option(
            "--glossary", "-g", help="Glossary (TSV, CSV or TBX); repeatable, later wins."
        ),
    ] = None,
    shard_size: Annotated[
        int, typer.Option(min=1, help="Records per output shard (the unit of commit).")
    ] = 1000,
    max_attempts: Annotated[
        int, typer.Option(min=1, help="Tries per unit when a worker process dies on it.")
    ] = 3,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the final summary as JSON.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No live display.")] = False,
    ray: Annotated[str | None, typer.Option("--ray", metavar="[ADDRESS]", help=RAY_HELP)] = None,
) -> None:
    """Translate a corpus into OUT; rerun the same command to resume after any interruption."""
    with _user_errors():
        from tarjama.errors import ConfigurationError

        fields = tuple(field or ())
        records = [
            s for s in sources if s.suffix.lower() in (".jsonl", ".ndjson", ".csv", ".parquet")
        ]
        if records and not fields:
            raise ConfigurationError(
                f"{records[0]} is a record corpus: name what to translate with --field"
            )
        spec = JobSpec(
            sources=tuple(str(s.resolve()) for s in sources),
            output=str(output.resolve()),
            model=model,
            beam=beam,
            threads=threads,
            fields=fields,
            id_field=id_field,
            replace=replace,
            glossaries=tuple(str(g.resolve()) for g in glossary or ()),
            shard_size=shard_size,
            max_attempts=max_attempts,
        )
        _run(spec, workers, as_json, quiet, ray)


@job_app.command("status")
def status(
    output: Annotated[Path, typer.Argument(help="The job folder.")],
    as_json: Annotated[bool, typer.Option("--json", help="The summary as JSON.")] = False,
) -> None:
    """Done, failed and pending documents, rate, ETA, and errors grouped by kind."""
    with _user_errors(), Manifest(output, create=False) as manifest:
        _show(manifest.summary(), as_json)


@job_app.command("retry", cls=_RayCommand)
def retry(
    output: Annotated[Path, typer.Argument(help="The job folder.")],
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the final summary as JSON.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No live display.")] = False,
    ray: Annotated[str | None, typer.Option("--ray", metavar="[ADDRESS]", help=RAY_HELP)] = None,
) -> None:
    """Translate the failed documents again, with the job's last settings."""
    from tarjama.errors import ConfigurationError

    with _user_errors():
        with Manifest(output, create=False) as manifest:
            spec = manifest.spec()
            if spec is None:
                raise ConfigurationError(f"{output} holds no job settings to retry with")
            count = manifest.reset_failed()
        if not quiet:
            err.print(f"retrying {count} failed units", highlight=False)
        _run(spec, workers, as_json, quiet, ray)


def _run(spec: JobSpec, workers: int, as_json: bool, quiet: bool, ray: str | None = None) -> None:
    from tarjama.jobs.runner import run_job

    with JobProgress(console=err, enabled=not quiet) as progress:
        if ray is not None:
            from tarjama.jobs.ray_backend import run_on_ray

            summary = run_on_ray(spec, address=ray, workers=workers, progress=progress)
        else:
            summary = run_job(spec, workers=workers, progress=progress)
    _show(summary, as_json, quiet=quiet)
    if summary.failed or summary.units_failed:
        only_input = set(summary.errors) <= {"input"}
        raise typer.Exit(EXIT_FAILED_INPUT if only_input else EXIT_FAILED)


def _show(summary: Summary, as_json: bool, *, quiet: bool = False) -> None:
    if as_json:
        print(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
        return
    if quiet and not summary.failed:
        return
    table = Table("documents", "done", "failed", "pending", "segments", "rate", "ETA")
    eta = "-" if summary.eta is None else f"{summary.eta:,.0f} s"
    table.add_row(
        f"{summary.documents:,}", f"{summary.done:,}", f"{summary.failed:,}",
        f"{summary.pending:,}", f"{summary.segments:,}", f"{summary.rate:,.1f}/s", eta,
    )  # fmt: skip
    err.print(table)
    for kind, count in summary.errors.items():
        err.print(f"[bold red]{escape(kind)}[/]: {count:,} failed", highlight=False)
        for example in summary.examples.get(kind, []):
            err.print(f"  {escape(example)}", highlight=False, soft_wrap=True)
