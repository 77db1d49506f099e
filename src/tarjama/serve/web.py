"""The bilingual web page at ``/`` and the small JSON routes it alone uses.

The page (``static/index.html``, ``app.css``, ``app.js``: no build step, nothing from a CDN,
so it works offline) posts an article to ``POST /web/translate`` and draws the Arabic and the
English side by side, sentence by sentence, from the segments it gets back. Downloads
(``GET /web/download/{id}.{txt|html|docx|tmx|xliff}``) are rendered from the real
:class:`~tarjama.pipeline.TranslatedDocument`, kept in a small per-app LRU store, so what a
reader downloads is exactly what they saw. These routes are the page's own: the public APIs
(``/v1``, LibreTranslate) may change shape without breaking it, and the other way round. They
pass the same access check as those APIs (:mod:`tarjama.serve.access`): with keys on, the page
asks for a key, keeps it in the browser's localStorage and sends it as ``X-API-Key``.
"""

from __future__ import annotations

import html
import io
import json
import tempfile
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response

from tarjama.errors import InputError
from tarjama.memory import Entry, export_xliff, write_tmx
from tarjama.pipeline import TranslatedDocument
from tarjama.serve.runtime import app_singleton, server_state
from tarjama.serve.service import TranslationService
from tarjama.terms import Glossary, GlossaryEntry, GlossaryError

__all__ = [
    "FLAG_HELP",
    "KINDS",
    "MAX_GLOSSARY_ENTRIES",
    "STORE_SIZE",
    "WebResult",
    "WebStore",
    "page_payload",
    "parse_glossary",
    "render_download",
    "router",
]

router = APIRouter(tags=["web"], include_in_schema=False)

#: Translated documents kept for download, per app: enough for a newsroom's open tabs, small
#: enough that a busy server's memory stays bounded (the oldest is forgotten first).
STORE_SIZE = 32
#: A page glossary is a reader's list of terms, not a term base: this bounds the request.
MAX_GLOSSARY_ENTRIES = 500

#: What each flag code means, for the badge's tooltip (the checks' own messages name the
#: evidence, but only the codes travel in ``Translation.flags``).
FLAG_HELP: dict[str, str] = {
    "empty": "The English is empty: nothing came back for this sentence.",
    "untranslated_arabic": "Arabic words were left in the English.",
    "number_missing": "A number in the Arabic is missing from the English.",
    "number_changed": "The English has a number that is not in the Arabic.",
    "date_changed": "A date in the Arabic is missing or different in the English.",
    "glossary_violation": "A glossary term's English was not used.",
    "lexicon_violation": "A known name is not in its usual English spelling.",
    "invented_entity": "The English names someone or somewhere the Arabic does not.",
    "repetition": "The English repeats itself, a sign of the model looping.",
    "length_ratio": "The English is unusually long or short for the Arabic.",
    "low_score": "The model was unsure of this sentence (low confidence).",
    "protected_span_missing": "A number, link or tag the model dropped was added back at the end.",
    "engine_invalid": "The model's answer did not line up and was asked for again.",
}
_UNKNOWN_FLAG = "A quality check flagged this sentence; review it."

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Downloads and their media types: the English in three shapes, the pair in two.
KINDS: dict[str, str] = {
    "txt": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": _DOCX,
    "tmx": "application/x-tmx+xml",
    "xliff": "application/xliff+xml",
}
_TEXT_FORMATS = frozenset({"text", "lines", "markdown"})

_STATIC = ("index.html", "app.css", "app.js")
_STATIC_TYPES = {
    "html": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
}


@dataclass(frozen=True)
class WebResult:
    """One translation the page showed (the pipeline's own result, Word files included)."""

    translated: TranslatedDocument


class WebStore:
    """A bounded, thread-safe LRU of results by id: downloads need the real document, and a
    server must not grow without end because pages were left open."""

    def __init__(self, size: int = STORE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[str, WebResult] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, result: WebResult) -> str:
        doc_id = uuid.uuid4().hex
        with self._lock:
            self._items[doc_id] = result
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return doc_id

    def get(self, doc_id: str) -> WebResult | None:
        with self._lock:
            result = self._items.get(doc_id)
            if result is not None:
                self._items.move_to_end(doc_id)
            return result

    def __len__(self) -> int:
        return len(self._items)


