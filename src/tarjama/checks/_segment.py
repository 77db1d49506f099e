"""All checks of one segment in one call: what the pipeline's check stage runs.

:func:`check_segment` returns :class:`~._flag.Flag` objects (code, message, evidence) in the
order of :data:`~._flag.FLAG_CODES`; :func:`flag_codes` returns just the codes, for
``Translation.flags``. An empty English raises ``empty`` and nothing else: every other check
would only repeat it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tarjama.checks._context import NameContext
from tarjama.checks._dates import check_dates
from tarjama.checks._flag import Flag
from tarjama.checks._invented import check_invented
from tarjama.checks._length import check_length
from tarjama.checks._numbers import check_numbers
from tarjama.checks._repetition import check_repetition
from tarjama.checks._score import LOW_SCORE_THRESHOLD, check_score
from tarjama.checks._script import check_empty, check_untranslated, without_kept
from tarjama.checks._terms import check_glossary, check_lexicon
from tarjama.terms import Lexicon

__all__ = ["check_segment", "flag_codes"]


def check_segment(
    source: str,
    target: str,
    *,
    lexicon: Lexicon | None = None,
    glossary: Mapping[str, str] | None = None,
    kept: Sequence[str] = (),
    score: float | None = None,
    min_score: float | None = LOW_SCORE_THRESHOLD,
) -> tuple[Flag, ...]:
    """Every quality flag of one translated segment.

    ``source`` is the Arabic, ``target`` the English after restoring and post-editing.
    ``lexicon`` enables the entity checks (``Lexicon.load_builtin()`` in the pipeline);
    ``glossary`` maps Arabic terms to the English they require (it wins over the lexicon);
    ``kept`` lists substrings passed through on purpose (protected spans: an Arabic
    #hashtag, a URL), ignored by the script and number checks; ``score`` is the engine's mean
    token log-probability, flagged ``low_score`` below ``min_score`` once normalised
    (``None`` turns that off).
    """
    empty = check_empty(source, target)
    if empty is not None:
        return (empty,)
    if not source.strip():
        return ()
    flags: list[Flag | None] = [check_untranslated(target, kept)]
    flags.extend(check_numbers(without_kept(source, kept), without_kept(target, kept)))
    flags.append(check_dates(without_kept(source, kept), target))
    ctx = NameContext(source, target, lexicon, glossary or {})
    flags += [check_glossary(ctx), check_lexicon(ctx), check_invented(ctx)]
    flags += [check_repetition(source, target), check_length(source, target)]
    flags.append(check_score(score, min_score))
    return tuple(flag for flag in flags if flag is not None)


def flag_codes(
    source: str,
    target: str,
    *,
    lexicon: Lexicon | None = None,
    glossary: Mapping[str, str] | None = None,
    kept: Sequence[str] = (),
    score: float | None = None,
    min_score: float | None = LOW_SCORE_THRESHOLD,
) -> tuple[str, ...]:
    """Just the codes of :func:`check_segment`'s flags, for ``Translation.flags``."""
    flags = check_segment(
        source,
        target,
        lexicon=lexicon,
        glossary=glossary,
        kept=kept,
        score=score,
        min_score=min_score,
    )
    return tuple(flag.code for flag in flags)
