"""Download model files from a Hugging Face–compatible hub, speaking its plain HTTP protocol.

We use httpx rather than ``huggingface_hub`` so that the dependency stays small, the URL
(``TARJAMA_HUB_URL``) can point at any mirror that serves the same layout, and every failure
becomes one clear :class:`ModelError` instead of a traceback:

* ``GET {hub}/api/models/{repo}/revision/{rev}`` → ``{"sha": ..., "siblings": [{"rfilename"}]}``
* ``GET {hub}/{repo}/resolve/{rev}/{file}`` → the file (often via a redirect to a CDN); the hub
  sends ``X-Linked-Etag`` (LFS files: the SHA-256) and ``X-Linked-Size`` on that first response.

Files stream to ``<name>.part`` and are renamed only once their size and (where known) hash
match, so an interrupted download resumes with a ``Range`` request instead of starting over.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from tarjama.errors import ModelError
from tarjama.settings import Settings, get_settings

__all__ = [
    "DownloadedFile",
    "HubClient",
    "RepoInfo",
    "Snapshot",
    "download_snapshot",
    "import_hint",
    "select_files",
]

CHUNK = 1 << 20
# Retry policy for downloads: attempts per request and the first back-off in seconds (it
# doubles each time, capped at 30 s). Module-level so an embedding application can tune it.
DEFAULT_ATTEMPTS = 5
DEFAULT_BACKOFF = 1.0
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_TOKENIZER_FILES = re.compile(
    r"^(tokenizer.*\.json|special_tokens_map\.json|added_tokens\.json|vocab.*\.(json|txt)"
    r"|merges\.txt|.*\.spm|sentencepiece.*\.model|spiece\.model|generation_config\.json)$"
)
_SHARDED = {
    "model.safetensors.index.json": re.compile(r"^model-\d+-of-\d+\.safetensors$"),
    "pytorch_model.bin.index.json": re.compile(r"^pytorch_model-\d+-of-\d+\.bin$"),
}


def import_hint(name: str) -> str:
    """How to install ``name`` without the hub (said in every download error)."""
    return (
        f"To install it without the hub, copy the model's files to this machine and run: "
        f"tarjama models import PATH --name {name}"
    )


@dataclass(frozen=True)
class RepoInfo:
    """What the hub says about one revision of a repo."""

    repo_id: str
    revision: str
    sha: str
    files: tuple[str, ...]
    sizes: dict[str, int]  # only where the hub said (``?blobs=true``)
    hashes: dict[str, str]  # LFS SHA-256 where the hub said


@dataclass(frozen=True)
class DownloadedFile:
    """One file now on disk, with the hash we computed while writing it."""

    name: str
    path: Path
    size: int
    sha256: str
    checked: bool  # True when the hub gave a SHA-256 and it matched


@dataclass(frozen=True)
class Snapshot:
    """The files of one resolved revision, downloaded into ``folder``."""

    repo_id: str
    revision: str
    sha: str
    folder: Path
    files: tuple[DownloadedFile, ...]


class _Retryable(Exception):
    """A failure worth another try (5xx, short body)."""


class _Restart(Exception):
    """The partial file cannot be resumed; it was deleted and the download starts again."""


def select_files(
    available: Iterable[str], kind: str, wanted: Sequence[str] = (), *, repo_id: str = ""
) -> list[str]:
    """Pick what the engine needs from a repo listing.

    GGUF: exactly the ``wanted`` files. Transformers (to be converted for CTranslate2): the
    config, tokenizer and vocabulary files and one set of weights, preferring safetensors.
    """
    files = set(available)
    if kind == "gguf" or wanted:
        missing = [name for name in wanted if name not in files]
        if missing or not wanted:
            offered = sorted(name for name in files if name.endswith(".gguf"))
            raise ModelError(
                f"{repo_id or 'the repo'} has no file {', '.join(missing) or '(none named)'}; "
                f"its .gguf files are: {', '.join(offered) or 'none'}"
            )
        return list(wanted)
    top = {name for name in files if "/" not in name}
    if "config.json" not in top:
        raise ModelError(f"{repo_id or 'the repo'} has no config.json: not a Transformers model")
    chosen = ["config.json", *sorted(name for name in top if _TOKENIZER_FILES.match(name))]
    for single, index in (
        ("model.safetensors", "model.safetensors.index.json"),
        ("pytorch_model.bin", "pytorch_model.bin.index.json"),
    ):
        if single in top:
            return [*chosen, single]
        if index in top:
            shards = sorted(name for name in top if _SHARDED[index].match(name))
            return [*chosen, index, *shards]
    raise ModelError(
        f"{repo_id or 'the repo'} has no weights (model.safetensors or pytorch_model.bin)"
    )


def _linked(responses: Sequence[httpx.Response]) -> tuple[str | None, int | None]:
    """The SHA-256 and size the hub vouches for, from the redirect chain and final response."""
    sha: str | None = None
    size: int | None = None
    for response in responses:
        for header in ("x-linked-etag", "etag"):
            value = response.headers.get(header, "").strip()
            value = value.removeprefix("W/").strip('"').lower()
            if sha is None and _SHA256.match(value):
                sha = value
        linked_size = response.headers.get("x-linked-size")
        if size is None and linked_size and linked_size.isdigit():
            size = int(linked_size)
    return sha, size


def _total_size(response: httpx.Response) -> int | None:
    if response.status_code == 206:
        content_range = response.headers.get("content-range", "")
        total = content_range.rpartition("/")[2]
        return int(total) if total.isdigit() else None
    length = response.headers.get("content-length")
    return int(length) if length and length.isdigit() else None


class HubClient:
    """A small client for the hub's HTTP protocol, with retries, resume and a progress bar."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 60.0,
        attempts: int = DEFAULT_ATTEMPTS,
        backoff: float = DEFAULT_BACKOFF,
        progress: bool = True,
        console: Console | None = None,
        model_name: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.model_name = model_name
        # identity: byte offsets for Range resume must be offsets into the file itself.
        headers = {"User-Agent": "tarjama", "Accept-Encoding": "identity"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
            follow_redirects=True,
        )
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            disable=not progress,
        )

    def __enter__(self) -> HubClient:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._progress.stop()
        self._client.close()

    # -- errors -------------------------------------------------------------------------------

    def _label(self, repo_id: str) -> str:
        return repo_id if not self.model_name else f"{self.model_name} ({repo_id})"

    def _fail(self, repo_id: str, detail: str) -> ModelError:
        name = self.model_name or "NAME"
        return ModelError(
            f"cannot download {self._label(repo_id)} from {self.base_url}: {detail}. "
            f"{import_hint(name)}"
        )

    def _check_status(self, response: httpx.Response, repo_id: str, what: str) -> None:
        status = response.status_code
        if status < 400:
            return
        if status >= 500 or status == 429:
            raise _Retryable(f"{what}: HTTP {status}")
        if status in (401, 403):
            raise self._fail(
                repo_id, f"{what}: HTTP {status} (access denied; set TARJAMA_HUB_TOKEN if needed)"
            )
        if status == 404:
            raise self._fail(repo_id, f"{what} not found (HTTP 404)")
        raise self._fail(repo_id, f"{what}: HTTP {status}")

    def _retrying(self) -> Retrying:
        return Retrying(
            retry=retry_if_exception_type((httpx.TransportError, _Retryable, _Restart)),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=self.backoff, max=30),
            reraise=True,
        )

    def _call(self, repo_id: str, func: Any, *args: Any) -> Any:
        try:
            for attempt in self._retrying():
                with attempt:
                    return func(*args)
        except httpx.TransportError as exc:
            reason = str(exc) or type(exc).__name__
            raise self._fail(repo_id, f"the hub cannot be reached ({reason})") from None
        except _Retryable as exc:
            raise self._fail(repo_id, f"{exc}, after {self.attempts} tries") from None
        except _Restart as exc:
            raise self._fail(repo_id, str(exc)) from None
        raise AssertionError("unreachable")  # pragma: no cover

    # -- protocol -----------------------------------------------------------------------------

    def _url(self, *parts: str) -> str:
        return "/".join([self.base_url, *parts])

    def repo_info(self, repo_id: str, revision: str = "main") -> RepoInfo:
        """Resolve ``revision`` to a commit and list the repo's files."""
        url = self._url("api/models", repo_id, "revision", quote(revision, safe=""))
        info: RepoInfo = self._call(repo_id, self._repo_info_once, url, repo_id, revision)
        return info

    def _repo_info_once(self, url: str, repo_id: str, revision: str) -> RepoInfo:
        response = self._client.get(url, params={"blobs": "true"})
        self._check_status(response, repo_id, f"revision {revision!r}")
        try:
            data = response.json()
            siblings = data.get("siblings") or []
            files = tuple(str(item["rfilename"]) for item in siblings)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise self._fail(repo_id, f"the hub sent an unexpected answer ({exc})") from None
        sizes: dict[str, int] = {}
        hashes: dict[str, str] = {}
        for item in siblings:
            lfs = item.get("lfs") or {}
            size = lfs.get("size", item.get("size"))
            if isinstance(size, int):
                sizes[item["rfilename"]] = size
            sha = str(lfs.get("sha256", "")).lower()
            if _SHA256.match(sha):
                hashes[item["rfilename"]] = sha
        return RepoInfo(repo_id, revision, str(data.get("sha") or revision), files, sizes, hashes)

    def download(
        self,
        repo_id: str,
        revision: str,
        filename: str,
        folder: Path,
        *,
        expected_size: int | None = None,
        expected_sha256: str | None = None,
    ) -> DownloadedFile:
        """Fetch one file into ``folder`` (resuming ``<file>.part``), checked by size and hash.

        A file already complete in ``folder`` is kept when the hub's listing gave its size
        (and hash, if any) and they match.
        """
        final = folder / filename
        if final.is_file() and expected_size is not None and final.stat().st_size == expected_size:
            digest = _sha256(final)
            if expected_sha256 is None or digest == expected_sha256:
                return DownloadedFile(filename, final, expected_size, digest, bool(expected_sha256))
        final.parent.mkdir(parents=True, exist_ok=True)
        task = self._progress.add_task(filename, total=expected_size)
        try:
            done: DownloadedFile = self._call(
                repo_id,
                self._download_once,
                repo_id,
                revision,
                filename,
                final,
                expected_sha256,
                task,
            )
        finally:
            self._progress.remove_task(task)
        return done

    def _download_once(
        self,
        repo_id: str,
        revision: str,
        filename: str,
        final: Path,
        listed_sha: str | None,
        task: TaskID,
    ) -> DownloadedFile:
        part = final.with_name(final.name + ".part")
        offset = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        url = self._url(repo_id, "resolve", quote(revision, safe=""), quote(filename))
        with self._client.stream("GET", url, headers=headers) as response:
            if response.status_code == 416:
                part.unlink(missing_ok=True)
                raise _Restart(f"{filename}: the partial download could not be resumed")
            self._check_status(response, repo_id, filename)
            linked_sha, linked_size = _linked([*response.history, response])
            want_sha = listed_sha or linked_sha
            want_size = linked_size or _total_size(response)
            digest = hashlib.sha256()
            if response.status_code == 206 and offset:
                with part.open("rb") as handle:
                    while block := handle.read(CHUNK):
                        digest.update(block)
                mode = "ab"
            else:
                offset, mode = 0, "wb"
            self._progress.update(task, total=want_size, completed=offset)
            written = offset
            with part.open(mode) as handle:
                for block in response.iter_bytes():  # as received: a drop loses nothing
                    handle.write(block)
                    digest.update(block)
                    written += len(block)
                    self._progress.update(task, completed=written)
        if want_size is not None and written < want_size:
            raise _Retryable(f"{filename}: got {written} of {want_size} bytes")
        if want_size is not None and written > want_size:
            part.unlink(missing_ok=True)
            raise self._fail(repo_id, f"{filename} is larger than the hub says ({written} bytes)")
        sha = digest.hexdigest()
        if want_sha is not None and sha != want_sha:
            part.unlink(missing_ok=True)
            raise self._fail(
                repo_id, f"{filename} is corrupt (SHA-256 {sha[:12]}…, expected {want_sha[:12]}…)"
            )
        os.replace(part, final)
        return DownloadedFile(filename, final, written, sha, want_sha is not None)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def download_snapshot(
    repo_id: str,
    folder: Path,
    *,
    kind: str,
    revision: str = "main",
    files: Sequence[str] = (),
    settings: Settings | None = None,
    progress: bool = True,
    model_name: str | None = None,
    attempts: int | None = None,
    backoff: float | None = None,
) -> Snapshot:
    """Download what an engine of ``kind`` needs from ``repo_id`` at ``revision`` into ``folder``.

    The revision is resolved to a commit first and every file is fetched at that commit, so a
    push to the repo during the download cannot mix two versions.
    """
    settings = settings if settings is not None else get_settings()
    label = model_name or repo_id
    if settings.offline:
        raise ModelError(
            f"cannot download {label}: offline mode is on (TARJAMA_OFFLINE). "
            f"{import_hint(model_name or 'NAME')}"
        )
    with HubClient(
        settings.hub_url,
        settings.hub_token,
        progress=progress,
        attempts=DEFAULT_ATTEMPTS if attempts is None else attempts,
        backoff=DEFAULT_BACKOFF if backoff is None else backoff,
        model_name=model_name,
    ) as client:
        info = client.repo_info(repo_id, revision)
        chosen = select_files(info.files, kind, files, repo_id=repo_id)
        folder.mkdir(parents=True, exist_ok=True)
        done: list[DownloadedFile] = []
        for filename in chosen:
            done.append(
                client.download(
                    repo_id,
                    info.sha,
                    filename,
                    folder,
                    expected_size=info.sizes.get(filename),
                    expected_sha256=info.hashes.get(filename),
                )
            )
    with contextlib.suppress(OSError):
        for leftover in folder.glob("*.part"):
            leftover.unlink()
    return Snapshot(repo_id, revision, info.sha, folder, tuple(done))
