"""Request and response models: what ``/openapi.json`` documents for every route.

LibreTranslate's field names (``translatedText``, ``detectedLanguage`` …) are kept as they are
so its clients read our answers unchanged; the native ``/v1`` models follow tarjama's own
:class:`~tarjama.document.Translation`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

__all__ = [
    "MAX_ID",
    "Detection",
    "DocumentRequest",
    "DocumentResponse",
    "FrontendLanguage",
    "FrontendSettings",
    "GlossaryEntryModel",
    "GlossaryIn",
    "GlossaryOut",
    "Health",
    "Language",
    "LibreTranslateRequest",
    "LibreTranslateResponse",
    "ModelInfo",
    "ModelsResponse",
    "SegmentResult",
    "SuggestionResult",
    "TranslateFileResponse",
]

#: The largest id SQLite stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1

_AR = "قال الرئيس إن المحادثات ستستأنف غداً."
_EN = "The president said the talks would resume tomorrow."


#: ``alternatives`` as LibreTranslate reads it: a whole number 0-3, given as a number or text.
_ALTERNATIVES = {
    "anyOf": [
        {"type": "integer", "minimum": 0, "maximum": 3},
        {"type": "number", "minimum": 0, "maximum": 3},
        {"type": "string", "pattern": r"^\s*(\+?0*[0-3]|-0+)\s*$"},
        {"type": "null"},
    ],
    "default": 0,
}

#: ``format``: text or html; blank or null means text, as in LibreTranslate.
_FORMAT = {"anyOf": [{"enum": ["text", "html", ""]}, {"type": "null"}], "default": "text"}


# ---- LibreTranslate -------------------------------------------------------------------------


class LibreTranslateRequest(BaseModel):
    """``POST /translate``, as JSON or as a form (LibreTranslate accepts both)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"q": _AR, "source": "ar", "target": "en"}]}
    )

    q: Annotated[str, Field(min_length=1)] | Annotated[list[str], Field(min_length=1)] = Field(
        description="Text, or a list of texts, to translate"
    )
    source: Literal["ar", "auto"] = Field("ar", description="`ar`, or `auto` to detect")
    target: Literal["en"] = Field("en", description="Only `en`")
    format: Annotated[Literal["text", "html"], WithJsonSchema(_FORMAT)] = "text"
    alternatives: Annotated[int, WithJsonSchema(_ALTERNATIVES)] = Field(
        0,
        ge=0,
        le=3,
        description="Other translations of each whole text wanted (CTranslate2 models make them;"
        " chat engines give none); a number, or a string of digits, as LibreTranslate takes it",
    )
    api_key: str | None = None


class Detection(BaseModel):
    confidence: float = Field(examples=[100.0], description="0 to 100")
    language: str = Field(examples=["ar"])


class LibreTranslateResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"translatedText": _EN}]})

    translatedText: str | list[str]  # LibreTranslate's names
    detectedLanguage: Detection | list[Detection] | None = None
    alternatives: list[str] | list[list[str]] | None = None


class Language(BaseModel):
    code: str = Field(examples=["ar"])
    name: str = Field(examples=["Arabic"])
    targets: list[str] = Field(examples=[["en"]])


class FrontendLanguage(BaseModel):
    code: str
    name: str


class FrontendSettings(BaseModel):
    charLimit: int
    frontendTimeout: int
    apiKeys: bool
    keyRequired: bool
    suggestions: bool
    filesTranslation: bool
    supportedFilesFormat: list[str]
    language: dict[Literal["source", "target"], FrontendLanguage]


class TranslateFileResponse(BaseModel):
    translatedFileUrl: str = Field(
        examples=["http://127.0.0.1:5000/download_file/3f2a….article.docx"]
    )


# ---- native /v1 -----------------------------------------------------------------------------


class DocumentRequest(BaseModel):
    """A document to translate, in one of tarjama's formats."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"text": _AR, "format": "text"}]}, extra="forbid"
    )

    text: str = Field(min_length=1, description="The document (UTF-8 text)")
    format: Literal["auto", "text", "markdown", "html", "json", "jsonl"] = "auto"
    name: str | None = Field(None, description="A file name; helps `auto` pick the format")
    fields: list[str] = Field(default_factory=list, description="JSON/JSONL fields to translate")
    glossary_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="A glossary made with /v1/glossaries"
    )


class SuggestionResult(BaseModel):
    """A translation-memory match for a sentence, as CAT tools show them beside it."""

    source: str = Field(description="The stored Arabic that is like the sentence")
    target: str = Field(description="Its English in the memory")
    score: int = Field(ge=0, le=100, description="How alike the two sources are, 0-100")
    origin: str = Field(description="human (a person's translation) or engine")


class SegmentResult(BaseModel):
    """One sentence: where it was, what it became, and how sure the engine was."""

    id: str
    block: str
    source: str
    target: str
    start: int
    end: int
    score: float | None = Field(description="Mean log-probability per token; None if unknown")
    engine: str
    model: str
    flags: list[str] = Field(description="Quality flags (untranslated_arabic, number_missing …)")
    suggestions: list[SuggestionResult] = Field(
        default_factory=list,
        description="Memory matches at or above TARJAMA_FUZZY_THRESHOLD (75), best first; a "
        "person's translation first at equal score",
    )


class DocumentResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "format": "text",
                    "output": _EN,
                    "warnings": [],
                    "segments": [
                        {
                            "id": "b0.s0",
                            "block": "b0",
                            "source": _AR,
                            "target": _EN,
                            "start": 0,
                            "end": len(_AR),
                            "score": -0.21,
                            "engine": "ctranslate2",
                            "model": "opus-mt-ar-en",
                            "flags": [],
                        }
                    ],
                    "model": "opus-mt-ar-en",
                    "cache_hits": 0,
                }
            ]
        }
    )

    format: str
    name: str | None = None
    output: str = Field(description="The English, in the document's own shape")
    warnings: list[str]
    segments: list[SegmentResult]
    model: str
    cache_hits: int = 0
    glossary_id: int | None = None


#: A character ``str.strip()`` keeps. The glossary store strips names and terms, and Python's
#: white space is the regex's ``\s`` plus the separators U+001C-U+001F: with ``\S`` alone, a
#: name of one U+001C passed the schema, was stored empty, and failed the response model (500).
NOT_BLANK = r"[^\s\x1c-\x1f]"


class GlossaryEntryModel(BaseModel):
    # a term is more than white space: the store strips it
    arabic: str = Field(min_length=1, pattern=NOT_BLANK, examples=["الأونروا"])
    english: str = Field(min_length=1, pattern=NOT_BLANK, examples=["UNRWA"])
    note: str = ""


class GlossaryIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"name": "house style", "entries": [{"arabic": "الأونروا", "english": "UNRWA"}]}
            ]
        }
    )

    name: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)
    entries: list[GlossaryEntryModel] = Field(default_factory=list, max_length=50_000)


class GlossaryOut(GlossaryIn):
    id: int
    created: str
    updated: str
    revision: int


class ModelInfo(BaseModel):
    name: str = Field(examples=["opus-mt-ar-en"])
    engine: str = Field(examples=["ctranslate2"])
    model_id: str
    loaded: bool
    installed: bool


class ModelsResponse(BaseModel):
    default: str
    models: list[ModelInfo]


class Health(BaseModel):
    status: Literal["ok", "starting"]
    version: str
    model: str
    engine: str | None
    inflight: int
    keys_required: bool
