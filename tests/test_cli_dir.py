"""``tarjama translate DIR -o OUT``: nothing lost, nothing half-written, nothing overwritten.

Through the real command line (a subprocess), with the tiny random-weight Marian model, or,
where an engine must fail on one document, with the OpenAI-compatible engine talking to a
stand-in HTTP endpoint that refuses requests carrying a marker word, as a real endpoint refuses
what its content policy forbids. Bad settings are tried against every command group.
"""

from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tarjama import atomic
from test_cli import ARABIC, one_error_line, tarjama, write

XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"
OTHER = "أعلنت وزارة الصحة تسجيل إصابات جديدة اليوم."
FAILS = "انقطع"  # the stand-in endpoint refuses any request that carries this word


@pytest.fixture(scope="module")
def model(tiny_marian_ct2: Path) -> str:
    return str(tiny_marian_ct2)


def made(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def xliff_sources(path: Path) -> list[str]:
    return [s.text or "" for s in ET.parse(path).getroot().iter(f"{XLIFF}source")]


def test_xliff_of_same_named_inputs_in_different_folders_do_not_collide(
    model: str, tmp_path: Path
) -> None:
    tree = tmp_path / "feeds"
    write(tree / "world" / "news.txt", ARABIC + "\n")
    write(tree / "local" / "news.txt", OTHER + "\n")
    write(tree / "news.txt", ARABIC + "\n\n" + OTHER + "\n")
    out, xliff = tmp_path / "out", tmp_path / "xliff"
    run = tarjama(
        "translate", "-q", "--model", model, "--beam", "1", tree, "-o", out, "--xliff", xliff,
        home=tmp_path / "home",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert made(out) == ["local/news.txt", "news.txt", "world/news.txt"]
    assert made(xliff) == ["local/news.txt.xlf", "news.txt.xlf", "world/news.txt.xlf"]
    assert xliff_sources(xliff / "world" / "news.txt.xlf") == [ARABIC]
    assert xliff_sources(xliff / "local" / "news.txt.xlf") == [OTHER]
    assert xliff_sources(xliff / "news.txt.xlf") == [ARABIC, OTHER]

    # Two input folders: each keeps its own name, in the XLIFF folder as under -o.
    wires = tmp_path / "wires"
    write(wires / "news.txt", OTHER + "\n")
    both, both_xliff = tmp_path / "both", tmp_path / "both-xliff"
    run = tarjama(
        "translate", "-q", "--model", model, "--beam", "1", "--json", tree, wires,
        "-o", both, "--xliff", both_xliff, home=tmp_path / "home",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert made(both_xliff) == [
        "feeds/local/news.txt.xlf",
        "feeds/news.txt.xlf",
        "feeds/world/news.txt.xlf",
        "wires/news.txt.xlf",
    ]
    assert xliff_sources(both_xliff / "wires" / "news.txt.xlf") == [OTHER]


def test_a_rerun_clears_what_a_killed_run_left_and_nothing_else(model: str, tmp_path: Path) -> None:
    tree = tmp_path / "feeds"
    write(tree / "a.txt", ARABIC + "\n")
    write(tree / "sub" / "b.txt", OTHER + "\n")
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    # What a run killed before its rename leaves: hidden temporaries of a process now gone.
    gone = 2**22 + 12345  # above the default pid_max of 4194304: no such process
    stale = [
        out / f".a.txt.{gone}-0badf00d.partial",
        out / "sub" / f".b.txt.{gone}-0badf00d.partial",
    ]
    for path in stale:
        path.write_bytes(b"half a transl")
    keep = out / "notes" / f".x.txt.{gone}-0badf00d.partial"  # not a folder this run writes to
    write(keep, "someone else's")
    run = tarjama(
        "translate", "-q", "--model", model, "--beam", "1", tree, "-o", out,
        home=tmp_path / "home",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert not any(path.exists() for path in stale)
    assert keep.exists()
    assert made(out) == ["a.txt", f"notes/{keep.name}", "sub/b.txt"]
    assert [p for p in out.rglob(f"*{atomic.TEMP_SUFFIX}") if p != keep] == []


# -- an engine that fails on one document ------------------------------------------------------


class _Endpoint(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat endpoint: refuses (400) a request that carries ``FAILS``.

    Not for being too long: a 400 that names the context is a cue to cut the text smaller.
    """

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        asked = body["messages"][-1]["content"]
        if FAILS in asked:
            status, answer = 400, {"error": {"message": "this input was refused by policy"}}
        else:
            status = 200
            answer = {"choices": [{"message": {"content": "The talks resume tomorrow."}}]}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_a_document_the_engine_fails_on_is_reported_and_the_run_goes_on(
    endpoint: str, tmp_path: Path
) -> None:
    tree = tmp_path / "feeds"
    write(tree / "a.txt", ARABIC + "\n")
    write(tree / "b.txt", f"{FAILS} التيار الكهربائي عن العاصمة.\n")
    write(tree / "c.txt", OTHER + "\n")
    (tree / "d.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    write(tree / "e.txt", ARABIC + "\n")
    out = tmp_path / "out"
    run = tarjama(
        "translate", "-q", "--no-memory", "--model", "openai:stand-in", tree, "-o", out,
        home=tmp_path / "home", env={"TARJAMA_OPENAI_BASE_URL": endpoint},
    )  # fmt: skip
    assert run.code == 1, run.err  # the first failure's code: b.txt, the engine's
    lines = run.err.strip().splitlines()
    assert len(lines) == 3, run.err
    assert lines[0].startswith("error: b.txt: ") and "answered 400" in lines[0]
    assert lines[1].startswith("error: ") and "d.txt" in lines[1] and "binary" in lines[1]
    assert lines[2] == "error: 2 of 5 inputs failed; see above"
    assert made(out) == ["a.txt", "c.txt", "e.txt"]
    assert (out / "e.txt").read_text(encoding="utf-8") == "The talks resume tomorrow.\n"

    # One input alone: the engine's error is the run's, exit 1, one line.
    alone = tarjama(
        "translate", "--no-memory", "--model", "openai:stand-in", tree / "b.txt",
        home=tmp_path / "home", env={"TARJAMA_OPENAI_BASE_URL": endpoint},
    )  # fmt: skip
    assert alone.code == 1
    assert "answered 400" in one_error_line(alone)


# -- bad settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value"),
    [("TARJAMA_THREADS", "abc"), ("TARJAMA_MAX_INPUT_BYTES", "-x"), ("TARJAMA_THREADS", "-2")],
)
def test_a_bad_setting_is_one_line_and_exit_5_for_every_command(
    variable: str, value: str, model: str, tmp_path: Path
) -> None:
    source = write(tmp_path / "one.txt", ARABIC + "\n")
    pairs = write(tmp_path / "pairs.tsv", f"{ARABIC}\tThe president said.\n")
    commands: list[list[str | Path]] = [
        ["translate", "--model", model, source],
        ["translate", "--model", model, tmp_path, "-o", tmp_path / "out"],
        ["serve", "--model", model, "--port", "0"],
        ["models", "list"],
        ["memory", "stats"],
        ["memory", "import", pairs],
        ["keys", "list"],
        ["eval", "--model", model, "--data", source, source],
    ]
    if value != "abc":
        commands = commands[1:2] + commands[4:5]  # one bad value through every group is enough
    for command in commands:
        run = tarjama(*command, home=tmp_path / "home", env={variable: value})
        assert run.code == 5, (command, run.err)
        line = one_error_line(run)
        assert f"{variable}={value!r} is not valid" in line, command
    assert not (tmp_path / "out").exists()
