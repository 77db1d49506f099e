"""A llama.cpp model's state after the chat prompt's fixed prefix, kept on disk.

Every chat request starts with the same system message and built-in examples
(:mod:`tarjama.engines.chat_prompt`): a few hundred tokens that take a CPU seconds to evaluate.
A loaded model evaluates them once and keeps them in its KV cache between requests; this module
keeps that state on disk too, so a fresh process (every ``tarjama translate``) reads it back
instead of evaluating the prefix again.

The file holds one sequence's KV cache (as llama.cpp's ``llama_state_seq_get_data`` gives it)
behind a header saying what it is the state of: the model file (size and modification time), the
llama-cpp-python version, the context size and the prefix's tokens (hashed), plus the SHA-256 of
the state bytes. A file whose header does not match, whose bytes do not hash right, or that
cannot be read is not used: the caller recomputes the state and writes the file again, atomically
(:mod:`tarjama.atomic`), so no reader ever sees half a file. It lives beside the model when that
folder is writable (hidden, so the model's manifest ignores it), else in tarjama's cache folder.
Nothing here ever fails a translation: a state that cannot be read or written costs time only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from tarjama.atomic import write_bytes

__all__ = ["PrefixKey", "read_state", "state_name", "state_path", "write_state"]

logger = logging.getLogger(__name__)

_MAGIC = b"TARJAMA-PREFIX-STATE 1\n"
#: The header is one JSON line; anything longer is not ours.
_MAX_HEADER = 4096


@dataclass(frozen=True)
class PrefixKey:
    """What a saved state is the state of; a state is used only under the same key."""

    model_size: int
    model_mtime_ns: int
    library: str
    n_ctx: int
    tokens: str
    """SHA-256 of the prefix's token ids (the prompt and the tokenizer that cut it)."""

    @classmethod
    def of(cls, model_path: Path, library: str, n_ctx: int, tokens: Sequence[int]) -> PrefixKey:
        stat = model_path.stat()
        digest = hashlib.sha256(",".join(map(str, tokens)).encode("ascii")).hexdigest()
        return cls(stat.st_size, stat.st_mtime_ns, library, n_ctx, digest)


def state_name(model_path: Path, n_ctx: int) -> str:
    """The state file's name: hidden, one per model and context size (the common variants)."""
    return f".{model_path.stem}.ctx{n_ctx}.prefix-state"


def state_path(model_path: Path, n_ctx: int, cache_dir: Path) -> Path:
    """Where the state of ``model_path``'s prompt prefix is kept: beside the model when its
    folder is writable, else in ``cache_dir`` under a name unique to the model's path."""
    name = state_name(model_path, n_ctx)
    folder = model_path.parent
    if os.access(folder, os.W_OK | os.X_OK):
        return folder / name
    where = hashlib.sha256(str(model_path.resolve()).encode("utf-8")).hexdigest()[:12]
    return cache_dir / "prefix-state" / f"{where}{name}"


def read_state(path: Path, key: PrefixKey) -> bytes | None:
    """The state bytes saved under ``key``, or ``None`` (and one line in the log) when the file
    is missing, unreadable, damaged or the state of something else."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        logger.warning("cannot read the prompt state %s (%s); computing it", path, exc)
        return None
    problem = _check(data, key)
    if isinstance(problem, bytes):
        return problem
    logger.log(problem[0], "prompt state %s %s; computing it again", path, problem[1])
    return None


def _check(data: bytes, key: PrefixKey) -> bytes | tuple[int, str]:
    """The payload of ``data``, or the log level and the reason it cannot be used."""
    end = data.find(b"\n", len(_MAGIC), len(_MAGIC) + _MAX_HEADER)
    if not data.startswith(_MAGIC) or end < 0:
        return logging.WARNING, "is not a tarjama prompt state"
    try:
        header = json.loads(data[len(_MAGIC) : end])
        saved_key, size, digest = header["key"], header["size"], header["sha256"]
    except (ValueError, KeyError, TypeError):
        return logging.WARNING, "has a damaged header"
    if saved_key != asdict(key):
        return logging.INFO, "is for another model file, prompt, library or context size"
    payload = data[end + 1 :]
    if len(payload) != size or hashlib.sha256(payload).hexdigest() != digest:
        return logging.WARNING, "is damaged (its bytes do not match their checksum)"
    return payload


def write_state(path: Path, key: PrefixKey, payload: bytes) -> bool:
    """Save ``payload`` under ``key`` atomically; ``False`` (and one line in the log) when it
    cannot be written: the state is then computed again by the next process."""
    header = {
        "key": asdict(key),
        "size": len(payload),
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    line = json.dumps(header, sort_keys=True).encode("utf-8") + b"\n"
    try:
        write_bytes(path, _MAGIC + line + payload)
    except OSError as exc:
        logger.warning("cannot keep the prompt state in %s (%s)", path, exc)
        return False
    return True
