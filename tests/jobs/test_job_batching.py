"""A batch of a job is one engine call: the segments of all its documents go to a sentence engine
together, and the outputs are those of one document at a time.

The engine is the tests' tiny random Marian in CTranslate2. The wrappers around it change
nothing but what they say: :class:`Counting` counts its calls (and can declare the engine not
batchable, as a chat engine is), :class:`Refusing` raises the engine error a real engine raises
on a document it cannot take, for the documents holding one word, so that the test can see
that document fail alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from job_corpus import make_jsonl, make_tree

from tarjama import Hypothesis, Segment, TranslationContext, Translator
from tarjama.engines.base import Capabilities, Engine
from tarjama.errors import EngineError
from tarjama.jobs.manifest import Manifest
from tarjama.jobs.plan import list_units
from tarjama.jobs.process import process
from tarjama.jobs.units import JobSpec, Unit, UnitOutcome

CHOKE = "يختنق"


class Counting:
    """A real engine, with a count of its calls."""

    def __init__(self, inner: Engine, *, batchable: bool = True) -> None:
        self.inner = inner
        self.name = inner.name
        self.model_id = inner.model_id
        self.capabilities: Capabilities = replace(inner.capabilities, batchable=batchable)
        self.calls: list[int] = []

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        self.calls.append(len(segments))
        return self.inner.translate(segments, context)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def close(self) -> None:
        """The engine belongs to the module's fixture."""


class Refusing(Counting):
    """A real engine that refuses any call holding a segment with :data:`CHOKE` in it."""

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        self.calls.append(len(segments))
        if any(CHOKE in segment.source for segment in segments):
            raise EngineError(f"{self.model_id}: the engine refused the input")
        return self.inner.translate(segments, context)


@pytest.fixture(scope="module")
def engine(tiny_marian_ct2: Path) -> Iterator[Engine]:
    with Translator(model=str(tiny_marian_ct2), threads=1) as translator:
        yield translator.engine


def corpus(root: Path, *, choke: bool = False) -> tuple[JobSpec, list[Unit]]:
    """A tree of eight files and an empty one, and a shard of twelve records, as the runner
    would list them."""
    make_tree(root / "src", 8)
    make_jsonl(root / "news.jsonl", 12)
    (root / "src" / "local" / "empty.txt").write_text("", encoding="utf-8")
    if choke:
        (root / "src" / "world" / "doc-0001.txt").write_text(f"{CHOKE} اليوم\n", encoding="utf-8")
        path = root / "news.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[5] = lines[5].replace('"title": "', f'"title": "{CHOKE} ', 1)
        path.write_text("".join(lines), encoding="utf-8")
    sources = (str(root / "src"), str(root / "news.jsonl"))
    spec = JobSpec(sources, str(root / "out"), fields=("title",), shard_size=100)
    return spec, list_units(spec, Manifest(spec.output))


def outputs(outcomes: list[UnitOutcome]) -> dict[str, tuple[object, ...]]:
    return {
        o.unit.key: (o.data, o.failures, o.documents, o.segments, o.engine_segments)
        for o in outcomes
    }


def test_a_batch_is_one_engine_call_with_the_english_of_one_document_at_a_time(
    engine: Engine, tmp_path: Path
) -> None:
    spec, units = corpus(tmp_path)
    together = Counting(engine)
    alone = Counting(engine, batchable=False)

    merged = process(units, Translator(engine=together), spec)
    apart = process(units, Translator(engine=alone), spec)

    assert len(units) == 10 and len(together.calls) == 1
    assert len(alone.calls) == 8 + 12  # the empty file never reaches the engine
    assert together.calls[0] == sum(alone.calls) == sum(o.engine_segments for o in merged)
    assert outputs(merged) == outputs(apart)
    failed = [o.unit.key for o in merged if not o.ok]
    assert failed == ["src/local/empty.txt"]
    assert all(o.data for o in merged if o.unit.key != "src/local/empty.txt")


def test_a_document_the_engine_refuses_fails_alone(engine: Engine, tmp_path: Path) -> None:
    spec, units = corpus(tmp_path / "bad", choke=True)
    refusing = Refusing(engine)

    outcomes = process(units, Translator(engine=refusing), spec)

    assert len(refusing.calls) == 1 + 8 + 12  # the batch, then document by document
    by_key = {o.unit.key: o for o in outcomes}
    bad = by_key["src/world/doc-0001.txt"]
    assert bad.data is None and [(f.kind, f.document) for f in bad.failures] == [
        ("engine", "src/world/doc-0001.txt")
    ]
    shard = by_key["news/part-00000.jsonl"]
    assert shard.data is not None and [(f.kind, f.document) for f in shard.failures] == [
        ("engine", "5")
    ]
    assert [o.unit.key for o in outcomes if not o.ok] == [
        "src/local/empty.txt",
        "src/world/doc-0001.txt",
    ]

    # Everything else is what a clean batch makes of it, byte for byte.
    clean_spec, clean_units = corpus(tmp_path / "good")
    clean_outcomes = process(clean_units, Translator(engine=Counting(engine)), clean_spec)
    clean = {o.unit.key: o for o in clean_outcomes}
    for key in ("src/local/doc-0000.txt", "src/world/doc-0002.txt", "news/part-00000.jsonl"):
        assert clean[key].ok
    for key, outcome in by_key.items():
        if key.endswith(".txt") and outcome.ok:
            assert outcome.data == clean[key].data, key
    clean_lines = (clean["news/part-00000.jsonl"].data or b"").splitlines()
    bad_lines = (shard.data or b"").splitlines()
    assert len(bad_lines) == len(clean_lines) == 12
    assert [a == b for a, b in zip(bad_lines, clean_lines, strict=True)].count(False) == 1
