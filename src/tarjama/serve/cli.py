"""``tarjama serve`` and ``tarjama keys``: the server's commands (registered in tarjama.cli)."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from tarjama.serve.keys import KeyStore

__all__ = ["app_factory", "keys_app", "serve"]

keys_app = typer.Typer(help="API keys for tarjama serve (stored hashed).", no_args_is_help=True)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 5000,
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model name, path, or openai:NAME.")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (each loads the model).")
    ] = 1,
    api_keys: Annotated[
        str | None,
        typer.Option(help="on, off, or auto (required unless listening on loopback)."),
    ] = None,
    memory: Annotated[
        bool | None,
        typer.Option(help="Answer repeated sentences from the translation memory (default on)."),
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "warning",
    feeds: Annotated[
        bool,
        typer.Option("--feeds", help="Poll the watched feeds (tarjama feeds add) meanwhile."),
    ] = False,
) -> None:
    """Serve the LibreTranslate-compatible API, the /v1 API and the web page."""
    import uvicorn

    from tarjama.cli import err, user_errors
    from tarjama.serve import create_app
    from tarjama.settings import load_settings
    from tarjama.translator import Translator

    overrides: dict[str, object] = {"serve_host": host}
    if model:
        overrides["model"] = model
    if api_keys:
        overrides["serve_api_keys"] = api_keys
    if memory is not None:
        overrides["serve_memory"] = memory
    if feeds:
        overrides["serve_feeds"] = True
    with user_errors():
        settings = load_settings(**overrides)
        if workers > 1:
            # Each worker process builds its own app from the environment: hand it the options.
            os.environ["TARJAMA_SERVE_HOST"] = host
            os.environ["TARJAMA_MODEL"] = settings.model
            os.environ["TARJAMA_SERVE_API_KEYS"] = settings.serve_api_keys
            os.environ["TARJAMA_SERVE_MEMORY"] = "1" if settings.serve_memory else "0"
            os.environ["TARJAMA_SERVE_FEEDS"] = "1" if settings.serve_feeds else "0"
            uvicorn.run(
                "tarjama.serve.cli:app_factory",
                factory=True, host=host, port=port, workers=workers, log_level=log_level,
            )  # fmt: skip
            return
        translator = Translator(settings=settings, memory=settings.serve_memory)
        _ = translator.engine  # open the model now: a missing model is one line, not a traceback
        app = create_app(translator, settings=settings)
        err.print(f"serving {settings.model} on http://{host}:{port}", highlight=False)
        try:
            uvicorn.run(app, host=host, port=port, log_level=log_level)
        finally:
            translator.close()


def app_factory() -> object:
    """For ``--workers N``: uvicorn calls this in every worker process."""
    from tarjama.serve import create_app
    from tarjama.settings import load_settings
    from tarjama.translator import Translator

    settings = load_settings()
    translator = Translator(settings=settings, memory=settings.serve_memory)
    return create_app(translator, settings=settings)


@keys_app.command("add")
def keys_add(
    name: Annotated[str, typer.Argument(help="Who or what the key is for.")],
    rate: Annotated[
        int | None, typer.Option(min=0, help="Requests per minute (0 = unlimited).")
    ] = None,
    chars: Annotated[
        int | None, typer.Option(min=0, help="Characters per minute (0 = unlimited).")
    ] = None,
) -> None:
    """Make a key; it is printed once and only its hash is kept."""
    from tarjama.cli import err, user_errors

    with user_errors():
        record, secret = _store().add(name, rate_limit=rate, char_limit=chars)
        print(secret)
        err.print(f"key {record.id} ({record.name}) added; keep it, it is not shown again")


@keys_app.command("list")
def keys_list(
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """List keys (never the keys themselves)."""
    from rich.console import Console
    from rich.table import Table

    from tarjama.cli import user_errors

    with user_errors():
        keys = _store().list()
        if as_json:
            print(json.dumps([k.to_dict() for k in keys], indent=2))
            return
        table = Table("id", "name", "starts", "rate/min", "chars/min", "created", "revoked")
        for k in keys:
            table.add_row(
                str(k.id), k.name, k.prefix, _limit(k.rate_limit), _limit(k.char_limit),
                k.created, k.revoked or "",
            )  # fmt: skip
        Console().print(table)


@keys_app.command("revoke")
def keys_revoke(
    which: Annotated[str, typer.Argument(help="Key id, name or first characters.")],
) -> None:
    """Revoke a key: requests with it are refused (403) from now on."""
    from tarjama.cli import err, user_errors
    from tarjama.errors import ConfigurationError

    with user_errors():
        record = _store().revoke(which)
        if record is None:
            raise ConfigurationError(f"no active key matches {which!r}")
        err.print(f"revoked key {record.id} ({record.name})")


def _store() -> KeyStore:
    from tarjama.serve.keys import KeyStore
    from tarjama.serve.runtime import keys_path
    from tarjama.settings import get_settings

    settings = get_settings()
    return KeyStore(keys_path(settings), timeout=settings.db_timeout)


def _limit(value: int | None) -> str:
    return "default" if value is None else ("unlimited" if value == 0 else str(value))
