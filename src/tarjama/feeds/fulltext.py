"""``--full-text``: an item's article, fetched from its link, extracted and translated.

Many feeds carry a headline and one sentence; the story is on the page the item links to. For
a feed added with ``--full-text``, each new or changed Arabic item's link is fetched (the same
bounded, retried :class:`~tarjama.feeds.Fetcher` as the feed) and its main text extracted with
trafilatura, a maintained extractor that drops menus, footers and comments, then translated as
plain text, paragraph by paragraph. An article that cannot be fetched or holds no text is
recorded against its item (``full_text_error``) and never fails the poll: the item's English
from the feed is still there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from tarjama.errors import ConfigurationError, InputError, TarjamaError
from tarjama.feeds.fetch import Fetcher
from tarjama.feeds.store import Feed, FeedStore
from tarjama.formats import read_document
from tarjama.formats.base import has_arabic
from tarjama.translator import Translator

__all__ = [
    "FULL_TEXT_NEEDS",
    "extract_article",
    "full_text_step",
    "translate_article",
]

logger = logging.getLogger(__name__)

FULL_TEXT_NEEDS = "--full-text needs trafilatura: pip install 'tarjama[feeds]'"
_HTML = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


def extract_article(page: bytes, url: str) -> str | None:
    """The article's text (paragraphs separated by blank lines), or None when there is none."""
    try:
        import trafilatura  # heavy (lxml, dateparser): only feeds with --full-text need it
    except ImportError as exc:
        raise ConfigurationError(FULL_TEXT_NEEDS) from exc

    text = trafilatura.extract(
        page, url=url, include_comments=False, include_tables=False, favor_precision=True
    )
    if not text or not text.strip():
        return None
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n\n".join(paragraphs)


def translate_article(text: str, translator: Translator) -> tuple[str, tuple[str, ...]]:
    """The article's English and the flags any of its sentences got."""
    translated = translator.translate_document(read_document(text, "text"))
    flags = sorted({flag for t in translated.translations for flag in t.flags})
    return translated.output, tuple(flags)


def full_text_step(
    store: FeedStore, fetcher: Fetcher, translator: Translator
) -> Callable[[Feed, Sequence[str]], None]:
    """What a poll calls with the items it translated: their articles, for a ``--full-text``
    feed (nothing for the others)."""

    def step(feed: Feed, keys: Sequence[str]) -> None:
        if not feed.full_text:
            return
        for item in store.items(feed.name, keys=keys):
            if not item.link or not item.arabic:
                continue
            try:
                page = fetcher.fetch(item.link, accept=_HTML)
                text = extract_article(page.body, page.url)
                if text is None:
                    raise _NoArticle(f"no article text found at {item.link}")
                if not has_arabic(text):
                    store.record_full_text(feed.name, item.key, text=text, english=None)
                    continue
                english, flags = translate_article(text, translator)
            except TarjamaError as exc:
                store.record_full_text(feed.name, item.key, text=None, english=None, error=str(exc))
                continue
            store.record_full_text(feed.name, item.key, text=text, english=english, flags=flags)

    return step


class _NoArticle(InputError):
    """The page holds no text the extractor recognises as an article."""
