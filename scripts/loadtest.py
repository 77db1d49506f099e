"""Load test of ``tarjama serve`` on loopback: bounded users and time, 10 % malformed requests.

Starts ``tarjama serve`` on a free loopback port (the tiny random-weight CTranslate2 model the
tests use, built once into ``--work``, unless ``--model`` names another), runs locust headless
against it (``scripts/locustfile.py``), stops both, and writes p50/p99 latency, throughput and the
count of 5xx answers to ``<out>/loadtest.json`` and ``<out>/loadtest.md``. Exit status 1 when any
5xx was answered.

    python scripts/loadtest.py --users 20 --seconds 60 --out bench/loadtest
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "scripts" / "locustfile.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tiny_model(work: Path) -> Path:
    """The tests' tiny Marian model, converted to CTranslate2 (built once, then reused)."""
    target = work / "tiny-marian-ct2"
    if (target / "model.bin").is_file():
        return target
    sys.path.insert(0, str(ROOT / "tests"))
    from support.tiny_marian import build_tiny_marian
    from tarjama.models.convert import convert_to_ctranslate2

    hf = build_tiny_marian(work / "tiny-marian-hf")
    convert_to_ctranslate2(hf, target, quantization="int8")
    return target


def start_server(model: str, home: Path, port: int, env_extra: dict[str, str]) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    env.update({"TARJAMA_HOME": str(home), **env_extra})
    tarjama = Path(sys.executable).with_name("tarjama")
    command = [str(tarjama), "serve", "--host", "127.0.0.1", "--port", str(port), "-m", model]
    log = open(home / "server.log", "wb")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {(home / 'server.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    proc.terminate()
    raise SystemExit("the server did not start within 120 s")


def run_locust(url: str, users: int, seconds: int, summary: Path, csv_prefix: Path) -> None:
    locust = Path(sys.executable).with_name("locust")
    command = [
        str(locust), "-f", str(LOCUSTFILE), "--headless", "--host", url,
        "-u", str(users), "-r", str(max(1, users // 2)), "-t", f"{seconds}s",
        "--stop-timeout", "10", "--only-summary", "--csv", str(csv_prefix),
        "--summary-out", str(summary), "--exit-code-on-error", "0",
    ]  # fmt: skip
    subprocess.run(command, check=True, timeout=seconds + 120, stdout=subprocess.DEVNULL)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def summarise(tally: dict[str, Any], users: int, seconds: int, model: str) -> dict[str, Any]:
    rows = tally["requests"]
    elapsed = max(1e-9, tally["ended"] - tally["started"])
    times = [r[2] for r in rows]
    good = [r[2] for r in rows if not r[3] and r[1] == 200]
    statuses: dict[str, int] = {}
    for r in rows:
        statuses[str(r[1])] = statuses.get(str(r[1]), 0) + 1
    return {
        "model": model,
        "users": users,
        "seconds": seconds,
        "requests": len(rows),
        "malformed": sum(1 for r in rows if r[3]),
        "malformed_answered_4xx": sum(1 for r in rows if r[3] and 400 <= r[1] < 500),
        "throughput_rps": round(len(rows) / elapsed, 2),
        "p50_ms": round(percentile(times, 0.50) * 1000, 1),
        "p99_ms": round(percentile(times, 0.99) * 1000, 1),
        "p50_ms_translations": round(percentile(good, 0.50) * 1000, 1),
        "p99_ms_translations": round(percentile(good, 0.99) * 1000, 1),
        "mean_ms": round(statistics.fmean(times) * 1000, 1) if times else 0.0,
        "status_counts": dict(sorted(statuses.items())),
        "server_errors_5xx": sum(1 for r in rows if r[1] >= 500),
    }


def markdown(result: dict[str, Any], command: str) -> str:
    lines = [
        "# tarjama serve load test",
        "",
        f"`{command}`",
        "",
        f"model `{result['model']}`, {result['users']} users, {result['seconds']} s, loopback",
        "",
        "| measure | value |",
        "|---|---|",
    ]
    for key in (
        "requests", "malformed", "malformed_answered_4xx", "throughput_rps", "p50_ms", "p99_ms",
        "p50_ms_translations", "p99_ms_translations", "mean_ms", "server_errors_5xx",
    ):  # fmt: skip
        lines.append(f"| {key} | {result[key]} |")
    lines.append(f"| status_counts | {json.dumps(result['status_counts'])} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--model", default=None, help="model name or path (default: tiny CT2)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "loadtest")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "tarjama-lt")
    parser.add_argument("--threads", default="1", help="engine CPU threads (TARJAMA_THREADS)")
    parser.add_argument(
        "--memory",
        action="store_true",
        help="let the server answer repeated sentences from its translation memory (off: every "
        "request reaches the engine, which is what a load test should measure)",
    )
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    model = args.model or str(tiny_model(args.work))
    home = Path(tempfile.mkdtemp(prefix="home-", dir=args.work))
    port = free_port()
    env = {"TARJAMA_THREADS": args.threads, "TARJAMA_SERVE_MEMORY": str(args.memory).lower()}
    server = start_server(model, home, port, env)
    try:
        summary = home / "tally.json"
        run_locust(f"http://127.0.0.1:{port}", args.users, args.seconds, summary, home / "lt")
        tally = json.loads(summary.read_text())
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = summarise(tally, args.users, args.seconds, Path(model).name)
    command = "python scripts/loadtest.py " + " ".join(argv if argv is not None else sys.argv[1:])
    (args.out / "loadtest.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "loadtest.md").write_text(markdown(result, command.strip()))
    print(json.dumps(result, indent=2))
    return 1 if result["server_errors_5xx"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
