"""One XML policy for every reader: hostile XML against TMX, XLIFF, TBX, the parts of a DOCX and
feeds.

Each attack is a real file handed to the real reader: entity bombs must be refused before they
expand (bounded time and traced memory), external entities must read no file (a real secret in
``tmp_path`` must not appear anywhere) and fetch no URL (a real HTTP server on 127.0.0.1 must
receive no request), and nesting must be bounded. A bare ``<!DOCTYPE … SYSTEM "….dtd">``, which
real TMX and TBX files carry, must still be read, and its DTD never fetched.
"""

from __future__ import annotations

import io
import threading
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import docx
import pytest

from tarjama.errors import InputError
from tarjama.formats import read_document_bytes
from tarjama.memory import read_tmx, read_xliff
from tarjama.terms import Glossary
from tarjama.xmlpolicy import MAX_DEPTH, XMLInputError, iterparse_xml, parse_xml

SECRET = "TOP-SECRET-7f3a9c"


@dataclass
class Trap:
    """An HTTP server on loopback that records every request it gets (it must get none)."""

    url: str
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def trap() -> Iterator[Trap]:
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            body = b'<!ENTITY leak "fetched">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Trap(f"http://127.0.0.1:{server.server_address[1]}", seen)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


# -- one document of each kind, with a DOCTYPE and something in the middle of its text --------


def _tmx(doctype: str, inner: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n'
        '<tmx version="1.4"><header creationtool="t" srclang="ar" segtype="sentence"/><body>'
        f'<tu><tuv xml:lang="ar"><seg>قال الرئيس {inner}</seg></tuv>'
        '<tuv xml:lang="en"><seg>The president said</seg></tuv></tu></body></tmx>\n'
    ).encode()


def _xliff(doctype: str, inner: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n'
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ar" '
        'trgLang="en"><file id="f1"><unit id="u1"><segment id="s1" state="translated">'
        f"<source>قال الرئيس {inner}</source><target>The president said</target>"
        "</segment></unit></file></xliff>\n"
    ).encode()


def _tbx(doctype: str, inner: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n'
        '<martif type="TBX-Basic" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>desk</p>'
        '</sourceDesc></fileDesc></martifHeader><text><body><termEntry id="c1">'
        f'<langSet xml:lang="ar"><tig><term>البيت الأبيض {inner}</term></tig></langSet>'
        '<langSet xml:lang="en"><tig><term>White House</term></tig></langSet>'
        "</termEntry></body></text></martif>\n"
    ).encode()


def _rss(doctype: str, inner: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n'
        '<rss version="2.0"><channel><title>الأخبار</title><item><guid>g1</guid>'
        f"<title>قال الرئيس {inner}</title></item></channel></rss>\n"
    ).encode()


def _docx_template() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("قال الرئيس")
    document.save(out)
    return out.getvalue()


