"""Evaluation runs on the tiny random Marian model and 20 real FLORES-200 dev lines.

The model's English is nonsense, but deterministic nonsense: enough to check that every file
is written, every figure is in range, and that an interrupted run resumes to the very scores
an uninterrupted one gets.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tarjama.document import Document
from tarjama.engines.ctranslate2_engine import CTranslate2Engine
from tarjama.errors import InputError
from tarjama.evaluate import ANCHORS, evaluate, load_records
from tarjama.translator import Translator

LINES = 20
CHUNK = 4
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class CountingTranslator(Translator):
    """A translator that remembers every line it was asked to translate."""

    def __init__(self, engine: CTranslate2Engine) -> None:
        super().__init__(engine=engine)
        self.translated: list[str] = []

    def translate_document(self, source: Any, **options: Any) -> Any:
        assert isinstance(source, Document)
        self.translated += [block.text for block in source.blocks]
        return super().translate_document(source, **options)


@pytest.fixture(scope="module")
def engine(tiny_marian_ct2: Path) -> CTranslate2Engine:
    """Greedy and short: random weights never stop on their own."""
    return CTranslate2Engine(tiny_marian_ct2, beam_size=1, threads=1, max_decoding_length=12)


@pytest.fixture(scope="module")
def flores(shared_dir: Path) -> tuple[list[str], list[str]]:
    folder = shared_dir / "data" / "eval"
    ar = (folder / "flores200.dev.ar").read_text(encoding="utf-8").splitlines()[:LINES]
    en = (folder / "flores200.dev.en").read_text(encoding="utf-8").splitlines()[:LINES]
    return ar, en


@pytest.fixture(scope="module")
def fresh(
    engine: CTranslate2Engine,
    flores: tuple[list[str], list[str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    """One uninterrupted run with everything on: the reference for the resumed runs."""
    out = tmp_path_factory.mktemp("fresh")
    result = evaluate(Translator(engine=engine), *flores, out, chunk=CHUNK, set_name="flores-dev")
    return {"result": result, "out": out, "records": load_records(out)}


def test_tiny_model_translates_real_arabic_with_the_model_by_path(
    tiny_marian_ct2: Path, flores: tuple[list[str], list[str]], tmp_path: Path
) -> None:
    translator = Translator(model=str(tiny_marian_ct2), beam=1, threads=1)
    with translator:
        result = evaluate(translator, flores[0][:2], flores[1][:2], tmp_path, plots=False)
    assert result.segments == 2
    assert result.model == tiny_marian_ct2.name
    assert not result.plots
    assert "No plots" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_a_run_writes_every_file(fresh: dict[str, Any]) -> None:
    out: Path = fresh["out"]
    for name in ("segments.jsonl", "report.json", "report.md", "scores.png", "length.png"):
        assert (out / name).is_file(), name
    lines = (out / "segments.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == LINES
    assert set(json.loads(lines[0])) == {
        "index", "source", "reference", "target", "score", "flags", "seconds",
    }  # fmt: skip


def test_the_summary_is_the_headline_figures(fresh: dict[str, Any]) -> None:
    result = fresh["result"]
    summary = result.summary()
    assert summary["set"] == "FLORES-200 dev"
    assert summary["scores"] == {k: v["score"] for k, v in result.scores.items()}
    assert summary["numbers_kept"] == result.fidelity["numbers"]["share"]
    assert summary["report"] == str(fresh["out"] / "report.md")
    json.dumps(summary)  # printable as JSON


def test_plots_are_real_pngs(fresh: dict[str, Any]) -> None:
    assert [p.name for p in fresh["result"].plots] == ["scores.png", "length.png"]
    for path in fresh["result"].plots:
        data = path.read_bytes()
        assert data[:8] == PNG_MAGIC
        assert data[12:16] == b"IHDR"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width >= 300 and height >= 200
        assert len(data) > 5_000


def test_report_json_holds_scores_fidelity_set_model_and_machine(fresh: dict[str, Any]) -> None:
    report = json.loads((fresh["out"] / "report.json").read_text(encoding="utf-8"))
    assert report["model"] == fresh["result"].model
    assert report["segments"] == LINES
    assert report["set"]["name"] == "flores-dev"
    assert (report["set"]["benchmark"], report["set"]["split"]) == ("FLORES-200", "dev")
    for key in ("bleu", "chrf", "chrf++"):
        assert 0.0 <= report["scores"][key]["score"] <= 100.0
        assert "version:" in report["scores"][key]["signature"]
    assert "tok:13a" in report["scores"]["bleu"]["signature"]
    assert "nw:2" in report["scores"]["chrf++"]["signature"]
    numbers = report["fidelity"]["numbers"]
    assert numbers["source_numbers"] > 0  # the first 20 FLORES lines have numbers
    assert 0 <= numbers["kept"] <= numbers["source_numbers"]
    assert 0.0 <= numbers["share"] <= 1.0
    assert (
        report["fidelity"]["entities"]["share"] is None
        or report["fidelity"]["entities"]["available"]
    )
    assert report["fidelity"]["flags"]["segments"] == LINES
    chrf = report["segment_scores"]["chrf++"]
    assert chrf["count"] == LINES
    assert 0.0 <= chrf["min"] <= chrf["median"] <= chrf["max"] <= 100.0
    assert report["segment_scores"]["model"]["count"] == LINES
    assert report["run"]["date"][:2] == "20"
    assert report["run"]["cpus"] >= 1
    assert "sacrebleu" in report["run"]["versions"]
    assert len(report["lowest"]) == 5


def test_markdown_sets_our_scores_beside_the_anchors_with_sources(fresh: dict[str, Any]) -> None:
    markdown = (fresh["out"] / "report.md").read_text(encoding="utf-8")
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    ours = next(row for row in rows if "(this run)" in row)
    bleu = fresh["result"].scores["bleu"]["score"]
    assert f"**{bleu:.1f}**" in ours
    for anchor in ANCHORS:
        row = next(row for row in rows if row.startswith(f"| {anchor.system} |"))
        assert f"{anchor.bleu:.1f}" in row and f"{anchor.chrf:.1f}" in row
        assert (f"{anchor.chrf_pp:.1f}" if anchor.chrf_pp is not None else "—") in row
        assert f"[OPUS-MT leaderboard]({anchor.url})" in row
        assert "FLORES-200 devtest" in row
    assert "split: **dev**" in markdown
    assert "different split" in markdown
    assert "| Known entities rendered canonically |" in markdown
    assert "![scores](scores.png)" in markdown and "![length](length.png)" in markdown
    assert "nrefs:1|case:mixed|eff:no|tok:13a" in markdown


def test_a_run_extended_past_its_limit_translates_only_the_new_lines(
    engine: CTranslate2Engine,
    flores: tuple[list[str], list[str]],
    fresh: dict[str, Any],
    tmp_path: Path,
) -> None:
    sources, references = flores
    first = CountingTranslator(engine)
    evaluate(first, sources[:8], references[:8], tmp_path, chunk=CHUNK, plots=False)
    assert first.translated == sources[:8]
    head = (tmp_path / "segments.jsonl").read_bytes()

    second = CountingTranslator(engine)
    result = evaluate(second, sources, references, tmp_path, chunk=CHUNK, plots=False)
    assert second.translated == sources[8:]
    data = (tmp_path / "segments.jsonl").read_bytes()
    assert data.startswith(head)  # earlier records untouched
    assert len(data.splitlines()) == LINES
    assert [r["target"] for r in load_records(tmp_path)] == [r["target"] for r in fresh["records"]]
    assert result.scores == fresh["result"].scores
    assert result.fidelity == fresh["result"].fidelity


def test_an_interrupted_run_resumes_where_it_stopped(
    engine: CTranslate2Engine,
    flores: tuple[list[str], list[str]],
    fresh: dict[str, Any],
    tmp_path: Path,
) -> None:
    sources, references = flores
    done = 0

    def stop_after_two_chunks(n: int) -> None:
        nonlocal done
        done += n
        if done >= 2 * CHUNK:
            raise KeyboardInterrupt

    first = CountingTranslator(engine)
    with pytest.raises(KeyboardInterrupt):
        evaluate(
            first, sources, references, tmp_path, chunk=CHUNK, on_progress=stop_after_two_chunks
        )
    assert first.translated == sources[: 2 * CHUNK]
    assert not (tmp_path / "report.json").exists()
    with (tmp_path / "segments.jsonl").open("a", encoding="utf-8") as sink:
        sink.write('{"index": 8, "source": "cut short by the ki')  # killed mid-write

    second = CountingTranslator(engine)
    result = evaluate(second, sources, references, tmp_path, chunk=CHUNK, plots=False)
    assert second.translated == sources[2 * CHUNK :]
    records = load_records(tmp_path)
    assert [r["index"] for r in records] == list(range(LINES))
    assert [r["target"] for r in records] == [r["target"] for r in fresh["records"]]
    assert result.scores == fresh["result"].scores

    third = CountingTranslator(engine)
    again = evaluate(third, sources, references, tmp_path, chunk=CHUNK, plots=False)
    assert third.translated == []  # a finished run only re-scores
    assert again.scores == result.scores


def test_a_folder_of_another_set_is_refused(
    engine: CTranslate2Engine, flores: tuple[list[str], list[str]], fresh: dict[str, Any]
) -> None:
    sources, references = flores
    other = [s + " (غير)" for s in sources]
    with pytest.raises(InputError, match="another set"):
        evaluate(Translator(engine=engine), other, references, fresh["out"], plots=False)
