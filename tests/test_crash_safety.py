"""Crash safety: ``kill -9`` at random moments loses nothing that was promised.

Two real processes are killed with SIGKILL, again and again, at moments drawn from a seeded
random generator (``SEED``; the counts are printed, run with ``-s`` to see them):

- ``tarjama translate INBOX -o OUT --xliff XLF``, the translation memory on in its own
  ``TARJAMA_HOME``, run again and again over a newsroom inbox that grows by a few stories (built
  from the UN pool, under random names, so the new ones lie anywhere among the old) before each
  run. The tiny model's English fails the checks, so the memory keeps it, flags and all, but
  never serves it: every run translates, stores and writes every story again, and a kill lands
  in a run that is writing the memory and overwriting outputs, or making new ones. After each
  kill the memory passes ``PRAGMA integrity_check``; every output that exists under its final
  name is byte for byte the uninterrupted reference run's (its English and its XLIFF file);
  and every sentence of a story whose output exists is in the memory (an output is the story's
  acknowledgement: the memory is written first). A rerun then finishes with exit 0 and every
  output equal to the reference, leaving no temporary behind.
- ``tarjama serve`` (memory on) under write load: threads send distinct ``/v1/translate``
  requests until the server is killed. Every request the server answers is answered 200 (the
  rest are cut off by the kill). After each kill the memory passes the integrity check and holds
  every sentence of every request answered 200 before it, and the server starts again on the
  same files and serves.

The model is the tests' tiny random-weight Marian (``tiny_marian_ct2``): its English is nonsense
but deterministic, which is all a byte-for-byte comparison needs. No sentence is in two stories,
so no story's English could depend on which story the memory met it in first.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from serve.serving import Server, running_server
from tarjama import atomic
from tarjama.memory import memory_key, open_memory

SEED = 20261207
KILLS = 20
NEW_PER_RUN = 4  # stories added to the inbox before each run
DOCUMENTS = NEW_PER_RUN * KILLS
WRITERS = 3
XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"


@pytest.fixture(scope="module")
def model(tiny_marian_ct2: Path) -> str:
    return str(tiny_marian_ct2)


@pytest.fixture(scope="module")
def un_lines(shared_dir: Path) -> list[str]:
    """The UN pool's Arabic lines, each once."""
    text = (shared_dir / "data" / "pool" / "un.dev.ar").read_text(encoding="utf-8")
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


@pytest.fixture(scope="module")
def corpus(un_lines: list[str], tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """``DOCUMENTS`` small stories (one or two short paragraphs of UN text, no line in two
    stories) in four desk folders, in the order they reach the inbox. Their names are random,
    so a run meets the new ones anywhere among the old."""
    folder = tmp_path_factory.mktemp("corpus") / "desks"
    rng = random.Random(SEED)
    short = [line for line in un_lines if len(line) < 200]
    rng.shuffle(short)
    stories: list[Path] = []
    for number in range(DOCUMENTS):
        paragraphs = [short.pop() for _ in range(rng.randint(1, 2))]
        path = folder / f"desk-{number % 4}" / f"story-{rng.getrandbits(32):08x}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        stories.append(path)
    return stories


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    env.update({"TARJAMA_HOME": str(home), "TARJAMA_THREADS": "1"})
    return env


def files(folder: Path) -> dict[str, Path]:
    """Every output under its final name (temporaries are hidden ``.partial`` files)."""
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith(atomic.TEMP_SUFFIX)
    }


def temporaries(*folders: Path) -> list[Path]:
    return [p for f in folders if f.is_dir() for p in f.rglob(f"*{atomic.TEMP_SUFFIX}")]


def xliff_sources(data: bytes) -> list[str]:
    """The source of every segment of an XLIFF file."""
    return [s.findtext(f"{XLIFF}source") or "" for s in ET.fromstring(data).iter(f"{XLIFF}segment")]


def integrity(database: Path) -> str:
    """``PRAGMA integrity_check`` as the next user of the file would run it (after recovery)."""
    connection = sqlite3.connect(database)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def memory_keys(database: Path) -> set[str]:
    """The source key of every entry the memory holds."""
    with open_memory(database) as memory:
        return {entry.source for entry in memory.iter_entries()}


