"""One clear tarjama error for every way a hub download can fail.

``huggingface_hub`` raises its own tree (``RepositoryNotFoundError``, ``GatedRepoError``,
``LocalEntryNotFoundError`` …) and lets ``requests`` errors through. They are converted here,
where they cross into our code, into a :class:`ModelError` (the hub refused, failed or cannot be
reached) or a :class:`ModelNotFoundError` (no such repo, revision or file; offline and not in
the cache). Every message names the model, the hub, what to do, and the command that installs
the model without the hub; the library's exception is chained, never shown to a user.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tarjama.errors import ModelError, ModelNotFoundError

__all__ = ["HubTarget", "hub_errors", "import_hint", "reason", "status"]


def import_hint(name: str) -> str:
    """How to install ``name`` without the hub (said in every download error)."""
    return (
        f"To install it without the hub, copy the model's files to this machine and run: "
        f"tarjama models import PATH --name {name}"
    )


@dataclass(frozen=True)
class HubTarget:
    """What a download error names: the model, its repo, the hub and the cache."""

    endpoint: str
    repo_id: str
    model_name: str | None
    cache: Path
    offline: bool

    def _label(self) -> str:
        return self.repo_id if not self.model_name else f"{self.model_name} ({self.repo_id})"

    def _hint(self) -> str:
        return import_hint(self.model_name or "NAME")

    def fail(self, detail: str) -> ModelError:
        """The hub failed or refused: the model exists, it could not be fetched now."""
        return ModelError(
            f"cannot download {self._label()} from {self.endpoint}: {detail}. {self._hint()}"
        )

    def missing(self, detail: str) -> ModelNotFoundError:
        """The hub has no such repo, revision or file."""
        return ModelNotFoundError(
            self.model_name or self.repo_id,
            f"Cannot download it from {self.endpoint}: {detail}. {self._hint()}",
        )

    def not_cached(self) -> ModelNotFoundError:
        """Offline, and the download cache does not hold it."""
        return ModelNotFoundError(
            self.model_name or self.repo_id,
            f"Offline mode is on (TARJAMA_OFFLINE or HF_HUB_OFFLINE) and {self.repo_id} is not "
            f"in the download cache ({self.cache}). {self._hint()}",
        )


@contextlib.contextmanager
def hub_errors(target: HubTarget) -> Iterator[None]:
    """Turn whatever huggingface_hub or requests raise inside the block into one of our errors."""
    import requests
    from huggingface_hub import errors as hf

    try:
        yield
    except ModelError:
        raise
    except (hf.LocalEntryNotFoundError, hf.OfflineModeIsEnabled) as exc:
        if target.offline:
            raise target.not_cached() from exc
        cause = exc.__cause__ or exc
        raise target.fail(f"the hub cannot be reached ({reason(cause)})") from exc
    except hf.GatedRepoError as exc:
        raise target.fail(
            f"{target.repo_id} is gated (HTTP {status(exc)}): accept its terms on the hub, "
            "then set TARJAMA_HUB_TOKEN (or HF_TOKEN) to a token of that account"
        ) from exc
    except hf.RepositoryNotFoundError as exc:
        raise target.missing(
            f"it has no repo {target.repo_id} (HTTP {status(exc)}), or the repo is private "
            "and needs a token: set TARJAMA_HUB_TOKEN (or HF_TOKEN)"
        ) from exc
    except hf.RevisionNotFoundError as exc:
        raise target.missing(f"{target.repo_id} has no revision {_revision(exc)}") from exc
    except hf.EntryNotFoundError as exc:
        raise target.missing(f"{_filename(exc)} not found in {target.repo_id} (HTTP 404)") from exc
    except hf.HfHubHTTPError as exc:
        code = status(exc)
        if code == 401:
            raise target.fail(
                "the hub refused the token (HTTP 401, invalid credentials): "
                "check TARJAMA_HUB_TOKEN (or HF_TOKEN)"
            ) from exc
        if code == 403:
            raise target.fail("access denied (HTTP 403): the token lacks read access") from exc
        raise target.fail(f"the hub answered HTTP {code}") from exc
    except requests.RequestException as exc:
        raise target.fail(f"the hub cannot be reached ({reason(exc)})") from exc
    except (OSError, ValueError) as exc:  # disk full, size mismatch, an invalid repo id
        raise target.fail(str(exc) or type(exc).__name__) from exc


def status(exc: Any) -> int | None:
    """The HTTP status behind a library error, if there was an answer."""
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def reason(exc: BaseException) -> str:
    """The short cause of a failed request: ``HTTP 503``, ``Connection refused``, ``timed out``."""
    import requests

    code = status(exc)
    if code is not None:
        return f"HTTP {code}"
    text = str(exc)
    if match := re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text):
        return match[1].strip()
    if isinstance(exc, requests.Timeout):
        return "timed out"
    return (text.splitlines()[0][:120] if text else "") or type(exc).__name__


def _revision(exc: Any) -> str:
    url = str(getattr(getattr(exc, "response", None), "url", ""))
    match = re.search(r"/(?:revision|resolve)/([^/?]+)", url)
    return repr(match[1]) if match else "(the one asked for)"


def _filename(exc: Any) -> str:
    url = str(getattr(getattr(exc, "response", None), "url", ""))
    match = re.search(r"/resolve/[^/]+/(.+)$", url)
    return match[1] if match else "a file"
