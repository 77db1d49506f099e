"""The name layer: whole names and name tokens beyond the lexicon (:mod:`.layer`), and the
English case of names the source data writes in lower case (:mod:`.casing`)."""

from __future__ import annotations

from tarjama.terms.names.casing import english_case
from tarjama.terms.names.layer import NameLayer, NameProposal, frequency_key

__all__ = ["NameLayer", "NameProposal", "english_case", "frequency_key"]
