"""Where the evaluation sets are: ``TARJAMA_DATA``, or the shared data folder beside the repo."""

from __future__ import annotations

from pathlib import Path

from tarjama.errors import ConfigurationError, InputError

__all__ = ["DATASETS", "find_dataset", "read_lines"]

DATASETS: dict[str, tuple[str, str]] = {
    "flores-dev": ("flores200.dev.ar", "flores200.dev.en"),
    "tico19": ("tico19.test.ar", "tico19.test.en"),
}


def _candidates(data_dir: Path | None) -> list[Path]:
    here = Path(__file__).resolve()
    found = [data_dir, data_dir / "eval"] if data_dir else []
    # A source checkout sits beside ../shared (…/main/src/tarjama/evaluate/datasets.py).
    found += [parent / "shared" / "data" / "eval" for parent in here.parents[3:5]]
    found.append(Path.cwd().parent / "shared" / "data" / "eval")
    return [p for p in found if p is not None]


def find_dataset(name: str, data_dir: Path | None = None) -> tuple[Path, Path]:
    """The (Arabic, English) files of a named set."""
    if name not in DATASETS:
        raise ConfigurationError(f"unknown set {name!r}; known sets: {', '.join(DATASETS)}")
    ar_name, en_name = DATASETS[name]
    for folder in _candidates(data_dir):
        if (folder / ar_name).is_file() and (folder / en_name).is_file():
            return folder / ar_name, folder / en_name
    raise InputError(
        f"cannot find {ar_name}/{en_name}; point TARJAMA_DATA at the folder that holds them "
        "or pass --data AR EN"
    )


def read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: {exc}") from exc
