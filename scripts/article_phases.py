"""Where a `tarjama translate` process spends its time, and how many prompt tokens llama.cpp
evaluates (issue 12 item 3).

Runs the real command line in this process, with timers around the phases (imports, model load,
the prompt prefix, the first pass through the engine, the second opinion, the checks) and a
counter around ``llama_cpp.Llama.eval``: a call with more than one token is prompt, a call with
one is a generated token being fed back (a prompt chunk of exactly one token is rare and
counted as generated). At exit it prints one JSON line starting ``PHASES`` to stderr.

Works on any tarjama source tree, so a commit from before a change can be measured the same way
(``git worktree add /tmp/before COMMIT`` and ``PYTHONPATH=/tmp/before/src``)::

    uptime; /usr/bin/time -f %e python scripts/article_phases.py translate --no-memory \\
        ../shared/examples/article-01.ar.txt > /dev/null

Measurement only: nothing here is imported by tarjama.
"""

from __future__ import annotations

import atexit
import json
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

STARTED = time.perf_counter()

from llama_cpp import llama as _llama  # noqa: E402 (timed from the first import)

stats: dict[str, Any] = {"prompt_tokens": {}, "generated_tokens": {}, "seconds": {}, "calls": {}}
_phase = ["start"]


def _add(table: str, key: str, value: float) -> None:
    stats[table][key] = stats[table].get(key, 0) + value


def _count_eval(original: Callable[..., Any]) -> Callable[..., Any]:
    def evaluate(self: Any, tokens: Any) -> Any:
        _add("prompt_tokens" if len(tokens) > 1 else "generated_tokens", _phase[0], len(tokens))
        return original(self, tokens)

    return evaluate


def _time(owner: Any, name: str, label: str, phase: str | None = None) -> None:
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        outer = _phase[0]
        _phase[0] = phase or outer
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _add("seconds", label, time.perf_counter() - started)
            _add("calls", label, 1)
            _phase[0] = outer

    setattr(owner, name, timed)


def _report() -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    stats["seconds"]["wall_in_process"] = time.perf_counter() - STARTED
    stats["seconds"]["cpu_user_sys"] = usage.ru_utime + usage.ru_stime
    print("PHASES " + json.dumps(stats, sort_keys=True), file=sys.stderr)


def main() -> None:
    _llama.Llama.eval = _count_eval(_llama.Llama.eval)  # type: ignore[method-assign]
    _time(_llama.Llama, "__init__", "model_load", "load")
    import tarjama.engines.llama_engine as llama_engine
    import tarjama.pipeline as pipeline

    _time(pipeline, "_ask_engine", "first_pass", "first_pass")
    _time(pipeline, "_second_opinion", "second_opinion", "second_opinion")
    _time(pipeline, "_finish", "checks")
    if hasattr(llama_engine.LlamaChatBackend, "_ensure_prefix"):  # not before issue 12
        _time(llama_engine.LlamaChatBackend, "_ensure_prefix", "prefix", "prefix")
    stats["seconds"]["imports"] = time.perf_counter() - STARTED
    atexit.register(_report)
    from tarjama.cli import main as cli

    sys.argv = ["tarjama", *sys.argv[1:]]
    cli()


if __name__ == "__main__":
    main()