def _store(request: Request) -> WebStore:
    """The app's store, made on first use (one per app, so tests and apps never share)."""
    return app_singleton(request, "web_store", WebStore)


def _static(name: str) -> Response:
    text = resources.files("tarjama.serve").joinpath("static").joinpath(name).read_text("utf-8")
    media = _STATIC_TYPES[name.rsplit(".", 1)[1]]
    return Response(text, media_type=media, headers={"Cache-Control": "no-cache"})


@router.get("/", response_class=HTMLResponse)
def page() -> Response:
    """The page itself."""
    return _static("index.html")


@router.get("/web/static/{name}")
def static_file(name: str) -> Response:
    """The page's stylesheet and script (a fixed list: nothing else is reachable here)."""
    if name not in _STATIC or name == "index.html":
        return JSONResponse({"error": f"no such file: {name}"}, status_code=404)
    return _static(name)


@router.post("/web/translate")
async def translate(
    request: Request,
    text: Annotated[str, Form()] = "",
    glossary: Annotated[str, Form()] = "[]",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Translate pasted text or an uploaded file (txt, md, html, docx) for the page.

    The page is held to the same access check as the APIs (key, request and character rates;
    the page sends its key as ``X-API-Key``). Errors are raised as tarjama's own and answered
    by the server's one error mapping (``{"error": …}``, 400/401/403/413/429/503 …), which the
    page shows in its alert region.
    """
    state = server_state(request)
    service: TranslationService = state.running()
    limit = service.translator.max_input_bytes
    if file is not None and file.filename:
        data = await file.read(limit + 1) if limit else await file.read()
        name: str | None = file.filename
        characters = len(data)  # a file is charged by its bytes, as /translate_file is
    else:
        # browsers send a textarea's line breaks as CRLF; the reader typed LF
        text = text.replace("\r\n", "\n")
        data, name, characters = text.encode("utf-8"), None, len(text)
    state.access.check(request, None, characters=characters)
    terms = parse_glossary(glossary)
    if limit and len(data) > limit:
        raise InputError(
            f"{name or 'the text'} is larger than the {limit / 1e6:.1f} MB input limit; "
            "split it into smaller parts"
        )
    if not data.strip():
        raise InputError("Nothing to translate: paste Arabic text or choose a file.")
    translated = await service.translate(data, name=name, glossary=terms)
    result = WebResult(translated)
    doc_id = _store(request).add(result)
    return JSONResponse(page_payload(doc_id, result, name))


@router.get("/web/download/{filename}")
def download(request: Request, filename: str) -> Response:
    """The English (txt, html, docx) or the pair (tmx, xliff) of a translation the page made."""
    server_state(request).access.check(request, None, characters=0)
    doc_id, _, kind = filename.rpartition(".")
    if kind not in KINDS:
        known = ", ".join(KINDS)
        return JSONResponse({"error": f"unknown download {kind!r}; one of {known}"}, 404)
    result = _store(request).get(doc_id)
    if result is None:
        return JSONResponse(
            {"error": "This translation is no longer kept on the server; translate it again."},
            status_code=404,
        )
    body = render_download(kind, result.translated)
    stem = file_stem(result.translated.document.name)
    suffix = "" if kind in ("tmx", "xliff") else ".en"
    return Response(
        body,
        media_type=KINDS[kind],
        headers={"Content-Disposition": f'attachment; filename="{stem}{suffix}.{kind}"'},
    )


def parse_glossary(raw: str) -> Glossary | None:
    """The page's glossary (a JSON list of ``{"ar": …, "en": …}``), or None when it is empty.

    Rows with an empty side are ones still being typed, so they are skipped, not refused; a
    term the glossary refuses is reported with its row number, as the reader sees the table.
    """
    try:
        rows = json.loads(raw or "[]")
    except json.JSONDecodeError as exc:
        raise InputError(f"the glossary is not valid JSON ({exc.msg})") from exc
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise InputError('the glossary must be a list of {"ar": …, "en": …} entries')
    if len(rows) > MAX_GLOSSARY_ENTRIES:
        raise InputError(f"the glossary has {len(rows)} entries; at most {MAX_GLOSSARY_ENTRIES}")
    entries: list[GlossaryEntry] = []
    for number, row in enumerate(rows, 1):
        arabic, english = str(row.get("ar") or "").strip(), str(row.get("en") or "").strip()
        if arabic and english:
            try:
                entries.append(GlossaryEntry(arabic, english))
            except GlossaryError as exc:
                raise GlossaryError(f"Glossary row {number}: {exc}") from exc
    return Glossary(tuple(entries), name="web page") if entries else None


def page_payload(doc_id: str, result: WebResult, name: str | None) -> dict[str, Any]:
    """What the page draws: blocks of sentence pairs, the meaning of every flag shown, and
    where to download the result."""
    translated = result.translated
    by_block: dict[str, list[dict[str, Any]]] = {}
    for translation in translated.translations:
        by_block.setdefault(translation.block_id, []).append(translation.to_dict())
    blocks = [
        {"id": block.id, "kind": block.kind, "segments": by_block[block.id]}
        for block in translated.document.blocks
        if block.id in by_block
    ]
    codes = {code for t in translated.translations for code in t.flags}
    return {
        "id": doc_id,
        "name": name,
        "format": translated.document.format,
        "blocks": blocks,
        "flag_help": {code: FLAG_HELP.get(code, _UNKNOWN_FLAG) for code in sorted(codes)},
        "warnings": list(translated.warnings),
        "downloads": {kind: f"/web/download/{doc_id}.{kind}" for kind in KINDS},
    }


# --- downloads ------------------------------------------------------------------------------


def _paragraphs(translated: TranslatedDocument) -> list[tuple[str, str]]:
    """(kind, English) of the readable blocks: HTML attributes (alt, title) are left out."""
    targets = {block: text.strip() for block, text in translated.block_targets().items()}
    return [
        (block.kind, targets[block.id])
        for block in translated.document.blocks
        if block.id in targets and not block.kind.startswith("attribute")
    ]


def _english_text(translated: TranslatedDocument) -> str:
    if translated.document.format in _TEXT_FORMATS:
        return translated.output
    return "\n\n".join(text for _kind, text in _paragraphs(translated)) + "\n"


def _english_html(translated: TranslatedDocument) -> str:
    if translated.document.format == "html":
        return translated.output
    title = html.escape(file_stem(translated.document.name))
    body = "\n".join(
        f"<{tag}>{html.escape(text)}</{tag}>"
        for kind, text in _paragraphs(translated)
        for tag in ["h2" if kind == "heading" else "p"]
    )
    return (
        '<!doctype html>\n<html lang="en" dir="ltr">\n<head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _english_docx(translated: TranslatedDocument) -> bytes:
    if translated.document.format == "docx":  # the reader's own Word file, in English
        return translated.output_bytes
    import docx as python_docx

    word = python_docx.Document()
    for kind, text in _paragraphs(translated):
        if kind == "heading":
            word.add_heading(text, level=2)
        else:
            word.add_paragraph(text)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _tmx_entries(translated: TranslatedDocument) -> list[Entry]:
    """Every translated sentence of the document, whoever answered it (engine or memory)."""
    return [
        Entry(
            source=t.source,
            target=t.target,
            origin="human" if t.model == "human" else "engine",
            model=t.model,
            engine=t.engine,
            score=t.score,
            flags=t.flags,
        )
        for t in translated.translations
        if t.engine != "passthrough" and t.target.strip()
    ]


def _tmx(translated: TranslatedDocument) -> bytes:
    with tempfile.TemporaryDirectory(prefix="tarjama-web-") as folder:
        path = Path(folder) / "pair.tmx"
        write_tmx(_tmx_entries(translated), path)
        return path.read_bytes()


def render_download(kind: str, translated: TranslatedDocument) -> bytes:
    """The bytes of one download (``kind`` is a key of :data:`KINDS`)."""
    if kind == "txt":
        return _english_text(translated).encode("utf-8")
    if kind == "html":
        return _english_html(translated).encode("utf-8")
    if kind == "docx":
        return _english_docx(translated)
    if kind == "tmx":
        return _tmx(translated)
    if kind == "xliff":
        return export_xliff(translated).encode("utf-8")
    raise ValueError(f"unknown download kind {kind!r}")


def file_stem(name: str | None) -> str:
    """A safe ASCII file name stem for downloads (``article`` when there is nothing usable)."""
    stem = PurePath(name or "").stem
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "-" for ch in stem)
    return safe.strip("-.") or "article"
