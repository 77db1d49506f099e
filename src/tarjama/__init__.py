"""tarjama: offline Arabic → English news translation.

The public API is what this module exports; everything else may change.
"""

from tarjama.document import Block, Document, ProtectedSpan, Segment, Translation
from tarjama.engines.base import Capabilities, Engine, Hypothesis, TranslationContext
from tarjama.errors import (
    ConfigurationError,
    EngineError,
    InputError,
    ModelError,
    ModelNotFoundError,
    StorageBusyError,
    StorageCorruptError,
    StorageError,
    StorageFullError,
    TarjamaError,
)
from tarjama.pipeline import TranslatedDocument
from tarjama.translator import Translator, load_document

__version__ = "0.1.0"

__all__ = [
    "Block",
    "Capabilities",
    "ConfigurationError",
    "Document",
    "Engine",
    "EngineError",
    "Hypothesis",
    "InputError",
    "ModelError",
    "ModelNotFoundError",
    "ProtectedSpan",
    "Segment",
    "StorageBusyError",
    "StorageCorruptError",
    "StorageError",
    "StorageFullError",
    "TarjamaError",
    "TranslatedDocument",
    "Translation",
    "TranslationContext",
    "Translator",
    "__version__",
    "load_document",
]