_TEMPLATE = _docx_template()
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx_part(doctype: str, inner: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}\n'
        f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>قال الرئيس {inner}</w:t></w:r>'
        "</w:p></w:body></w:document>"
    ).encode()


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    """A copy of the zip ``data`` with member ``name`` replaced by ``content``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = content if info.filename == name else source.read(info)
            target.writestr(info.filename, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


Reader = Callable[[Path, bytes], object]


def _read_tmx(tmp: Path, data: bytes) -> object:
    path = tmp / "hostile.tmx"
    path.write_bytes(data)
    return list(read_tmx(path))


def _read_xliff(tmp: Path, data: bytes) -> object:
    return read_xliff(data, "hostile.xlf")


def _read_tbx(tmp: Path, data: bytes) -> object:
    path = tmp / "hostile.tbx"
    path.write_bytes(data)
    return Glossary.read(path)


def _read_feed(tmp: Path, data: bytes) -> object:
    return read_document_bytes(data, name="hostile.rss", max_bytes=2_000_000)


def _read_docx(tmp: Path, data: bytes) -> object:
    return read_document_bytes(data, name="hostile.docx", max_bytes=2_000_000)


#: reader name → (document builder, reader, which part of a docx holds the XML)
READERS: dict[str, tuple[Callable[[str, str], bytes], Reader]] = {
    "tmx": (_tmx, _read_tmx),
    "xliff": (_xliff, _read_xliff),
    "tbx": (_tbx, _read_tbx),
    "docx": (lambda d, i: with_part(_TEMPLATE, "word/document.xml", _docx_part(d, i)), _read_docx),
    "feed": (_rss, _read_feed),
}

_LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))


def _attacks(secret: Path, trap: Trap) -> dict[str, tuple[str, str]]:
    """attack name → (DOCTYPE, what goes in the text)."""
    return {
        "billion laughs": (f'<!DOCTYPE r [<!ENTITY l0 "lol">{_LAUGHS}]>', "&l9;"),
        # 100 KB entity used 10,000 times: 1 GB if expanded
        "quadratic blow-up": (f'<!DOCTYPE r [<!ENTITY a "{"x" * 100_000}">]>', "&a;" * 10_000),
        "external entity (file)": (
            f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>',
            "&xxe;",
        ),
        "external entity (URL)": (
            f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "{trap.url}/entity">]>',
            "&xxe;",
        ),
        "parameter entity (URL)": (
            f'<!DOCTYPE r [<!ENTITY % pe SYSTEM "{trap.url}/param"> %pe;]>',
            "&leak;",
        ),
        "external DTD declaring the entity": (
            f'<!DOCTYPE r SYSTEM "{trap.url}/evil.dtd">',
            "&leak;",
        ),
        "deep nesting": ("", "<b>" * 100_000 + "</b>" * 100_000),
    }


ATTACKS = list(_attacks(Path("x"), Trap("http://x")))


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("kind", list(READERS))
def test_every_reader_refuses_every_attack(
    kind: str, attack: str, tmp_path: Path, secret: Path, trap: Trap
) -> None:
    build, read = READERS[kind]
    data = build(*_attacks(secret, trap)[attack])
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(InputError) as refused:
            read(tmp_path, data)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(refused.value)
    assert "hostile" in message, message  # the error names the file
    assert SECRET not in message
    assert trap.requests == [], "the reader fetched a URL"
    assert seconds < 10, f"{kind} took {seconds:.1f} s to refuse {attack}"
    assert peak < 100 * 2**20, f"{kind} traced {peak / 2**20:.0f} MB refusing {attack}"
    assert "Traceback" not in message


@pytest.mark.parametrize("kind", ["tmx", "xliff", "tbx", "feed"])
def test_a_bare_doctype_is_read_and_its_dtd_never_fetched(
    kind: str, tmp_path: Path, trap: Trap
) -> None:
    build, read = READERS[kind]
    root = {"tmx": "tmx", "xliff": "xliff", "tbx": "martif", "feed": "rss"}[kind]
    data = build(f'<!DOCTYPE {root} SYSTEM "{trap.url}/{kind}.dtd">', "اليوم")
    result = read(tmp_path, data)
    assert result  # a unit, a segment, a glossary entry
    assert trap.requests == []


def test_the_real_tmx14_doctype_is_accepted(tmp_path: Path) -> None:
    entries = _read_tmx(tmp_path, _tmx('<!DOCTYPE tmx SYSTEM "tmx14.dtd">', ""))
    assert [e.target for e in entries if e] == ["The president said"]  # type: ignore[attr-defined]


def test_refusals_say_what_and_where() -> None:
    bomb = _tmx(f'<!DOCTYPE r [<!ENTITY l0 "lol">{_LAUGHS}]>', "&l9;")
    with pytest.raises(XMLInputError) as refused:
        parse_xml(bomb, name="bomb.tmx", kind="TMX")
    assert refused.value.line == 2
    assert "bomb.tmx cannot be read as TMX: an <!ENTITY l0> declaration" in str(refused.value)
    deep = b"<a>" * (MAX_DEPTH + 1) + b"</a>" * (MAX_DEPTH + 1)
    with pytest.raises(XMLInputError, match=f"nested more than {MAX_DEPTH} deep"):
        parse_xml(deep, name="deep.xml", kind="XML")
    assert parse_xml(b"<a>" * MAX_DEPTH + b"</a>" * MAX_DEPTH, name="ok", kind="XML").tag == "a"


def test_streaming_stops_at_the_first_refusal(tmp_path: Path) -> None:
    path = tmp_path / "late.xml"
    path.write_bytes(b"<r>" + b"<ok/>" * 10 + b"<bad>&undefined;</bad></r>")
    seen = []
    with pytest.raises(XMLInputError, match="undefined entity"):
        for _, element in iterparse_xml(path, name="late.xml", kind="XML", events=("end",)):
            seen.append(element.tag)
    assert seen == ["ok"] * 10
