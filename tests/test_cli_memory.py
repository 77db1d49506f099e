"""``tarjama memory``: the translation memory from the command line, on a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from support.damage import damage_table, disk_limit, garble, holding_write_lock
from test_cli import one_error_line, tarjama
from test_pipeline_memory import pass_checks

EXIT_STORAGE = 6


def test_import_stats_and_export_round_trip(tmp_path: Path) -> None:
    home = tmp_path / "home"
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(
        "قالت مسؤولة السياسة الخارجية كايا كالاس.\tForeign policy chief Kaja Kallas said.\n"
        "اقترح بوتين عقد لقاء في موسكو.\tPutin proposed a meeting in Moscow.\n",
        encoding="utf-8",
    )
    imported = tarjama("memory", "import", pairs, home=home)
    assert imported.code == 0, imported.err
    assert "read 2, stored 2" in imported.err

    stats = tarjama("memory", "stats", home=home)
    assert stats.code == 0
    figures = json.loads(stats.out)
    assert figures["entries"] == 2 and figures["by_origin"]["human"] == 2
    assert (home / "memory.sqlite").is_file()

    tmx = tmp_path / "out.tmx"
    exported = tarjama("memory", "export", "--tmx", tmx, home=home)
    assert exported.code == 0 and "wrote 2 entries" in exported.err
    segs = [seg.text for seg in ET.parse(tmx).iter("seg")]
    assert "Putin proposed a meeting in Moscow." in segs
    assert "اقترح بوتين عقد لقاء في موسكو." in segs

    again = tarjama("memory", "import", tmx, home=tmp_path / "fresh")
    assert again.code == 0 and "stored 2" in again.err


def test_a_malformed_file_is_an_input_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.tmx"
    broken.write_text("<tmx><body><tu>", encoding="utf-8")
    run = tarjama("memory", "import", broken, home=tmp_path / "home")
    assert run.code == 3
    assert "broken.tmx" in one_error_line(run)


def test_an_unknown_origin_is_a_configuration_error(tmp_path: Path) -> None:
    run = tarjama("memory", "export", "--tmx", tmp_path / "x.tmx", "--origin", "robot",
                  home=tmp_path / "home")  # fmt: skip
    assert run.code == 5
    assert "--origin" in one_error_line(run)


XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"


def _engines(run_out: str) -> set[str]:
    return {s["engine"] for s in json.loads(run_out)["segments"] if s["engine"] != "passthrough"}


def test_translate_reuses_the_memory_unless_told_not_to(
    tiny_marian_ct2: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    source = tmp_path / "news.txt"
    source.write_text(
        "قال الرئيس إن المحادثات ستستأنف غداً في العاصمة.\n\nوأعلنت الحكومة عن خطة جديدة.\n",
        encoding="utf-8",
    )
    model = str(tiny_marian_ct2)
    first = tarjama("translate", "--json", "-m", model, source, home=home)
    assert first.code == 0, first.err
    assert _engines(first.out) == {"ctranslate2"}
    assert (home / "memory.sqlite").is_file()

    assert pass_checks(home / "memory.sqlite") > 0  # nonsense from the tiny model: see there
    second = tarjama("translate", "--json", "-m", model, source, home=home)
    assert second.code == 0, second.err
    assert _engines(second.out) == {"memory"}
    assert json.loads(second.out)["output"] == json.loads(first.out)["output"]

    fresh = tarjama("translate", "--json", "--no-memory", "-m", model, source, home=home)
    assert _engines(fresh.out) == {"ctranslate2"}
    other_beam = tarjama("translate", "--json", "--beam", "1", "-m", model, source, home=home)
    assert _engines(other_beam.out) == {"ctranslate2"}  # other decoding, other entries


def test_xliff_export_post_edit_and_import_back(tiny_marian_ct2: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    source = tmp_path / "news.txt"
    sentence = "قالت مسؤولة السياسة الخارجية في الاتحاد الأوروبي كايا كالاس إن التكتل سيساهم."
    source.write_text(sentence + "\n\nوأعلنت الحكومة عن خطة جديدة.\n", encoding="utf-8")
    xliff = tmp_path / "news.xlf"
    model = str(tiny_marian_ct2)
    run = tarjama("translate", "-m", model, "--xliff", xliff, source, home=home)
    assert run.code == 0, run.err

    tree = ET.parse(xliff)
    assert tree.getroot().get("version") == "2.0"
    segments = list(tree.iter(f"{XLIFF}segment"))
    assert [s.find(f"{XLIFF}source").text for s in segments] == [
        sentence,
        "وأعلنت الحكومة عن خطة جديدة.",
    ]
    edited = "EU foreign policy chief Kaja Kallas said the bloc would contribute."
    segments[0].find(f"{XLIFF}target").text = edited  # the post-editor's correction
    tree.write(xliff, encoding="utf-8", xml_declaration=True)

    imported = tarjama("memory", "import", xliff, home=home)
    assert imported.code == 0, imported.err
    assert "stored 1" in imported.err

    again = tarjama("translate", "--json", "-m", model, source, home=home)
    first = json.loads(again.out)["segments"][0]
    assert first["engine"] == "memory" and first["model"] == "human"
    assert first["target"] == edited
    assert edited in json.loads(again.out)["output"]


def test_translate_with_glossary_files(tiny_marian_ct2: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    source = tmp_path / "news.txt"
    source.write_text(
        "قالت مسؤولة السياسة الخارجية كايا كالاس إن التكتل سيساهم.\n", encoding="utf-8"
    )
    desk = tmp_path / "desk.tsv"
    desk.write_text("arabic\tenglish\nكايا كالاس\tHigh Representative Kallas\n", encoding="utf-8")
    later = tmp_path / "later.csv"
    later.write_text(
        'arabic,english\nكايا كالاس,"Kallas, the EU\'s top diplomat"\n', encoding="utf-8"
    )
    model = str(tiny_marian_ct2)

    run = tarjama("translate", "--json", "-m", model, "-g", desk, "-g", later, source, home=home)
    assert run.code == 0, run.err
    segment = json.loads(run.out)["segments"][0]
    assert segment["engine"] == "ctranslate2"
    assert "glossary_violation" in segment["flags"] or "Kallas, the EU's" in segment["target"]

    broken = tmp_path / "broken.tsv"
    broken.write_text("كايا كالاس\n", encoding="utf-8")
    bad = tarjama("translate", "-m", model, "--glossary", broken, source, home=home)
    assert bad.code == 3
    assert "broken.tsv" in one_error_line(bad)


# -- a locked, full or damaged memory: exit code 6, one line, no traceback -----------------

PAIRS = "".join(
    f"قال المتحدث باسم الوزارة في البيان رقم {i} إن العمل مستمر.\t"
    f"The ministry spokesman said in statement number {i} that work goes on.\n"
    for i in range(300)
)


def _stats(home: Path) -> dict[str, object]:
    run = tarjama("memory", "stats", home=home)
    assert run.code == 0, run.err
    result: dict[str, object] = json.loads(run.out)
    return result


def _seeded(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    pairs = tmp_path / "seed.tsv"
    pairs.write_text("خبر أول.\tA first story.\n", encoding="utf-8")
    assert tarjama("memory", "import", pairs, home=home).code == 0
    return home


def test_a_locked_memory_is_exit_code_6_and_nothing_is_written(
    tiny_marian_ct2: Path, tmp_path: Path
) -> None:
    home = _seeded(tmp_path)
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(PAIRS, encoding="utf-8")
    source = tmp_path / "news.txt"
    source.write_text("قال الرئيس إن المحادثات ستستأنف غداً في العاصمة.\n", encoding="utf-8")
    fast = {"TARJAMA_DB_TIMEOUT": "0.3"}
    with holding_write_lock(home / "memory.sqlite"):
        imported = tarjama("memory", "import", pairs, home=home, env=fast)
        translated = tarjama("translate", "-m", str(tiny_marian_ct2), source, home=home, env=fast)
        stats = tarjama("memory", "stats", home=home, env=fast)  # reading is not held up
    assert imported.code == EXIT_STORAGE and "locked" in one_error_line(imported)
    assert translated.code == EXIT_STORAGE and "locked" in one_error_line(translated)
    assert stats.code == 0 and json.loads(stats.out)["entries"] == 1
    assert _stats(home)["entries"] == 1


def test_a_damaged_memory_is_exit_code_6(tiny_marian_ct2: Path, tmp_path: Path) -> None:
    home = _seeded(tmp_path)
    source = tmp_path / "news.txt"
    source.write_text("قال الرئيس إن المحادثات ستستأنف غداً في العاصمة.\n", encoding="utf-8")
    damage_table(home / "memory.sqlite", "entries")
    for args in (("memory", "stats"), ("translate", "-m", str(tiny_marian_ct2), source)):
        run = tarjama(*args, home=home)
        assert run.code == EXIT_STORAGE, run.err
        assert "damaged" in one_error_line(run) and "memory.sqlite" in run.err
    garble(home / "memory.sqlite")
    run = tarjama("memory", "stats", home=home)
    assert run.code == EXIT_STORAGE and "not a database" in one_error_line(run)


def test_a_full_disk_is_exit_code_6_and_the_import_is_all_or_nothing(tmp_path: Path) -> None:
    home = _seeded(tmp_path)
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(PAIRS, encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    environ.update(TARJAMA_HOME=str(home), PYTHONDONTWRITEBYTECODE="1")
    # no file may grow past 40 kB: the 300 pairs do not fit in the write-ahead log
    run = subprocess.run(
        [sys.executable, "-m", "tarjama.cli", "memory", "import", str(pairs)],
        env=environ, capture_output=True, text=True, timeout=120, check=False,
        preexec_fn=disk_limit(40_000),
    )  # fmt: skip
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == EXIT_STORAGE, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "disk" in lines[0] and "memory.sqlite" in lines[0], run.stderr
    assert _stats(home)["entries"] == 1  # none of the 300 went in
    again = tarjama("memory", "import", pairs, home=home)
    assert again.code == 0 and _stats(home)["entries"] == 301
