"""How many of the reference's names the engine is *given*, with and without the name layer.

No model runs: for each line this script does what the pipeline does before translation
(segment, protect, look names up) and scores, with the reference name recall of
``tarjama eval``, (a) the text a sentence engine (CTranslate2) is given, where known names
already stand in English, and (b) the English of the hints a chat engine is offered. That is
the most a model could keep of the names through the lexicon and layer, an upper bound and a
proxy, not a translation score; it applies to the CTranslate2 path whatever its model.

    TARJAMA_DATA=../shared/data python scripts/names_given.py flores-dev pud-news
"""

from __future__ import annotations

import argparse
import json
import time

from tarjama.evaluate.datasets import read_set
from tarjama.evaluate.names_recall import name_recall
from tarjama.pipeline import _hints, segment_document
from tarjama.settings import get_settings
from tarjama.terms import Lexicon
from tarjama.translator import load_document


def given(sources: list[str], references: list[str], lexicon: Lexicon) -> dict[str, object]:
    """Name recall of what a sentence engine is given and of a chat engine's hints."""
    sentence, chat = [], []
    for source, reference in zip(sources, references, strict=True):
        document = load_document(source.encode("utf-8"), format="text")
        text = " ".join(s.engine_text for s in segment_document(document, "ctranslate2", lexicon))
        hints = " ".join(english for _, english in _hints(
            segment_document(document, "llama", lexicon), lexicon
        ))  # fmt: skip
        sentence.append({"reference": reference, "target": text})
        chat.append({"reference": reference, "target": hints})
    keep = ("names", "found", "share")
    return {
        "sentence_engine_text": {k: name_recall(sentence)[k] for k in keep},
        "chat_hints": {k: name_recall(chat)[k] for k in keep},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", help="known sets: flores-dev, pud-news, tico19 …")
    args = parser.parse_args()
    plain = Lexicon.load_builtin()
    layered = plain.with_names()
    results = {}
    for name in args.sets:
        sources, references = read_set(name, get_settings().data)
        started = time.perf_counter()
        results[name] = {
            "lines": len(sources),
            "lexicon_only": given(sources, references, plain),
            "lexicon_and_layer": given(sources, references, layered),
            "seconds": round(time.perf_counter() - started, 1),
        }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
