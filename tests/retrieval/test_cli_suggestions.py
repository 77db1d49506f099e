"""``tarjama translate --json``: memory suggestions beside each sentence, from the real command
line in a subprocess with the tiny Marian model and a real memory file."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import tarjama

STORED = "قال الرئيس إن المفاوضات ستستأنف الأسبوع المقبل في جنيف."
STORED_EN = "The president said the negotiations would resume next week in Geneva."
ASKED = "قال الرئيس إن المفاوضات ستستأنف الشهر المقبل في جنيف."


def test_json_output_carries_the_memory_suggestions(tiny_marian_ct2: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{STORED}\t{STORED_EN}\n", encoding="utf-8")
    assert tarjama("memory", "import", pairs, home=home).code == 0
    article = tmp_path / "article.txt"
    article.write_text(f"{ASKED}\n\nخبر لا يشبه شيئا في الذاكرة عن الطقس.\n", encoding="utf-8")

    run = tarjama("translate", "--model", str(tiny_marian_ct2), "--json", article, home=home)
    assert run.code == 0, run.err
    first, second = json.loads(run.out)["segments"]
    (suggestion,) = first["suggestions"]
    assert suggestion["source"] == STORED and suggestion["target"] == STORED_EN
    assert suggestion["origin"] == "human" and 75 <= suggestion["score"] < 100
    assert second["suggestions"] == []

    stricter = tarjama(
        "translate", "--model", str(tiny_marian_ct2), "--json", article, home=home,
        env={"TARJAMA_FUZZY_THRESHOLD": str(suggestion["score"] + 1)},
    )  # fmt: skip
    assert stricter.code == 0 and json.loads(stricter.out)["segments"][0]["suggestions"] == []
    bypass = tarjama(
        "translate", "--model", str(tiny_marian_ct2), "--json", "--no-memory", article, home=home
    )
    assert bypass.code == 0 and json.loads(bypass.out)["segments"][0]["suggestions"] == []
