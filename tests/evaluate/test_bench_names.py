"""The name layer's benchmark, run once in its quick form as a user runs it.

Nothing here asserts a speed (a test machine's speed is nobody's contract): the tests check
that the article is the words it says, that load was timed in a fresh process with imports
apart from data, that the matches counted are the ones the layer and the lexicon really find
in that article, and that the report labels every figure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tarjama.errors import InputError
from tarjama.evaluate.bench_names import article_lines
from tarjama.terms.lexicon import Lexicon
from tarjama.terms.names import NameLayer


def test_article_lines_takes_exactly_the_first_words_and_cuts_the_last_line(
    tmp_path: Path,
) -> None:
    source = tmp_path / "ar.txt"
    source.write_text("قال الرئيس أمس\n\nفي بيروت إن الوضع صعب\nسطر ثالث\n", encoding="utf-8")
    assert article_lines(source, 5) == ["قال الرئيس أمس", "في بيروت"]
    assert article_lines(source, 3) == ["قال الرئيس أمس"]
    with pytest.raises(InputError, match="fewer than 20 words"):
        article_lines(source, 20)


def test_bench_names_quick_times_a_fresh_process_and_matches_the_article(
    tmp_path: Path, shared_dir: Path
) -> None:
    out = tmp_path / "bench-names"
    env = {**os.environ, "TARJAMA_DATA": str(shared_dir / "data")}
    done = subprocess.run(
        [sys.executable, "-m", "tarjama.cli", "bench", "names", "--quick", "-o", str(out)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"results:{out / 'bench-names.md'}" in "".join(done.stderr.split())
    saved = json.loads((out / "bench-names.json").read_text(encoding="utf-8"))

    lines = article_lines(shared_dir / "data" / "pool" / "ud-pud.ar", 200)
    assert saved["article"]["words"] == 200 and saved["article"]["lines"] == len(lines)

    load = saved["load"]
    assert load["imports_s"]["runs"] == load["bare_imports_s"]["runs"] == 1
    assert load["sizes"] == NameLayer.load_builtin().sizes
    parts = sum(load[key]["median"] for key in ("imports_s", "layer_data_s", "lexicon_data_s"))
    # Each figure is rounded to 1 ms, so the three parts may sum to 1.5 ms over the total.
    rounding = 3 * 0.0005
    assert 0 < parts <= load["in_process_s"]["median"] + rounding
    assert load["in_process_s"]["median"] < load["process_wall_s"]["median"]
    assert 0 < load["rss_after_imports_mib"] < load["rss_after_load_mib"] <= load["rss_peak_mib"]
    assert 0 < load["layer_traced_mib"] <= load["layer_traced_peak_mib"]

    lexicon = Lexicon.load_builtin()
    layer = NameLayer.load_builtin()
    expected = {
        "lexicon": sum(len(lexicon.find(line)) for line in lines),
        "layer": sum(len(layer.matches(line)) for line in lines),
        "both": sum(len(lexicon.with_names().find(line)) for line in lines),
    }
    match = saved["match_ms"]
    assert {key: match[key]["matches"] for key in expected} == expected
    assert expected["layer"] > 0 and expected["both"] >= expected["lexicon"]
    for row in match.values():
        assert row["runs"] == 5 and 0 < row["min"] <= row["median"] <= row["p95"] <= row["max"]
    assert len(saved["load_average_before"]) == len(saved["load_average_after"]) == 3

    table = (out / "bench-names.md").read_text(encoding="utf-8")
    assert "| name layer data (`NameLayer.load_builtin()`) |" in table
    assert "| imports without `tarjama/__init__` (the layer's and lexicon's own modules" in table
    assert "the first 200 words of ud-pud.ar, one call per line" in table
    assert "name layer after loading (tracemalloc, fresh process)" in table
    assert "avx2" in table and "load average (1, 5, 15 min) before" in table