def contents(folder: Path) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in files(folder).items()}


@dataclass
class Reference:
    """What an uninterrupted run over every story wrote, and how long it took."""

    english: dict[str, bytes]  # output name -> bytes
    xliff: dict[str, bytes]  # XLIFF name -> bytes
    promised: dict[str, set[str]]  # output name -> memory keys that storing the story promises
    first_output: float  # seconds from start to the first output (loading the model)
    per_story: float  # seconds each story takes after that

    def check(self, out: Path, xliff: Path, kept: set[str]) -> dict[str, bytes]:
        """Every output under its final name is whole and the reference's, and the memory
        holds the sentences of every story whose output exists; returns the outputs."""
        made = contents(out)
        assert set(made) <= set(self.english), f"unexpected: {set(made) - set(self.english)}"
        for name, data in made.items():
            assert data == self.english[name], f"{name} is not the reference's"
            assert self.promised[name] <= kept, f"{name} was written, its sentences not kept"
        for name, data in contents(xliff).items():
            assert data == self.xliff.get(name), f"{name} is not the reference's"
        return made


def reference_run(command: list[str], inbox: Path, home: Path, tmp_path: Path) -> Reference:
    """Translate every story in ``inbox`` in a fresh ``home``, timed. (The inbox is the one
    the killed runs will read: an XLIFF file names its input's path.)"""
    out, xliff = tmp_path / "reference", tmp_path / "reference-x"
    started = time.monotonic()
    process = subprocess.Popen(
        [*command, str(inbox), "-o", str(out), "--xliff", str(xliff)],
        env=environment(home),
        stderr=subprocess.PIPE,
    )
    first_output = None
    while process.poll() is None:
        if first_output is None and files(out):
            first_output = time.monotonic() - started
        time.sleep(0.01)
    whole = time.monotonic() - started
    assert process.returncode == 0, process.communicate()[1].decode()
    assert first_output is not None
    english, xliffs = contents(out), contents(xliff)
    assert len(english) == len(xliffs) == DOCUMENTS
    stored = memory_keys(home / "memory.sqlite")
    promised = {
        name: {memory_key(s) for s in xliff_sources(xliffs[f"{name}.xlf"])} & stored
        for name in english
    }
    assert all(promised.values())
    per_story = (whole - first_output) / DOCUMENTS
    return Reference(english, xliffs, promised, first_output, per_story)


