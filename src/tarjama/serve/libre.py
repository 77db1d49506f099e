"""LibreTranslate-compatible routes: /translate, /detect, /languages, /translate_file, …"""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(tags=["LibreTranslate"])
