"""Hostile Word files: zip bombs and documents whose text expands past the input limit.

A ``.docx`` is a zip; its directory is checked before anything is expanded, and its text is
counted against ``max_input_bytes`` while its XML streams past, so neither a 2 MB upload that
expands to 2 GB nor a 144 KB file holding 21 MB of text gets anywhere near python-docx, the
engine or a minute of CPU. The CLI is run for real (``python -m tarjama.cli``).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from support.hostile_files import W_NS, handmade_zip, varied_text, word_file, zip_bomb
from tarjama.errors import InputError
from tarjama.formats import read_document_bytes
from tarjama.formats.word import DOCX_LIMITS

LIMIT = 2_000_000  # the default TARJAMA_MAX_INPUT_BYTES


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb()


def refused(read: Callable[[], object]) -> tuple[str, float, int]:
    """The InputError's message, the seconds until it came and the peak traced memory."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(InputError) as info:
            read()
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return str(info.value), seconds, peak


def test_a_2mb_upload_that_expands_to_2gb_is_refused_unexpanded(bomb: bytes) -> None:
    assert len(bomb) < LIMIT
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.infolist()[0].file_size > 1.99e9  # what it would become
    message, seconds, peak = refused(
        lambda: read_document_bytes(bomb, name="bomb.docx", max_bytes=LIMIT)
    )
    assert "bomb.docx expands to more than 100 MB" in message and "zip bomb" in message
    assert seconds < 1 and peak < 20 * 2**20, (seconds, peak)


def test_a_directory_that_understates_a_part_is_caught_while_reading() -> None:
    part = b'<w:document xmlns:w="' + W_NS.encode() + b'"><w:body>' + b"<w:p/>" * 1_000_000
    raw = zlib.compress(part)[2:-4]  # the raw deflate stream, 6 MB inflated
    declared = 40 * len(raw)  # a ratio of 40 passes the directory check
    liar = handmade_zip([("word/document.xml", raw, declared, zlib.crc32(part))])
    message, seconds, peak = refused(lambda: read_document_bytes(liar, name="liar.docx"))
    assert "liar.docx" in message and "damaged" in message, message
    assert seconds < 5 and peak < 5 * declared, (seconds, peak)  # never more than declared


def test_too_many_parts_are_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(DOCX_LIMITS.max_members + 1):
            archive.writestr(f"word/media/{n}.txt", b"")
    message, _, _ = refused(lambda: read_document_bytes(out.getvalue(), name="many.docx"))
    assert f"many.docx holds {DOCX_LIMITS.max_members + 1} files" in message


def test_a_part_that_expands_too_many_times_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/image1.png", bytes(20_000_000))  # 20 MB of zeros
    message, _, _ = refused(lambda: read_document_bytes(out.getvalue(), name="ratio.docx"))
    assert "'word/media/image1.png' expands" in message and "times over" in message


def test_text_beyond_the_input_limit_is_refused_while_it_streams(article: str) -> None:
    data = word_file(varied_text(article, 3_000_000))
    assert len(data) < LIMIT  # the upload itself is within the limit
    message, seconds, peak = refused(
        lambda: read_document_bytes(data, name="long.docx", max_bytes=LIMIT)
    )
    assert "long.docx holds more text than the 2.0 MB input limit" in message
    assert seconds < 10 and peak < 40 * 2**20, (seconds, peak)
    small = word_file(varied_text(article, 20_000))
    assert len(read_document_bytes(small, name="ok.docx", max_bytes=LIMIT).blocks) > 10


def test_text_formats_are_held_to_the_limit_on_what_they_decode_to() -> None:
    # UTF-16 holds a CJK character in 2 bytes, UTF-8 in 3: 1.9 MB of it is 2.3 MB of text
    line = "قال 汉字汉字汉字汉字\n"
    data = "\ufeff".encode("utf-16-le") + (line * 73_000).encode("utf-16-le")
    assert len(data) < LIMIT
    message, _, _ = refused(lambda: read_document_bytes(data, name="cjk.txt", max_bytes=LIMIT))
    assert "cjk.txt holds 2.3 MB of text, more than the 2.0 MB input limit" in message


# -- through the real command line ------------------------------------------------------------


def _translate(path: Path, model: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    env["TARJAMA_HOME"] = str(home)
    command = [sys.executable, "-m", "tarjama.cli", "translate", str(path)]
    command += ["-o", str(path.with_suffix(".en.docx")), "--model", str(model), "-q"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("case", ["2 GB zip bomb", "144 KB with 21 MB of text", "3 MB text"])
def test_the_cli_refuses_them_quickly(
    case: str, article: str, bomb: bytes, tiny_marian_ct2: Path, tmp_path: Path
) -> None:
    if case == "2 GB zip bomb":
        data = bomb
    elif case == "3 MB text":
        data = word_file(varied_text(article, 3_000_000))
    else:  # the file from issue 9: the article over and over
        paragraphs = [p for p in article.split("\n\n") if p.strip()]
        data = word_file(paragraphs * (21_000_000 // len(article.encode())))
    assert len(data) < LIMIT
    path = tmp_path / "upload.docx"
    path.write_bytes(data)
    started = time.perf_counter()
    run = _translate(path, tiny_marian_ct2, tmp_path / "home")
    seconds = time.perf_counter() - started
    assert run.returncode == 3, run.stderr  # an input error
    assert "Traceback" not in run.stderr
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("error: ") and "upload.docx" in line
    if case == "3 MB text":
        assert "input limit" in line
    assert not path.with_suffix(".en.docx").exists()
    assert seconds < 60, f"{case}: refused after {seconds:.0f} s"
