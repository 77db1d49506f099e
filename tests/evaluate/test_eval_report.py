"""The report from hand-made records: no model needed, every figure known in advance."""

from __future__ import annotations

import importlib
import json
import sys
import types
from pathlib import Path

import pytest

import tarjama.evaluate as evaluate_pkg
from tarjama.errors import InputError
from tarjama.evaluate import (
    ANCHORS,
    DATASETS,
    SETS,
    describe_set,
    load_records,
    write_report,
)
from tarjama.evaluate.report import comparability_note, score_stats

RECORDS = [
    {"index": 0, "source": "قتل 12 شخصا في 3 مدن", "reference": "12 people died in 3 cities",
     "target": "12 people died in three cities", "score": -0.5, "flags": [], "seconds": 1.0},
    {"index": 1, "source": "قال | الوزير", "reference": "The minister said",
     "target": "The minister | said", "score": None, "flags": ["untranslated_arabic"],
     "seconds": 2.0},
]  # fmt: skip


def test_every_named_set_says_its_benchmark_and_split() -> None:
    assert set(SETS) == set(DATASETS)
    assert (SETS["flores-dev"].split, SETS["flores-dev"].lines) == ("dev", 997)
    assert SETS["flores-devtest"].split == "devtest"
    assert describe_set("flores-dev").label == "FLORES-200 dev"
    custom = describe_set("my-files")
    assert (custom.name, custom.split, custom.lines) == ("my-files", "", None)


def test_the_note_says_whether_the_anchors_compare() -> None:
    assert "the split evaluated here" in comparability_note(SETS["flores-devtest"])
    dev = comparability_note(SETS["flores-dev"])
    assert "different split" in dev and "**devtest**" in dev and "**dev**" in dev
    assert "do not compare" in comparability_note(SETS["tico19"])
    assert "do not compare" in comparability_note(describe_set(None))


def test_anchors_are_the_published_flores_devtest_figures_with_sources() -> None:
    table = {a.system: (a.bleu, a.chrf, a.chrf_pp) for a in ANCHORS}
    assert table == {
        "opus-mt-tc-big-ar-en": (42.8, 67.2, 65.4),
        "NLLB-200 3.3B": (41.3, 66.1, 64.3),
        "NLLB-200 distilled-600M": (37.4, 63.0, 61.2),
        "M2M-100 1.2B": (29.6, 56.3, None),
    }
    for anchor in ANCHORS:
        assert (anchor.benchmark, anchor.split) == ("FLORES-200", "devtest")
        assert anchor.source and anchor.url.startswith("https://")


def test_score_stats() -> None:
    assert score_stats([None]) is None
    stats = score_stats([10.0, None, 30.0, 20.0])
    assert stats is not None
    assert (stats["count"], stats["mean"], stats["median"]) == (3, 20.0, 20.0)
    assert (stats["min"], stats["max"]) == (10.0, 30.0)


def test_report_from_records_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No lexicon, whatever tarjama.terms holds today: entities must read "n/a".
    monkeypatch.setitem(sys.modules, "tarjama.terms", types.ModuleType("tarjama.terms"))
    (tmp_path / "segments.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8"
    )
    result = write_report(
        tmp_path, load_records(tmp_path), model="hand-made", set_name="tico19", plots=False
    )
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["model"] == "hand-made"
    assert report["seconds"] == 3.0
    assert report["set"]["label"] == "TICO-19 test"
    assert report["fidelity"]["numbers"]["share"] == 0.5
    assert report["fidelity"]["numbers"]["reference_share"] == 1.0
    assert report["fidelity"]["flags"]["per_100"] == {"untranslated_arabic": 50.0}
    assert report["segment_scores"]["model"]["count"] == 1
    assert report["plots"] == [] and report["plots_note"] == "not requested"
    assert result.markdown_path == tmp_path / "report.md"

    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| Source numbers kept in the English | 50.0 % (1 of 2;" in markdown
    assert "| Known entities rendered canonically | n/a" in markdown
    assert "`untranslated_arabic` per 100 segments | 50.00 |" in markdown
    assert "#0: 3" in markdown
    assert "The minister \\| said" in markdown  # a pipe cannot break the table
    assert "2 of 2100 segments" in markdown
    assert "do not compare" in markdown


def test_nothing_to_score_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no segments"):
        write_report(tmp_path, [], model="none")


@pytest.mark.parametrize(
    "name", ["anchors", "datasets", "fidelity", "names_recall", "report", "run", "scoring"]
)
def test_modules_document_and_export_their_public_names(name: str) -> None:
    module = importlib.import_module(f"tarjama.evaluate.{name}")
    assert module.__doc__
    for item in module.__all__:
        obj = getattr(module, item)
        if name != "report":
            assert getattr(evaluate_pkg, item) is obj, item
        if callable(obj) and not isinstance(obj, type(list[int])):
            assert obj.__doc__, item
