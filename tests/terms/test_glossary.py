"""User glossaries: reading TSV, CSV and TBX, refusing bad files clearly, beating the lexicon."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tarjama.errors import InputError, TarjamaError
from tarjama.terms import Glossary, GlossaryEntry, GlossaryError, Lexicon

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load_builtin()


@pytest.fixture(scope="module")
def article(shared_dir: Path) -> list[str]:
    text = (shared_dir / "examples" / "article-01.ar.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def flores(shared_dir: Path) -> list[str]:
    path = shared_dir / "data" / "eval" / "flores200.dev.ar"
    return path.read_text(encoding="utf-8").splitlines()


def sentence(lines: list[str], *needles: str) -> str:
    found = [line for line in lines if all(needle in line for needle in needles)]
    assert found, needles
    return found[0]


# Reading each format from real files


def test_tsv_with_header_comments_blank_lines_and_notes() -> None:
    glossary = Glossary.read(DATA / "desk.tsv")
    assert glossary.name == "desk.tsv"
    assert glossary.as_mapping() == {
        "ترمب": "President Trump",
        "تحالف الراغبين": "Coalition of the Willing",
        "الضمانات الأمنية": "security guarantees",
        "حساب": "account",
        "وثائق بنما": "Panama Papers",
    }
    assert glossary.entries[0].note == "house style since 2025"
    assert glossary.entries[2].note == 'plural, never "safety guarantees"'
    assert glossary.entries[1].note == ""


def test_csv_with_bom_quoted_commas_and_named_columns() -> None:
    assert (DATA / "desk.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    glossary = Glossary.read(DATA / "desk.csv")
    assert [(e.arabic, e.english, e.note) for e in glossary] == [
        ("كالاس", "Kallas, Kaja", "surname first, for the index"),
        ("الاتحاد الأوروبي", "the EU", 'short form, "EU" on second mention'),
        ("سجن أبو غريب", "Abu Ghraib prison", ""),
    ]


def test_tbx_basic_v2_takes_the_preferred_english_for_every_arabic_term() -> None:
    glossary = Glossary.read(DATA / "desk-basic.tbx")
    assert glossary.as_mapping() == {
        "تحالف الراغبين": "Coalition of the Willing",  # not the deprecated "Alliance of …"
        "ائتلاف الراغبين": "Coalition of the Willing",
        "الجارديان": "the Guardian",  # ntig/termGrp/term
    }  # te3 has no English: skipped
    assert glossary.entries[0].note.startswith("European backers")


def test_tbx_v3_with_namespace() -> None:
    glossary = Glossary.read(DATA / "desk-v3.tbx")
    assert glossary.as_mapping() == {
        "كايا كالاس": "EU foreign policy chief Kaja Kallas",
        "سجن أبو غريب": "Abu Ghraib prison",
    }
    assert glossary.entries[0].note == "The EU's foreign policy chief."


def test_headerless_tsv_and_reversed_header_columns() -> None:
    plain = Glossary.parse("ترمب\tPresident Trump\n", "tsv")
    reversed_ = Glossary.parse("english,arabic\nPresident Trump,ترمب\n", "csv")
    assert plain.as_mapping() == reversed_.as_mapping() == {"ترمب": "President Trump"}


@pytest.mark.parametrize("name", ["desk.tsv", "desk.csv", "desk-basic.tbx", "desk-v3.tbx"])
def test_round_trips_through_tsv_and_both_tbx_versions(name: str) -> None:
    glossary = Glossary.read(DATA / name)
    assert Glossary.parse(glossary.to_tsv(), "tsv") == Glossary(glossary.entries)
    for version in (2, 3):
        tbx = glossary.to_tbx(version=version)
        assert ("<martif" in tbx) == (version == 2)
        again = Glossary.parse(tbx, "tbx")
        assert again.entries == glossary.entries
        assert again.version == glossary.version


def test_written_tbx_is_read_back_from_a_file(tmp_path: Path) -> None:
    glossary = Glossary.read(DATA / "desk.csv")
    path = tmp_path / "out.xml"
    path.write_text(glossary.to_tbx(version=3), encoding="utf-8")
    assert Glossary.read(path).as_mapping() == glossary.as_mapping()


# Refusing bad input, saying where and why


def refused(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    with pytest.raises(GlossaryError) as info:
        Glossary.read(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    return message


def test_glossary_error_is_an_input_error() -> None:
    assert issubclass(GlossaryError, InputError)
    assert issubclass(GlossaryError, TarjamaError)


@pytest.mark.parametrize("name", ["empty.tsv", "empty.csv", "empty.tbx"])
def test_empty_files(tmp_path: Path, name: str) -> None:
    assert "empty" in refused(tmp_path, name, " \n\n")


def test_only_a_header_is_no_glossary(tmp_path: Path) -> None:
    assert "no glossary entries" in refused(tmp_path, "g.tsv", "# terms\narabic\tenglish\n")


def test_binary_file(tmp_path: Path) -> None:
    message = refused(tmp_path, "g.tsv", b"PK\x03\x04\x00\x00binary")
    assert "binary" in message


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    data = "ترمب\tTrump\nكالاس\tKallas\n".encode("cp1256")
    assert refused(tmp_path, "g.tsv", data).endswith(
        ":1: not UTF-8 (Windows-1256 or another code page?); save it as UTF-8"
    )
    later = "ترمب\tTrump\n".encode() + "كالاس\tKallas\n".encode("cp1256")
    assert ":2: not UTF-8" in refused(tmp_path, "g.tsv", later)
    assert "UTF-16" in refused(tmp_path, "g.tsv", "ترمب\tTrump\n".encode("utf-16"))


def test_one_column_names_the_line_and_suspects_a_csv(tmp_path: Path) -> None:
    message = refused(tmp_path, "g.tsv", "ترمب\tTrump\n\n# x\nكالاس,Kallas\n")
    assert ":4: one column" in message
    assert "CSV" in message


def test_empty_english(tmp_path: Path) -> None:
    message = refused(tmp_path, "g.csv", 'ترمب,Trump\nكالاس,"  "\n')
    assert ":2: the English for 'كالاس' is empty" in message


def test_arabic_column_without_an_arabic_letter(tmp_path: Path) -> None:
    message = refused(tmp_path, "g.tsv", "ترمب\tTrump\n2025\tthe year\n")
    assert ":2: the Arabic '2025' has no Arabic letter" in message
    assert "swapped" in refused(tmp_path, "g.tsv", "Trump\tترمب\n")


def test_arabic_the_matcher_could_never_find(tmp_path: Path) -> None:
    assert ":1: the Arabic 'بي.بي.سي'" in refused(tmp_path, "g.tsv", "بي.بي.سي\tBBC\n")


def test_the_same_term_with_two_englishes(tmp_path: Path) -> None:
    message = refused(tmp_path, "g.tsv", "ترمب\tTrump\nكالاس\tKallas\nتْرَمْب\tMr Trump\n")
    assert ":3:" in message
    assert "'Trump' on line 1" in message


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    text = (DATA / "desk-v3.tbx").read_text(encoding="utf-8").replace("</termSec>", "", 1)
    message = refused(tmp_path, "g.tbx", text)
    assert ":18: not well-formed XML (mismatched tag" in message


def test_entity_declarations_are_refused_before_expansion(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE martif [\n<!ENTITY a "aaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n<martif>&b;</martif>\n'
    )
    assert ":3: an <!ENTITY a> declaration" in refused(tmp_path, "bomb.tbx", bomb)
    external = '<?xml version="1.0"?>\n<!DOCTYPE martif SYSTEM "x.dtd">\n<martif>&xxe;</martif>'
    message = refused(tmp_path, "xxe.tbx", external)
    assert ":3: not well-formed XML (undefined entity &xxe;)" in message


def test_tbx_semantic_errors(tmp_path: Path) -> None:
    html = "<html><body>ترمب</body></html>"
    assert "not TBX (root <html>" in refused(tmp_path, "g.xml", html)
    v3 = (DATA / "desk-v3.tbx").read_text(encoding="utf-8")
    assert ":30: an empty <term>" in refused(
        tmp_path, "g.tbx", v3.replace("<term>Abu Ghraib prison</term>", "<term> </term>")
    )
    french = v3.replace('xml:lang="en"', 'xml:lang="fr"')
    assert "no entry has both an Arabic (ar) and an English (en) term" in refused(
        tmp_path, "g.tbx", french
    )


def test_unknown_suffix_and_format(tmp_path: Path) -> None:
    assert "unknown glossary suffix '.xlsx'" in refused(tmp_path, "g.xlsx", "ترمب\tTrump")
    with pytest.raises(GlossaryError, match="unknown glossary format 'json'"):
        Glossary.parse("{}", "json")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="cannot read"):
        Glossary.read(tmp_path / "absent.tsv")


# Identity: version and merging


def test_version_ignores_order_notes_harakat_and_names_but_not_english() -> None:
    one = Glossary.from_pairs([("ترمب", "President Trump"), ("كالاس", "Kaja Kallas")], "a")
    other = Glossary(
        (
            GlossaryEntry("كالاس", "Kaja  Kallas", "a note"),
            GlossaryEntry("تْرَمْب", "President Trump"),
        ),
        "b",
    )
    assert len(one.version) == 16
    assert int(one.version, 16) >= 0
    assert one.version == other.version
    changed = Glossary.from_pairs([("ترمب", "Donald Trump"), ("كالاس", "Kaja Kallas")])
    assert changed.version != one.version
    assert Glossary().version == Glossary.from_pairs([]).version == ""
    assert one.version == "031c0dc67cb7af68"  # the memory's keys survive a restart


def test_merged_later_wins_for_the_same_folded_arabic() -> None:
    from_file = Glossary.read(DATA / "desk.tsv")
    document = Glossary.from_pairs([("ترمب", "Mr Trump"), ("كالاس", "Kaja Kallas")], "doc")
    request = Glossary.from_pairs([("تْرَمْب", "Donald J. Trump")], "request")
    merged = from_file.merged(document, request)
    mapping = merged.as_mapping()
    assert mapping["تْرَمْب"] == "Donald J. Trump"
    assert "ترمب" not in mapping  # one spelling per key: the request's
    assert mapping["كالاس"] == "Kaja Kallas"
    assert mapping["حساب"] == "account"
    assert len(merged) == len(from_file) + 1
    assert merged.name == "desk.tsv + doc + request"
    assert from_file.merged(request).version != from_file.version
    assert from_file.merged().version == from_file.version


# Priority over the built-in lexicon


def test_glossary_overrides_a_builtin_name_in_an_article(
    lexicon: Lexicon, article: list[str]
) -> None:
    text = sentence(article, "وكان ترمب قد قال")
    assert "Donald Trump" in [m.english for m in lexicon.find(text)]
    overlaid = lexicon.with_glossary(Glossary.read(DATA / "desk.tsv"))
    (trump,) = [m for m in overlaid.find(text) if m.surface == "ترمب"]
    assert trump.english == "President Trump"
    assert overlaid.certain(trump)
    entity = trump.entity
    assert entity.source == "glossary"
    assert entity.type == "person"  # inherited from the entry it replaces
    assert entity.related == "person:donald-trump"
    assert overlaid.get(entity.id) is entity
    assert overlaid.lookup("وترمب") is entity
    assert "Volodymyr Zelensky" in [m.english for m in overlaid.find(text)]  # the rest unchanged
    assert next(m.english for m in lexicon.find(text) if m.surface == "ترمب") == "Donald Trump"
    # Another spelling is another entry: «دونالد ترمب» is longer, so it stays the lexicon's.
    full_name = sentence(article, "دونالد ترمب")
    assert "Donald Trump" in [m.english for m in overlaid.find(full_name)]


def test_glossary_term_in_quotes_and_with_clitics(lexicon: Lexicon, article: list[str]) -> None:
    text = sentence(article, "«تحالف الراغبين»")
    glossary = Glossary.from_pairs([("تحالف الراغبين", "coalition of the willing")])
    match = next(m for m in lexicon.with_glossary(glossary).find(text) if "الراغبين" in m.surface)
    assert match.english == "coalition of the willing"
    assert text[match.start - 2 : match.end + 1] == "و«تحالف الراغبين»"
    assert "Coalition of the Willing" in [m.english for m in lexicon.find(text)]


def test_common_noun_terms_take_attached_pronouns(lexicon: Lexicon, article: list[str]) -> None:
    text = sentence(article, "كالاس عبر حسابها")
    overlaid = lexicon.with_glossary(Glossary.read(DATA / "desk.tsv"))
    account = next(m for m in overlaid.find(text) if m.english == "account")
    assert (account.surface, account.suffix) == ("حساب", "ها")
    assert account.type == "term"
    assert overlaid.certain(account)
    kallas = next(m for m in overlaid.find(text) if m.surface == "كالاس")
    assert kallas.english == "Kaja Kallas"  # not in this glossary: the lexicon's


def test_tbx_glossary_on_flores_sentences(lexicon: Lexicon, flores: list[str]) -> None:
    prison = sentence(flores, "سجن أبو غريب")
    panama = sentence(flores, "وثائق بنما")
    guardian = sentence(flores, "الجارديان")
    assert next(m.english for m in lexicon.find(prison)) == "Abu Ghraib"
    assert "Panama" in [m.english for m in lexicon.find(panama)]
    glossary = Glossary.read(DATA / "desk-v3.tbx").merged(
        Glossary.read(DATA / "desk-basic.tbx"), Glossary.read(DATA / "desk.tsv")
    )
    overlaid = lexicon.with_glossary(glossary)
    assert next(m.english for m in overlaid.find(prison)) == "Abu Ghraib prison"
    found = [m.english for m in overlaid.find(panama)]
    assert "Panama Papers" in found
    assert "Panama" not in found  # the longer glossary term covers the name inside it
    assert [m.english for m in overlaid.find(guardian)] == ["the Guardian", "British"]


def test_with_glossary_leaves_the_builtin_lexicon_alone(lexicon: Lexicon) -> None:
    before = len(lexicon)
    first = lexicon.with_glossary(Glossary.from_pairs([("كالاس", "Ms Kallas")]))
    second = lexicon.with_glossary(Glossary.from_pairs([("كالاس", "Kallas")]))
    assert [m.english for m in first.find("قالت كالاس")] == ["Ms Kallas"]
    assert [m.english for m in second.find("قالت كالاس")] == ["Kallas"]
    assert [m.english for m in lexicon.find("قالت كالاس")] == ["Kaja Kallas"]
    assert len(lexicon) == before
    assert len(first) == before + 1
    assert lexicon.with_glossary(Glossary()) is lexicon


def test_a_glossary_settles_an_ambiguous_spelling(lexicon: Lexicon) -> None:
    text = "زار الوفد عمان أمس"
    assert lexicon.find(text) == []  # Oman or Amman: no default, so nothing is reported
    assert {e.id for e in lexicon.candidates("عمان")} == {"country:om", "place:amman"}
    overlaid = lexicon.with_glossary(Glossary.from_pairs([("عمان", "Amman")]))
    (match,) = [m for m in overlaid.find(text) if m.surface == "عمان"]
    assert (match.english, match.ambiguous, overlaid.certain(match)) == ("Amman", False, True)


def test_with_glossary_is_cheap_enough_per_request(lexicon: Lexicon) -> None:
    people = [e for e in lexicon if e.type == "person"][:100]
    pairs = [(e.arabic[-1], f"{e.english} (desk)") for e in people]
    heads = ["حكومة", "وزارة", "مجلس", "هيئة", "لجنة", "قوات", "محكمة", "جامعة", "صندوق", "مديرية"]
    tails = ["الدفاع", "الصحة", "التعليم", "المالية", "النقل", "الزراعة", "العدل", "الطاقة"]
    tails += ["الداخلية", "الخارجية"]
    pairs += [
        (f"{h} {t}", f"term {i}") for i, (h, t) in enumerate((h, t) for h in heads for t in tails)
    ]
    glossary = Glossary.from_pairs(pairs)
    assert len(glossary) == 200
    start = time.perf_counter()
    for _ in range(5):
        overlaid = lexicon.with_glossary(glossary)
    per_call = (time.perf_counter() - start) / 5
    assert per_call < 0.1, per_call  # about 10 ms on a laptop core; the rebuild is ~100 ms
    assert [m.english for m in overlaid.find("وقالت وزارة الدفاع")] == ["term 10"]
