"""``import_file`` dispatch: TSV pairs, unknown kinds and unreadable files are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarjama.errors import InputError
from tarjama.memory import TranslationMemory


def test_tsv_pairs_are_human_and_the_header_is_skipped(
    memory: TranslationMemory, tmp_path: Path
) -> None:
    path = tmp_path / "pairs.tsv"
    path.write_text(
        "\ufeffar\ten\n"
        "# a comment line\n"
        "وزارة الخارجية\tthe Foreign Ministry\tchecked by R.\n"
        "\n"
        "#غزة\t#Gaza\n"
        "لا ترجمة\t \n",
        encoding="utf-8",
    )
    result = memory.import_file(path)
    assert (result.format, result.read, result.stored, result.skipped) == ("tsv", 4, 2, 2)
    pairs = {(e.source, e.target, e.origin, e.engine) for e in memory.iter_entries()}
    assert pairs == {
        ("وزارة الخارجية", "the Foreign Ministry", "human", "tsv"),
        ("#غزة", "#Gaza", "human", "tsv"),
    }


def test_tsv_line_without_a_tab_names_the_line(memory: TranslationMemory, tmp_path: Path) -> None:
    path = tmp_path / "pairs.tsv"
    path.write_text("وزارة\tministry\nسطر بلا فاصل\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2"):
        memory.import_file(path)
    path.write_bytes("وزارة\tministry\n".encode("cp1256"))
    with pytest.raises(InputError, match="not UTF-8"):
        memory.import_file(path)


def test_unknown_extension_and_missing_files(memory: TranslationMemory, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.tmx"):
        memory.import_file(tmp_path / "pairs.csv")
    for name in ("gone.tmx", "gone.xliff", "gone.tsv"):
        with pytest.raises(InputError, match="cannot read"):
            memory.import_file(tmp_path / name)