def test_translate_dir_killed_at_random_moments(
    model: str, corpus: list[Path], tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    command = [sys.executable, "-m", "tarjama.cli", "translate", "-q", "--model", model]
    desks = corpus[0].parent.parent
    inbox, home, out, xliff = (tmp_path / name for name in ("inbox", "home", "out", "x"))
    shutil.copytree(desks, inbox)
    reference = reference_run(command, inbox, tmp_path / "reference-home", tmp_path)
    shutil.rmtree(inbox)  # it fills again, story by story

    memory = home / "memory.sqlite"
    args = [*command, str(inbox), "-o", str(out), "--xliff", str(xliff)]
    tally: Counter[str] = Counter()
    arrived = 0
    while tally["killed"] < KILLS:
        assert tally["runs"] < 3 * KILLS, f"the runs kept finishing before the kill: {tally}"
        tally["runs"] += 1
        for story in corpus[arrived : arrived + NEW_PER_RUN]:
            arrival = inbox / story.relative_to(desks)
            arrival.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(story, arrival)
        arrived = min(arrived + NEW_PER_RUN, DOCUMENTS)
        before = len(memory_keys(memory)) if memory.exists() else 0
        process = subprocess.Popen(
            args, env=environment(home), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        # Anywhere from model loading to the (estimated) end of this run.
        end = reference.first_output + 1.2 * reference.per_story * arrived
        try:
            _, err = process.communicate(timeout=rng.uniform(0.7 * reference.first_output, end))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.communicate()
            tally["killed"] += 1
        else:
            assert process.returncode == 0, err.decode()
            tally["finished before the kill"] += 1

        assert integrity(memory) == "ok"
        kept = memory_keys(memory)
        made = reference.check(out, xliff, kept)
        tally["outputs seen complete"] += len(made)
        tally["kills with stories left to do"] += len(made) < arrived
        tally["... after the run had stored new entries"] += (
            len(made) < arrived and len(kept) > before
        )
        tally["temporaries left by kills"] += len(temporaries(out, xliff))

    rerun = subprocess.run(args, env=environment(home), capture_output=True, check=False)
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert integrity(memory) == "ok"
    assert reference.check(out, xliff, memory_keys(memory)) == reference.english
    assert len(files(xliff)) == DOCUMENTS
    assert temporaries(out, xliff) == []
    print(
        f"\ntranslate DIR: seed {SEED}, {DOCUMENTS} stories ({NEW_PER_RUN} new per run), "
        f"reference run {reference.first_output + reference.per_story * DOCUMENTS:.1f} s "
        f"(first output at {reference.first_output:.1f} s); {dict(tally)}"
    )


class Writers:
    """Threads that send distinct documents to ``/v1/translate`` until the server goes away,
    keeping the sentences of every request answered 200 (what the server acknowledged)."""

    def __init__(self, server: Server, texts: list[str], counter: list[int]) -> None:
        self.server = server
        self.texts = texts
        self.counter = counter  # shared across rounds: no text is sent twice
        self.lock = threading.Lock()
        self.acknowledged: list[str] = []
        self.statuses: Counter[int] = Counter()
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def next_text(self) -> str:
        with self.lock:
            self.counter[0] += 1
            return self.texts[self.counter[0] % len(self.texts)]

    def send(self, client: httpx.Client) -> int:
        response = client.post("/v1/translate", json={"text": self.next_text(), "format": "text"})
        with self.lock:
            self.statuses[response.status_code] += 1
        if response.status_code == 200:
            kept = [
                segment["source"]
                for segment in response.json()["segments"]
                if segment["engine"] != "passthrough"
                and segment["target"].strip()
                and "empty" not in segment["flags"]
            ]
            with self.lock:
                self.acknowledged.extend(kept)
        return response.status_code

    def _write(self) -> None:
        with self.server.client() as client:
            while not self.stop.is_set():
                try:
                    self.send(client)
                except httpx.HTTPError:  # the server was killed mid-request: not acknowledged
                    return

    def __enter__(self) -> Writers:
        self.threads = [threading.Thread(target=self._write) for _ in range(WRITERS)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_serve_killed_under_write_load(model: str, un_lines: list[str], tmp_path: Path) -> None:
    rng = random.Random(SEED + 1)
    home = tmp_path / "home"
    memory = home / "memory.sqlite"
    texts = un_lines[:]
    rng.shuffle(texts)
    counter = [0]
    acknowledged: set[str] = set()
    statuses: Counter[int] = Counter()
    tally: Counter[str] = Counter()

    def check(after: str) -> None:
        assert set(statuses) == {200}, f"answers other than 200 {after}: {statuses}"
        assert integrity(memory) == "ok", after
        lost = acknowledged - memory_keys(memory)
        assert not lost, f"acknowledged but not in the memory {after}: {lost}"

    for round_ in range(KILLS + 1):
        with running_server(model, home) as server:
            # It (re)started on the files the last kill left, and it serves.
            probe = Writers(server, texts, counter)
            with server.client() as client:
                assert probe.send(client) == 200
            acknowledged |= {memory_key(source) for source in probe.acknowledged}
            statuses += probe.statuses
            if round_ == KILLS:
                break
            with Writers(server, texts, counter) as writers:
                time.sleep(rng.uniform(0.2, 1.5))
                server.process.send_signal(signal.SIGKILL)
                server.process.wait()
            tally["killed"] += 1
            acknowledged |= {memory_key(source) for source in writers.acknowledged}
            statuses += writers.statuses
        check(f"after kill {round_ + 1}")
    check("after the last server stopped")
    tally["requests sent"] = counter[0]
    tally["requests answered 200"] = statuses[200]
    tally["requests cut off by the kills"] = counter[0] - statuses.total()
    tally["sentences acknowledged"] = len(acknowledged)
    print(f"\nserve: seed {SEED + 1}, {WRITERS} writer threads; {dict(tally)}")
