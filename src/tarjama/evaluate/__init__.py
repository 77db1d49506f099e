"""Evaluation: datasets, sacreBLEU scoring, resumable evaluation runs."""

from tarjama.evaluate.datasets import DATASETS, find_dataset, read_lines
from tarjama.evaluate.run import EvalResult, evaluate
from tarjama.evaluate.scoring import score_corpus

__all__ = ["DATASETS", "EvalResult", "evaluate", "find_dataset", "read_lines", "score_corpus"]
