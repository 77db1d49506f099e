"""Download model files from the Hugging Face hub, or a mirror of it, with ``huggingface_hub``.

The library speaks the hub's protocol: it resolves a revision to a commit, fetches each file
through ``{endpoint}/{repo}/resolve/{commit}/{file}`` (following the redirect of an LFS file to
its CDN), keys its cache by ETag, resumes an interrupted download from its ``.incomplete`` file
with a ``Range`` request, retries 5xx answers, and honours ``HF_ENDPOINT``, ``HF_TOKEN`` and
``HF_HUB_OFFLINE``. Our settings map onto its per-call arguments: ``TARJAMA_HUB_URL`` →
``endpoint``, ``TARJAMA_HUB_TOKEN`` → ``token``, ``TARJAMA_OFFLINE`` → ``local_files_only``,
``TARJAMA_HUB_CACHE`` → ``cache_dir`` (default ``$TARJAMA_HOME/hub``).

What tarjama adds on top:

* which files an engine needs (:func:`select_files`), so a repo's other frameworks are skipped;
* a hash check of every file: the library checks sizes only, so each file is hashed against
  what the hub vouched for (an LFS file's SHA-256, the git blob id of the others); a file that
  does not match is deleted from the cache and refused;
* one clear :class:`ModelError` for every failure (``hub_errors.py``), naming the model and the
  command that installs it without the hub, instead of the library's exception.

``huggingface_hub`` (and ``requests``) are imported when a download starts, not with tarjama.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from tarjama.errors import ModelError
from tarjama.models.hub_errors import HubTarget, hub_errors, import_hint, reason, status
from tarjama.settings import Settings, get_settings

__all__ = [
    "DownloadedFile",
    "Snapshot",
    "download_snapshot",
    "hub_endpoint",
    "import_hint",
    "select_files",
]

CHUNK = 1 << 20
# Retry policy for what the library does not retry itself (the listing call, a connection dropped
# mid-file): attempts, and the first back-off in seconds (it doubles, capped at 30 s).
# Module-level so an embedding application can tune it.
DEFAULT_ATTEMPTS = 5
DEFAULT_BACKOFF = 1.0
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SHA1 = re.compile(r"^[0-9a-f]{40}$")
_TOKENIZER_FILES = re.compile(
    r"^(tokenizer.*\.json|special_tokens_map\.json|added_tokens\.json|vocab.*\.(json|txt)"
    r"|merges\.txt|.*\.spm|sentencepiece.*\.model|spiece\.model|generation_config\.json)$"
)
_SHARDED = {
    "model.safetensors.index.json": re.compile(r"^model-\d+-of-\d+\.safetensors$"),
    "pytorch_model.bin.index.json": re.compile(r"^pytorch_model-\d+-of-\d+\.bin$"),
}
_T = TypeVar("_T")


def hub_endpoint(settings: Settings) -> str:
    """The hub downloads come from: ``TARJAMA_HUB_URL``, else ``HF_ENDPOINT``, else the hub."""
    if settings.hub_url:
        return settings.hub_url.rstrip("/")
    from huggingface_hub import constants

    return str(constants.ENDPOINT).rstrip("/")


@dataclass(frozen=True)
class DownloadedFile:
    """One file now in the download cache, with the hash we computed from it."""

    name: str
    path: Path
    size: int
    sha256: str
    checked: bool  # True when the hub vouched for a hash and it matched


@dataclass(frozen=True)
class Snapshot:
    """The files of one resolved revision; ``folder`` is its snapshot folder in the cache."""

    repo_id: str
    revision: str
    sha: str
    folder: Path
    files: tuple[DownloadedFile, ...]


@dataclass(frozen=True)
class _Expected:
    """The hash the hub vouches for: an LFS file's SHA-256 or a git blob id (SHA-1)."""

    algorithm: Literal["sha256", "git-blob"]
    digest: str


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


