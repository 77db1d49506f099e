"""``tarjama bench retrieval --quick``: the benchmark's machinery through the real command line
(a 6,000-pair memory; the speed figures come from ``make bench-retrieval``)."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import tarjama


def test_quick_retrieval_benchmark_writes_its_figures(shared_dir: Path, tmp_path: Path) -> None:
    article = shared_dir / "examples" / "article-01.ar.txt"
    out = tmp_path / "bench"
    run = tarjama("bench", "retrieval", "--quick", "--article", article, "-o", out,
                  home=tmp_path / "home")  # fmt: skip
    assert run.code == 0, run.err
    results = json.loads((out / "bench-retrieval.json").read_text(encoding="utf-8"))
    assert results["memory"]["pairs"] == 6_000
    assert results["pool"]["pairs"] > 5_000 and results["pool"]["file_bytes"] < 1_000_000
    assert results["article"]["paragraphs"] == 8
    for key in ("first_pass", "later_passes", "pool_only_first_pass"):
        figures = results["paragraph_ms"][key]
        assert figures["runs"] == 8 and 0 < figures["median"] <= figures["p95"]
    assert len(results["sample"]["examples"]) == 5
    markdown = (out / "bench-retrieval.md").read_text(encoding="utf-8")
    assert "| first pass (fresh retriever) | 8 |" in markdown
