"""``tarjama memory``: the translation memory from the command line, on a real SQLite file."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from test_cli import one_error_line, tarjama


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