class _Hub:
    """One download: the settings mapped onto huggingface_hub's arguments, and what every
    error message names (model, repo, hub)."""

    def __init__(
        self,
        settings: Settings,
        repo_id: str,
        model_name: str | None,
        attempts: int,
        backoff: float,
    ) -> None:
        from huggingface_hub import constants

        self.endpoint = hub_endpoint(settings)
        self.token = settings.hub_token or None  # None: HF_TOKEN or a stored login
        self.cache = settings.hub_cache_dir
        self.offline = settings.offline or bool(constants.HF_HUB_OFFLINE)
        self.repo_id = repo_id
        self.target = HubTarget(self.endpoint, repo_id, model_name, self.cache, self.offline)
        self.attempts = max(1, attempts)
        self.backoff = backoff

    # -- retries ------------------------------------------------------------------------------

    def _retrying(self, retry: Callable[[BaseException], bool]) -> Retrying:
        return Retrying(
            retry=retry_if_exception(retry),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=self.backoff, max=30),
            reraise=True,
        )

    def _retry(self, call: Callable[[], _T], retry: Callable[[BaseException], bool]) -> _T:
        for attempt in self._retrying(retry):
            with attempt:
                return call()
        raise AssertionError("unreachable")  # pragma: no cover

    # -- listing ------------------------------------------------------------------------------

    def listing(self, revision: str) -> tuple[str, dict[str, _Expected | None]]:
        """Resolve ``revision`` to a commit; list its files with the hashes the hub vouches for."""
        from huggingface_hub import HfApi

        api = HfApi(
            endpoint=self.endpoint,
            token=self.token,
            library_name="tarjama",
            library_version=_version(),
        )
        try:
            info = self._retry(
                lambda: api.model_info(self.repo_id, revision=revision, files_metadata=True),
                _transient,
            )
        except Exception as exc:
            if not _transient(exc):
                raise
            code = status(exc)
            what = (
                f"the hub answered HTTP {code}"
                if code is not None
                else f"the hub cannot be reached ({reason(exc)})"
            )
            raise self.target.fail(f"{what}, after {self.attempts} tries") from exc
        files: dict[str, _Expected | None] = {}
        for sibling in info.siblings or []:
            expected: _Expected | None = None
            if sibling.lfs is not None and _SHA256.match(str(sibling.lfs.sha256).lower()):
                expected = _Expected("sha256", str(sibling.lfs.sha256).lower())
            elif sibling.lfs is None and sibling.blob_id and _SHA1.match(sibling.blob_id):
                expected = _Expected("git-blob", sibling.blob_id)
            files[sibling.rfilename] = expected
        return str(info.sha or revision), files

    def cached_listing(self, revision: str) -> tuple[str, dict[str, _Expected | None]]:
        """What the cache holds of ``revision`` (offline): its commit and files."""
        from huggingface_hub import snapshot_download

        folder = Path(
            snapshot_download(
                self.repo_id, revision=revision, cache_dir=self.cache, local_files_only=True
            )
        )
        files: dict[str, _Expected | None] = {
            path.relative_to(folder).as_posix(): None
            for path in folder.rglob("*")
            if path.is_file()
        }
        return folder.name, files

    # -- files --------------------------------------------------------------------------------

    def fetch(self, sha: str, filename: str, expected: _Expected | None) -> DownloadedFile:
        """Download one file at commit ``sha`` into the cache (or find it there), then check it."""
        from huggingface_hub import hf_hub_download

        path = Path(
            self._retry(
                lambda: hf_hub_download(
                    self.repo_id,
                    filename,
                    revision=sha,
                    cache_dir=self.cache,
                    endpoint=self.endpoint,
                    token=self.token,
                    local_files_only=self.offline,
                    library_name="tarjama",
                    library_version=_version(),
                ),
                _dropped,
            )
        )
        blob = path.resolve()
        expected = expected or _from_etag(blob.name)
        size, sha256, matches = _hash(blob, expected)
        if not matches:
            assert expected is not None
            blob.unlink(missing_ok=True)  # never served again from the cache
            path.unlink(missing_ok=True)
            raise self.target.fail(
                f"{filename} is corrupt ({expected.algorithm} does not match: expected "
                f"{expected.digest[:12]}…)"
            )
        return DownloadedFile(filename, path, size, sha256, expected is not None)


