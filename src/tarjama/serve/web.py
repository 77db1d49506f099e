"""The bilingual web page at / and the downloads it offers."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(tags=["web"])
