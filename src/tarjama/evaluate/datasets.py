"""Where the evaluation sets are (``TARJAMA_DATA`` or the shared folder) and what each one is.

A score means little without the set behind it: :func:`describe_set` says which benchmark and
which split a run used, so the report can say whether published anchors are comparable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tarjama.errors import ConfigurationError, InputError

__all__ = ["DATASETS", "SETS", "SetInfo", "describe_set", "find_dataset", "read_lines", "read_set"]

DATASETS: dict[str, tuple[str, str]] = {
    "flores-dev": ("flores200.dev.ar", "flores200.dev.en"),
    "flores-devtest": ("flores200.devtest.ar", "flores200.devtest.en"),
    "tico19": ("tico19.test.ar", "tico19.test.en"),
    # UD PUD's first 750 lines are English-original news and Wikipedia (the rest: other
    # languages' originals); it sits in the example pool, which retrieval must then exclude.
    "pud-news": ("ud-pud.ar", "ud-pud.en"),
}


@dataclass(frozen=True)
class SetInfo:
    """A named evaluation set: its benchmark, split and full size (``None`` when unknown)."""

    name: str
    benchmark: str
    split: str
    lines: int | None = None

    @property
    def label(self) -> str:
        """Benchmark and split, as the report prints them ("FLORES-200 dev")."""
        return f"{self.benchmark} {self.split}" if self.split else self.benchmark

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "label": self.label}


SETS: dict[str, SetInfo] = {
    "flores-dev": SetInfo("flores-dev", "FLORES-200", "dev", 997),
    "flores-devtest": SetInfo("flores-devtest", "FLORES-200", "devtest", 1012),
    "tico19": SetInfo("tico19", "TICO-19", "test", 2100),
    "pud-news": SetInfo("pud-news", "UD PUD", "news", 750),
}

#: Sets that are the first lines of their files, not all of them.
_FIRST_LINES = {"pud-news": 750}


def describe_set(name: str | None) -> SetInfo:
    """What ``name`` is: a known set, or line-aligned files of unknown benchmark and split."""
    if name in SETS:
        return SETS[name]
    return SetInfo(name or "custom", name or "custom data", "")


def _candidates(data_dir: Path | None) -> list[Path]:
    here = Path(__file__).resolve()
    found = [data_dir, data_dir / "eval"] if data_dir else []
    # A source checkout sits beside ../shared (…/main/src/tarjama/evaluate/datasets.py).
    shared = [parent / "shared" / "data" for parent in here.parents[3:5]]
    shared.append(Path.cwd().parent / "shared" / "data")
    found += [folder / "eval" for folder in shared]
    # Sets drawn from the example pool's sources (pud-news) are found where the pool is.
    found += ([data_dir / "pool"] if data_dir else []) + [folder / "pool" for folder in shared]
    return found


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
    """The lines of a UTF-8 file; an unreadable file is the user's input error, not a crash."""
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: {exc}") from exc


def read_set(name: str, data_dir: Path | None = None) -> tuple[list[str], list[str]]:
    """The (Arabic, English) lines of a named set, cut to the lines the set is made of."""
    ar_path, en_path = find_dataset(name, data_dir)
    sources, references = read_lines(ar_path), read_lines(en_path)
    if len(sources) != len(references):
        raise InputError(f"{ar_path} and {en_path} differ in line count")
    first = _FIRST_LINES.get(name)
    return (sources[:first], references[:first]) if first else (sources, references)
