"""Soak test of ``tarjama serve``: keys and memory on, many users for a long while, good and bad.

Starts ``tarjama serve`` on a free loopback port with API keys and the translation memory on
(the tests' tiny random-weight CTranslate2 model unless ``--model`` names another, its own
temporary ``TARJAMA_HOME``), makes three keys with ``tarjama keys`` (a good one, a revoked one, a
slow one), runs locust headless (``scripts/soak_users.py``: valid, malformed, oversized and
unauthorised requests and uploads), samples the server's resident memory all along, stops the
server and checks the memory database with ``PRAGMA integrity_check``.

Writes ``<out>/soak.json`` and ``<out>/soak.md``: requests, p50/p99, 5xx (must be 0), 429/503
load shedding each on its own line (neither success nor failure), wrong answers, the RSS at
start, middle and end and its trend over the second half, and the database check. Exit status 1
when any 5xx or wrong answer was seen, the database is damaged, or memory grew over the second
half (``--allow-growth`` reports growth without failing: a run of seconds is all warm-up).

    python scripts/soak.py --users 30 --seconds 600 --out bench/soak
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadtest import free_port, percentile, start_server, tiny_model

ROOT = Path(__file__).resolve().parent.parent
USERS_FILE = ROOT / "scripts" / "soak_users.py"
#: Memory growth over the second half that counts as a trend (MB per minute, least squares).
GROWTH_MB_PER_MINUTE = 1.0
#: The RSS is a sawtooth (the server hands freed memory back every 10 s, tarjama.serve.heap,
#: and requests come in bursts): the trend is taken over the medians of windows this long.
WINDOW_SECONDS = 30.0


def tarjama(home: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    env["TARJAMA_HOME"] = str(home)
    done = subprocess.run(
        [str(Path(sys.executable).with_name("tarjama")), *args],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def make_keys(home: Path) -> dict[str, str]:
    """A good key, a revoked one and one limited to a few requests a minute."""
    keys = {
        "SOAK_KEY_GOOD": tarjama(home, "keys", "add", "soak-good", "--rate", "0", "--chars", "0"),
        "SOAK_KEY_REVOKED": tarjama(home, "keys", "add", "soak-revoked"),
        "SOAK_KEY_SLOW": tarjama(home, "keys", "add", "soak-slow", "--rate", "5"),
    }
    tarjama(home, "keys", "revoke", "soak-revoked")
    return keys


class RssSampler(threading.Thread):
    """The server's resident memory every ``every`` seconds, as (seconds since start, bytes)."""

    def __init__(self, pid: int, every: float) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.every = every
        self.samples: list[tuple[float, int]] = []
        self._halt = threading.Event()
        self._t0 = time.monotonic()

    def sample(self) -> None:
        try:
            rss = self.process.memory_info().rss
        except psutil.Error:
            return
        self.samples.append((round(time.monotonic() - self._t0, 1), rss))

    def run(self) -> None:
        while not self._halt.wait(self.every):
            self.sample()

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_locust(
    url: str, users: int, seconds: int, summary: Path, env_extra: dict[str, str]
) -> None:
    locust = Path(sys.executable).with_name("locust")
    command = [
        str(locust), "-f", str(USERS_FILE), "--headless", "--host", url,
        "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s",
        "--stop-timeout", "30", "--only-summary", "--summary-out", str(summary),
        "--exit-code-on-error", "0",
    ]  # fmt: skip
    env = {**os.environ, **env_extra}
    subprocess.run(
        command, check=True, timeout=seconds + 180, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def integrity(path: Path) -> dict[str, Any]:
    """``PRAGMA integrity_check`` of the memory database, and how many entries it holds."""
    if not path.is_file():
        return {"path": str(path), "integrity_check": "missing", "entries": 0}
    with sqlite3.connect(path) as db:
        check = [row[0] for row in db.execute("PRAGMA integrity_check")]
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        entries = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    return {"path": str(path), "integrity_check": "; ".join(check), "rows": entries}


def windows(samples: list[tuple[float, int]], seconds: float) -> list[tuple[float, float]]:
    """(middle time, median MB) of each ``seconds``-long window of samples."""
    if not samples:
        return []
    t0 = samples[0][0]
    grouped: dict[int, list[tuple[float, int]]] = {}
    for t, rss in samples:
        grouped.setdefault(int((t - t0) // seconds), []).append((t, rss))
    return [
        (statistics.median(t for t, _ in group), statistics.median(r for _, r in group) / 1e6)
        for _, group in sorted(grouped.items())
    ]


def trend(samples: list[tuple[float, int]], seconds: float = WINDOW_SECONDS) -> dict[str, Any]:
    """RSS at start, middle and end (medians of ``seconds``-long windows), and the
    least-squares slope of the window medians over the second half of the run."""
    points = windows(samples, seconds)
    if len(points) < 4:
        return {"samples": len(samples), "windows": len(points), "upward": None}
    middle = len(points) // 2
    second = points[middle:]
    slope = statistics.linear_regression([t for t, _ in second], [m for _, m in second]).slope
    per_minute = slope * 60
    return {
        "samples": len(samples),
        "windows": len(points),
        "window_s": seconds,
        "start_mb": round(points[0][1], 1),
        "middle_mb": round(points[middle][1], 1),
        "end_mb": round(points[-1][1], 1),
        "max_mb": round(max(rss for _, rss in samples) / 1e6, 1),
        "second_half_slope_mb_per_min": round(per_minute, 3),
        "second_half_change_mb": round(second[-1][1] - second[0][1], 1),
        "upward": per_minute > GROWTH_MB_PER_MINUTE,
    }


def summarise(tally: dict[str, Any], users: int, seconds: int) -> dict[str, Any]:
    """The figures from locust's tally; each row was judged right or wrong where it was seen."""
    rows = tally["requests"]
    shed = tuple(tally["shed"])
    elapsed = max(1e-9, tally["ended"] - tally["started"])
    statuses: dict[str, int] = {}
    kinds: dict[str, int] = {}
    for kind, status, _seconds, _expected, _right in rows:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        kinds[kind] = kinds.get(kind, 0) + 1
    answered = [r for r in rows if r[1] not in shed]
    succeeded = [r[2] for r in rows if r[3] == "ok" and r[1] in (200, 201)]
    wrong = [r for r in rows if not r[4]]
    return {
        "users": users,
        "seconds": seconds,
        "requests": len(rows),
        "throughput_rps": round(len(rows) / elapsed, 2),
        "p50_ms": round(percentile([r[2] for r in answered], 0.50) * 1000, 1),
        "p99_ms": round(percentile([r[2] for r in answered], 0.99) * 1000, 1),
        "p50_ms_successful_translations": round(percentile(succeeded, 0.50) * 1000, 1),
        "p99_ms_successful_translations": round(percentile(succeeded, 0.99) * 1000, 1),
        "succeeded": len(succeeded),
        "refused_as_expected_4xx": sum(
            1 for r in rows if r[3] != "ok" and 400 <= r[1] < 500 and r[1] != 429
        ),
        "shed_429": statuses.get("429", 0),
        "shed_503": statuses.get("503", 0),
        "server_errors_5xx": sum(1 for r in rows if r[1] >= 500 and r[1] != 503),
        "wrong_answers": len(wrong),
        "wrong_examples": [list(r) for r in wrong[:10]],
        "status_counts": dict(sorted(statuses.items())),
        "kinds": dict(sorted(kinds.items())),
    }


def markdown(result: dict[str, Any], command: str) -> str:
    rss = result["rss"]
    db = result["memory_db"]
    lines = [
        "# tarjama serve soak test",
        "",
        f"`{command}`",
        "",
        f"model `{result['model']}`, {result['users']} users, {result['seconds']} s, loopback, "
        "API keys on, translation memory on",
        "",
        "| measure | value |",
        "|---|---|",
    ]
    for key in (
        "requests", "throughput_rps", "p50_ms", "p99_ms", "p50_ms_successful_translations",
        "p99_ms_successful_translations", "succeeded", "refused_as_expected_4xx",
        "server_errors_5xx", "wrong_answers",
    ):  # fmt: skip
        lines.append(f"| {key} | {result[key]} |")
    lines += [
        f"| 503 load shedding (neither success nor failure) | {result['shed_503']} |",
        f"| 429 rate limiting (neither success nor failure) | {result['shed_429']} |",
        f"| RSS idle before load (MB) | {result['rss_idle_mb']} |",
        f"| RSS start / middle / end (MB, medians of {rss.get('window_s')} s windows) | "
        f"{rss.get('start_mb')} / {rss.get('middle_mb')} / {rss.get('end_mb')} "
        f"(max {rss.get('max_mb')}, {rss.get('samples')} samples) |",
        f"| RSS second half | slope {rss.get('second_half_slope_mb_per_min')} MB/min, change "
        f"{rss.get('second_half_change_mb')} MB: "
        f"{'upward' if rss.get('upward') else 'no upward trend'} |",
        f"| memory database | integrity_check: {db['integrity_check']}; rows {db.get('rows')} |",
        f"| status counts | {json.dumps(result['status_counts'])} |",
        f"| requests by kind | {json.dumps(result['kinds'])} |",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--model", default=None, help="model name or path (default: tiny CT2)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "soak")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "tarjama-lt")
    parser.add_argument("--threads", default="1", help="engine CPU threads (TARJAMA_THREADS)")
    parser.add_argument("--sample-every", type=float, default=1.0, help="RSS sampling (s)")
    parser.add_argument(
        "--window", type=float, default=WINDOW_SECONDS, help="RSS trend window (s, medians)"
    )
    parser.add_argument(
        "--allow-growth",
        action="store_true",
        help="report memory growth but do not fail on it (a run of seconds is all warm-up)",
    )
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    model = args.model or str(tiny_model(args.work))
    home = Path(tempfile.mkdtemp(prefix="soak-home-", dir=args.work))
    keys = make_keys(home)
    env = {"TARJAMA_THREADS": args.threads, "TARJAMA_SERVE_API_KEYS": "on",
           "TARJAMA_SERVE_MEMORY": "true"}  # fmt: skip
    port = free_port()
    server = start_server(model, home, port, env)
    sampler = RssSampler(server.pid, args.sample_every)
    try:
        sampler.sample()
        idle = sampler.samples[0][1] if sampler.samples else 0
        sampler.samples.clear()
        sampler.start()
        summary = home / "tally.json"
        run_locust(f"http://127.0.0.1:{port}", args.users, args.seconds, summary, keys)
        tally = json.loads(summary.read_text())
    finally:
        if sampler.is_alive():
            sampler.stop()
        server.terminate()
        server.wait(timeout=60)
    result: dict[str, Any] = {"model": Path(model).name}
    result.update(summarise(tally, args.users, args.seconds))
    result["rss_idle_mb"] = round(idle / 1e6, 1)
    result["rss"] = trend(sampler.samples, args.window)
    result["rss_samples"] = sampler.samples
    result["memory_db"] = integrity(home / "memory.sqlite")
    result["server_log_tracebacks"] = (
        (home / "server.log").read_text(errors="replace").count("Traceback")
    )
    command = "python scripts/soak.py " + " ".join(argv if argv is not None else sys.argv[1:])
    (args.out / "soak.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "soak.md").write_text(markdown(result, command.strip()))
    shown = {k: v for k, v in result.items() if k != "rss_samples"}
    print(json.dumps(shown, indent=2))
    bad = (
        result["server_errors_5xx"]
        or result["wrong_answers"]
        or result["memory_db"]["integrity_check"] != "ok"
        or (result["rss"].get("upward") and not args.allow_growth)
        or result["server_log_tracebacks"]
    )
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
