"""XLIFF 2.0 out to a post-editor and back: structure, namespaces, and which edits become
human entries. The document is read and segmented by tarjama's own reader and segmenter.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from tarjama.document import Translation
from tarjama.errors import InputError
from tarjama.formats import read_document
from tarjama.memory import (
    TranslationMemory,
    export_xliff,
    import_xliff,
    read_xliff,
)
from tarjama.pipeline import TranslatedDocument, segment_document

NS = {"x": "urn:oasis:names:tc:xliff:document:2.0", "mda": "urn:oasis:names:tc:xliff:metadata:2.0"}
ARTICLE = """\
# الأمم المتحدة تحذر من مجاعة

قال المتحدث باسم المنظمة إن الوضع خطير. وأضاف أن المساعدات لا تكفي.

وصلت 12 شاحنة إلى المعبر يوم الأحد.
"""
MT = {
    "b1:0": "UN warns of famine",
    "b2:0": "The organization's spokesman said the situation was serious.",
    "b2:1": "He added that aid is not enough.",
    "b3:0": "12 trucks arrived at the crossing on Sunday.",
}


@pytest.fixture
def translated() -> TranslatedDocument:
    document = read_document(ARTICLE, "auto", name="famine.md")
    translations = tuple(
        Translation(s.id, s.source, MT[s.id], "ctranslate2", "opus-mt-ar-en", -0.4, (),
                    s.start, s.end, s.block_id)
        for s in segment_document(document)
    )  # fmt: skip
    return TranslatedDocument(document, translations, "")


def test_export_is_structurally_valid_xliff_2(translated: TranslatedDocument) -> None:
    text = export_xliff(translated)
    assert text.startswith("<?xml")
    root = ET.fromstring(text)
    assert root.tag == "{urn:oasis:names:tc:xliff:document:2.0}xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "ar", "en")
    files = root.findall("x:file", NS)
    assert len(files) == 1 and files[0].get("original") == "famine.md" and files[0].get("id")
    units = files[0].findall("x:unit", NS)
    blocks = translated.document.blocks
    assert len(units) == len(blocks) == 3
    assert [u.get("id") for u in units] == [b.id for b in blocks]
    segments = [s for u in units for s in u.findall("x:segment", NS)]
    assert len(segments) == len(translated.translations) == 4
    assert [len(u.findall("x:segment", NS)) for u in units] == [1, 2, 1]
    for segment, translation in zip(segments, translated.translations, strict=True):
        assert segment.get("state") == "translated"
        assert segment.get("id") == translation.segment_id
        assert segment.findtext("x:source", namespaces=NS) == translation.source
        assert segment.findtext("x:target", namespaces=NS) == translation.target
    # ids are unique within each unit, the gap between the two sentences is kept
    for unit in units:
        ids = [e.get("id") for e in unit if e.get("id")]
        assert len(ids) == len(set(ids))
    gap = units[1].find("x:ignorable/x:source", NS)
    assert gap is not None and gap.text == " "
    # what the engine produced rides along for the import
    group = units[1].find("mda:metadata/mda:metaGroup", NS)
    assert group is not None and group.get("id") == "mt.b2:0"
    metas = {m.get("type"): m.text for m in group.findall("mda:meta", NS)}
    assert metas["mt"] == MT["b2:0"] and metas["model"] == "opus-mt-ar-en"


def test_translations_must_belong_to_the_document(translated: TranslatedDocument) -> None:
    stray = replace(translated.translations[0], block_id="")
    with pytest.raises(ValueError, match="blocks the document does not have"):
        export_xliff(replace(translated, translations=(*translated.translations, stray)))


def test_corrected_xliff_stores_human_edits(
    translated: TranslatedDocument, memory: TranslationMemory
) -> None:
    root = ET.fromstring(export_xliff(translated))
    segments = {s.get("id"): s for s in root.iter(f"{{{NS['x']}}}segment")}
    # an edit (a CAT tool usually leaves state alone or sets reviewed)
    segments["b1:0"].find("x:target", NS).text = "UN warns of looming famine"  # type: ignore[union-attr]
    # approved as it was
    segments["b2:1"].set("state", "final")
    # untouched: b2:0 and b3:0
    edited = ET.tostring(root, encoding="utf-8")

    result = import_xliff(memory, edited, name="famine.xlf")
    assert (result.read, result.stored, result.unchanged, result.skipped) == (4, 2, 2, 0)
    entries = {e.source: e for e in memory.iter_entries()}
    assert {e.origin for e in entries.values()} == {"human"}
    by_target = {e.target for e in entries.values()}
    assert by_target == {"UN warns of looming famine", MT["b2:1"]}
    source = translated.translations[0].source
    hit = memory.lookup_many([source], "some-other-model", "")[source]
    assert (hit.target, hit.origin) == ("UN warns of looming famine", "human")


def test_import_without_metadata_compares_with_the_memory(
    translated: TranslatedDocument, memory: TranslationMemory, tmp_path: Path
) -> None:
    memory.store_translations(translated.translations)
    root = ET.fromstring(export_xliff(translated))
    for unit in root.iter(f"{{{NS['x']}}}unit"):  # a CAT tool that drops extension metadata
        for metadata in unit.findall("mda:metadata", NS):
            unit.remove(metadata)
    target = root.find(".//x:segment[@id='b3:0']/x:target", NS)
    assert target is not None
    target.text = "Twelve trucks reached the crossing on Sunday."
    path = tmp_path / "famine.xliff"
    path.write_bytes(ET.tostring(root, encoding="utf-8"))
    result = memory.import_file(path)
    assert (result.stored, result.unchanged) == (1, 3)
    humans = [e for e in memory.iter_entries(origin="human")]
    assert [e.target for e in humans] == ["Twelve trucks reached the crossing on Sunday."]


def test_control_characters_travel_as_cp(memory: TranslationMemory) -> None:
    document = read_document("سطر فيه\x07 جرس.", "text", name="v.txt")
    [segment] = segment_document(document)
    mt = "A line with a\x0bvertical tab."
    made = Translation(segment.id, segment.source, mt, "e", "m", None, (), segment.start)
    translated = TranslatedDocument(document, (replace(made, block_id=segment.block_id),), "")
    text = export_xliff(translated)
    assert 'hex="0007"' in text and 'hex="000B"' in text
    [read] = read_xliff(text)
    assert (read.source, read.target, read.mt) == (segment.source, mt, "A line with avertical tab.")


XLIFF_12 = (Path(__file__).parent / "data" / "other-tool-1.2.xlf").read_text(encoding="utf-8")


def test_xliff_12_from_another_tool(memory: TranslationMemory) -> None:
    result = import_xliff(memory, XLIFF_12.encode(), name="report.xlf")
    assert (result.read, result.stored, result.skipped) == (4, 3, 1)
    pairs = {(e.source, e.target) for e in memory.iter_entries(origin="human")}
    assert pairs == {
        ("أكد الوزير الخبر.", "The minister confirmed the news."),
        ("الفقرة الأولى.", "First paragraph."),
        ("الفقرة الثانية.", "Second paragraph."),
    }


def test_english_to_arabic_files_are_turned_round(memory: TranslationMemory) -> None:
    text = (
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en-US" '
        'trgLang="ar"><file id="f"><unit id="u"><segment state="reviewed">'
        "<source>Good morning.</source><target>صباح الخير.</target></segment></unit></file></xliff>"
    )
    assert import_xliff(memory, text).stored == 1
    [entry] = memory.iter_entries()
    assert (entry.source, entry.target) == ("صباح الخير.", "Good morning.")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('<xliff version="2.0" srcLang="ar" trgLang="en"><file id="f"><unit id="u">', "line 1"),
        ("<html><body>not xliff</body></html>", "not XLIFF"),
        ('<xliff version="3.0" srcLang="ar" trgLang="en"/>', "version 3.0"),
        ('<xliff version="2.0" srcLang="fr" trgLang="en"/>', "Arabic–English"),
        ("   ", "empty"),
    ],
)
def test_malformed_xliff_is_an_input_error(
    memory: TranslationMemory, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.xlf"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        memory.import_file(path)
    assert len(memory) == 0
