"""TMX 1.4b: export is well-formed and complete, it re-imports as the same pairs, and TMX
written by other CAT tools (regional language tags, inline codes, a DOCTYPE) imports as human.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tarjama.errors import InputError
from tarjama.memory import Entry, Origin, TranslationMemory, read_tmx

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

PAIRS: list[tuple[str, str, Origin]] = [
    ("قال الرئيس إن المفاوضات ستستأنف.", "The president said talks would resume.", "engine"),
    ("ارتفعت الأسعار 3.5% في مارس.", "Prices rose 3.5% in March.", "engine"),
    ('أعلنت الوزارة <b> & "نتائج" التحقيق.', 'The ministry announced <b> & "results".', "human"),
]


def fill(tm: TranslationMemory) -> None:
    tm.store_many(
        Entry(ar, en, origin, model="opus-mt-ar-en" if origin == "engine" else "",
              glossary_version="g7", engine="ctranslate2", score=-0.25, flags=("checked",),
              created="2025-03-01T08:00:00Z", updated="2025-03-02T09:30:00Z")
        for ar, en, origin in PAIRS
    )  # fmt: skip


def pairs(tm: TranslationMemory) -> set[tuple[str, str, str]]:
    return {(e.source, e.target, e.origin) for e in tm.iter_entries()}


def test_export_is_tmx_14b(memory: TranslationMemory, tmp_path: Path) -> None:
    fill(memory)
    out = tmp_path / "out.tmx"
    assert memory.export_tmx(out) == 3
    root = ET.parse(out).getroot()
    assert (root.tag, root.get("version")) == ("tmx", "1.4")
    header = root.find("header")
    assert header is not None
    for attribute in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang",
                      "datatype", "creationdate"):  # fmt: skip
        assert header.get(attribute), attribute
    assert header.get("srclang") == "ar"
    tus = root.findall("body/tu")
    assert len(tus) == 3
    tu = tus[0]
    assert (tu.get("creationdate"), tu.get("changedate")) == (
        "20250301T080000Z",
        "20250302T093000Z",
    )
    props = {p.get("type"): p.text for p in tu.findall("prop")}
    assert props["x-tarjama-origin"] == "engine"
    assert props["x-tarjama-model"] == "opus-mt-ar-en"
    assert [tuv.get(XML_LANG) for tuv in tu.findall("tuv")] == ["ar", "en"]
    assert tu.findtext("tuv/seg") == PAIRS[0][0]
    # the awkward characters went through the XML writer, not string concatenation
    assert root.findall("body/tu")[2].findall("tuv/seg")[1].text == PAIRS[2][1]


def test_round_trip_into_a_fresh_memory(memory: TranslationMemory, tmp_path: Path) -> None:
    fill(memory)
    memory.lookup_many([PAIRS[0][0]], "opus-mt-ar-en", "g7")
    out = tmp_path / "tm.tmx"
    memory.export_tmx(out)
    with TranslationMemory(tmp_path / "fresh.sqlite") as fresh:
        result = fresh.import_file(out)
        assert (result.format, result.read, result.stored, result.skipped) == ("tmx", 3, 3, 0)
        assert pairs(fresh) == pairs(memory)
        hit = fresh.lookup_many([PAIRS[0][0]], "opus-mt-ar-en", "g7")[PAIRS[0][0]]
        assert (hit.score, hit.flags, hit.engine) == (-0.25, ("checked",), "ctranslate2")
        assert hit.created == "2025-03-01T08:00:00Z"
        # importing the same file again changes nothing that is newer
        assert fresh.import_file(out).stored == 3 and len(fresh) == 3


def test_export_filters_by_model_and_origin(memory: TranslationMemory, tmp_path: Path) -> None:
    fill(memory)
    assert memory.export_tmx(tmp_path / "h.tmx", origin="human") == 1
    assert memory.export_tmx(tmp_path / "m.tmx", model="opus-mt-ar-en") == 2
    assert memory.export_tmx(tmp_path / "none.tmx", model="nllb") == 0
    assert ET.parse(tmp_path / "none.tmx").getroot().find("body") is not None


FOREIGN = (Path(__file__).parent / "data" / "other-tool.tmx").read_text(encoding="utf-8")


def test_import_tmx_from_another_tool(memory: TranslationMemory, tmp_path: Path) -> None:
    path = tmp_path / "client.tmx"
    path.write_text(FOREIGN, encoding="utf-8")
    result = memory.import_file(path)
    assert (result.read, result.stored, result.skipped) == (4, 3, 1)
    entries = {e.source: e for e in memory.iter_entries()}
    assert set(entries) == {
        "أكد وزير الخارجية أن الحوار مستمر.",
        "انظر الرابط للتفاصيل.",
        "صيغة قديمة.",
    }
    first = entries["أكد وزير الخارجية أن الحوار مستمر."]
    assert first.target == "The foreign minister said dialogue would continue."
    assert (first.origin, first.model, first.engine) == ("human", "", "SDL Language Platform")
    assert (first.created, first.updated) == ("2023-01-15T10:15:00Z", "2023-01-16T12:00:00Z")
    assert entries["انظر الرابط للتفاصيل."].target == "See the link for details."
    # human entries answer whatever model the pipeline runs
    assert memory.lookup_many(["صيغة قديمة."], "any-model", "any-glossary")


def test_read_tmx_yields_none_for_units_without_a_pair(tmp_path: Path) -> None:
    path = tmp_path / "x.tmx"
    path.write_text(FOREIGN, encoding="utf-8")
    items = list(read_tmx(path))
    assert [item is None for item in items] == [False, False, True, False]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('<tmx version="1.4"><header/><body><tu><tuv xml:lang="ar"><seg>نص</seg></tuv>', "line"),
        ("<tmx><body><tu></body></tmx>", "mismatched tag"),
        ("", "empty"),
        ('<?xml version="1.0"?><xliff version="2.0"/>', "not TMX"),
        ("ar\ten\n", "not well-formed"),
    ],
)
def test_malformed_tmx_is_an_input_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.tmx"
    path.write_text(content, encoding="utf-8")
    with TranslationMemory(tmp_path / "m.sqlite") as tm:
        with pytest.raises(InputError, match=message) as info:
            tm.import_file(path)
        assert "bad.tmx" in str(info.value)
        assert len(tm) == 0


def test_entity_bombs_are_refused(tmp_path: Path) -> None:
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    path = tmp_path / "bomb.tmx"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY l0 "lol">{lol}]>'
        '<tmx version="1.4"><body><tu><tuv xml:lang="ar"><seg>&l9;</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    with pytest.raises(InputError):
        list(read_tmx(path))


def test_characters_xml_cannot_hold_are_dropped_on_export(
    memory: TranslationMemory, tmp_path: Path
) -> None:
    memory.store_many([Entry("نص\x07 فيه جرس.", "Text\x0b with a bell.", "human")])
    memory.export_tmx(tmp_path / "c.tmx")
    [entry] = read_tmx(tmp_path / "c.tmx")
    assert entry is not None and entry.target == "Text with a bell."