def _version() -> str:
    """tarjama's version, for the User-Agent the hub sees."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tarjama")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "unknown"


def _transient(exc: BaseException) -> bool:
    """Worth another try of the listing call: the network, a 5xx or a 429."""
    import requests
    from huggingface_hub.errors import HfHubHTTPError

    if isinstance(exc, HfHubHTTPError):
        return status(exc) in (429, 500, 502, 503, 504)
    return isinstance(exc, (requests.ConnectionError, requests.Timeout))


def _dropped(exc: BaseException) -> bool:
    """A connection that broke mid-file: the next try resumes from the ``.incomplete`` file."""
    import requests

    return isinstance(exc, requests.exceptions.ChunkedEncodingError | requests.ConnectionError)


def _from_etag(blob_name: str) -> _Expected | None:
    """The cache names each file by its ETag: on the hub, the SHA-256 (LFS) or git blob id."""
    if _SHA256.match(blob_name):
        return _Expected("sha256", blob_name)
    if _SHA1.match(blob_name):
        return _Expected("git-blob", blob_name)
    return None


def _hash(path: Path, expected: _Expected | None) -> tuple[int, str, bool]:
    """Size, SHA-256, and whether the file matches ``expected`` (True when nothing is)."""
    size = path.stat().st_size
    sha256 = hashlib.sha256()
    git = hashlib.sha1(f"blob {size}\0".encode(), usedforsecurity=False)
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            sha256.update(block)
            git.update(block)
    digest = sha256.hexdigest()
    if expected is None:
        return size, digest, True
    got = digest if expected.algorithm == "sha256" else git.hexdigest()
    return size, digest, got == expected.digest


@contextlib.contextmanager
def _progress_bars(enabled: bool) -> Iterator[None]:
    """The library's tqdm bars, off for this download when ``progress`` is False."""
    from huggingface_hub.utils.tqdm import (
        are_progress_bars_disabled,
        disable_progress_bars,
        enable_progress_bars,
    )

    if enabled or are_progress_bars_disabled():
        yield
        return
    disable_progress_bars()
    try:
        yield
    finally:
        enable_progress_bars()


def download_snapshot(
    repo_id: str,
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
    """Download what an engine of ``kind`` needs from ``repo_id`` at ``revision`` into the cache.

    The revision is resolved to a commit first and every file is fetched at that commit, so a
    push to the repo during the download cannot mix two versions. Offline, the cache answers.
    """
    settings = settings if settings is not None else get_settings()
    hub = _Hub(
        settings,
        repo_id,
        model_name,
        DEFAULT_ATTEMPTS if attempts is None else attempts,
        DEFAULT_BACKOFF if backoff is None else backoff,
    )
    with _progress_bars(progress), hub_errors(hub.target):
        sha, listing = hub.cached_listing(revision) if hub.offline else hub.listing(revision)
        try:
            chosen = select_files(listing, kind, files, repo_id=repo_id)
        except ModelError as exc:
            if hub.offline:
                raise hub.target.not_cached() from exc
            raise
        done = tuple(hub.fetch(sha, name, listing.get(name)) for name in chosen)
    folder = done[0].path.parents[len(Path(done[0].name).parts) - 1]
    if revision != sha:
        _remember_ref(folder, revision, sha)
    return Snapshot(repo_id, revision, sha, folder, done)


def _remember_ref(snapshot: Path, revision: str, sha: str) -> None:
    """Record ``revision`` → ``sha`` in the cache's ``refs/``, as huggingface_hub does when it
    resolves a branch itself; we fetch at the commit, so this is ours to write. Offline, the
    cache then answers for ``main`` too."""
    ref = snapshot.parent.parent / "refs" / revision
    with contextlib.suppress(OSError):  # the cache still works online without it
        ref.parent.mkdir(parents=True, exist_ok=True)
        if not ref.is_file() or ref.read_text() != sha:
            ref.write_text(sha)
