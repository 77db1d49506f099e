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


# -- all or nothing --------------------------------------------------------------------------

UNITS = 10_000
BAD = 5_000


def _pairs(count: int) -> list[tuple[str, str]]:
    return [(f"خبر عاجل رقم {i} من المراسل", f"Breaking story number {i}") for i in range(count)]


def _tmx(pairs: list[tuple[str, str]], broken_at: int | None = None) -> str:
    units = []
    for i, (arabic, english) in enumerate(pairs):
        close = "</seg>" if i != broken_at else "</sag>"  # a mismatched tag: malformed XML
        units.append(
            f'<tu><tuv xml:lang="ar"><seg>{arabic}{close}</tuv>'
            f'<tuv xml:lang="en"><seg>{english}</seg></tuv></tu>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="x" '
        'segtype="sentence" o-tmf="x" adminlang="en" srclang="ar" datatype="plaintext"/>'
        f"<body>{''.join(units)}</body></tmx>\n"
    )


def _state(memory: TranslationMemory) -> list[tuple[str, str, str]]:
    return [(e.source, e.target, e.updated or "") for e in memory.iter_entries()]


def test_an_error_in_unit_5000_of_10000_leaves_the_memory_unchanged(
    memory: TranslationMemory, tmp_path: Path
) -> None:
    pairs = _pairs(UNITS)
    before = tmp_path / "before.tsv"
    before.write_text("".join(f"{a}\t{e} (old)\n" for a, e in pairs[:3]), encoding="utf-8")
    assert memory.import_file(before).stored == 3
    state = _state(memory)

    tsv = tmp_path / "big.tsv"
    lines = [f"{a}\t{e}" for a, e in pairs]
    lines[BAD] = "a line without its tab"
    tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"line {BAD + 1}"):
        memory.import_file(tsv)
    assert _state(memory) == state

    tmx = tmp_path / "big.tmx"
    tmx.write_text(_tmx(pairs, broken_at=BAD), encoding="utf-8")
    with pytest.raises(InputError, match=r"big\.tmx"):
        memory.import_file(tmx)
    assert _state(memory) == state

    tmx.write_text(_tmx(pairs), encoding="utf-8")  # mended, the same file goes in whole
    result = memory.import_file(tmx)
    assert (result.read, result.stored) == (UNITS, UNITS)
    assert len(memory) == UNITS
    assert memory.lookup(pairs[1][0], "any-model").target == pairs[1][1]  # newer wins


def test_a_malformed_xliff_leaves_the_memory_unchanged(
    memory: TranslationMemory, tmp_path: Path
) -> None:
    units = "".join(
        f'<unit id="u{i}"><segment state="final"><source>خبر رقم {i}</source>'
        f"<target>Story {i}</target></segment></unit>"
        for i in range(2_000)
    )
    broken = units.replace("Story 1000</target>", "Story 1000</targt>", 1)  # malformed XML
    xliff = tmp_path / "edited.xlf"
    xliff.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ar" '
        f'trgLang="en"><file id="f">{broken}</file></xliff>',
        encoding="utf-8",
    )
    with pytest.raises(InputError):
        memory.import_file(xliff)
    assert len(memory) == 0
