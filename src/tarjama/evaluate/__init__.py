"""Evaluation: datasets, sacreBLEU scoring, fidelity figures, resumable runs and reports."""

from tarjama.evaluate.anchors import ANCHORS, LEADERBOARD_URL, Anchor
from tarjama.evaluate.datasets import (
    DATASETS,
    SETS,
    SetInfo,
    describe_set,
    find_dataset,
    read_lines,
    read_set,
)
from tarjama.evaluate.fidelity import (
    EntityMatcher,
    default_entity_matcher,
    entity_fidelity,
    fidelity,
    flag_rates,
    number_fidelity,
)
from tarjama.evaluate.names_recall import (
    NAME_RECALL_METHOD,
    found_names,
    name_recall,
    reference_names,
)
from tarjama.evaluate.report import render_markdown, write_plots
from tarjama.evaluate.run import EvalResult, evaluate, load_records, write_report
from tarjama.evaluate.scoring import fact_flag_rate, score_corpus, sentence_chrf_pp

__all__ = [
    "ANCHORS",
    "DATASETS",
    "LEADERBOARD_URL",
    "NAME_RECALL_METHOD",
    "SETS",
    "Anchor",
    "EntityMatcher",
    "EvalResult",
    "SetInfo",
    "default_entity_matcher",
    "describe_set",
    "entity_fidelity",
    "evaluate",
    "fact_flag_rate",
    "fidelity",
    "find_dataset",
    "flag_rates",
    "found_names",
    "load_records",
    "name_recall",
    "number_fidelity",
    "read_lines",
    "read_set",
    "reference_names",
    "render_markdown",
    "score_corpus",
    "sentence_chrf_pp",
    "write_plots",
    "write_report",
]
