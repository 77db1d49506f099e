"""The web page's screenshot for docs/screenshots/web-ui.png, made with a real model.

Starts ``tarjama serve`` on a free loopback port with the given model (default: the installed
default model), pastes the first paragraphs of the example article into the page in headless
Chromium (Debian's ``chromium``), translates, hovers one sentence and saves a full-page PNG.

    python scripts/web_screenshot.py [--model NAME] [--paragraphs 3] [--out FILE.png]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--paragraphs", type=int, default=3)
    parser.add_argument(
        "--article", type=Path, default=ROOT.parent / "shared/examples/article-01.ar.txt"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs/screenshots/web-ui.png")
    args = parser.parse_args()
    paragraphs = [p for p in args.article.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    text = "\n\n".join(paragraphs[: args.paragraphs])
    port = free_port()
    command = [sys.executable, "-m", "tarjama.cli", "serve", "--port", str(port), "--no-memory"]
    if args.model:
        command += ["--model", args.model]
    server = subprocess.Popen(command, env=os.environ.copy())
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.fill("#source-text", text)
            page.click("#translate-button")
            page.wait_for_selector("#result:not([hidden]) .pair", timeout=900_000)
            first = page.locator("#pairs .src .seg").nth(1)
            first.hover()
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
