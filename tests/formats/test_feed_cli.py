"""``tarjama translate feed.xml -o feed.en.xml`` through the real command line, for each of the
four feed formats, with the tests' tiny random-weight Marian model (``tiny_marian_ct2``). Its
English is nonsense, so what is checked is what the command promises: an English feed any
reader parses (feedparser, no bozo flag), with the same items, guids, ids and links, what was
Arabic replaced (the tiny model's English holds Arabic-script tokens too, so "changed" is what
can be checked) and the non-Arabic items untouched, and the reader's warnings on stderr."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from tarjama.formats.base import has_arabic

FEEDS = Path(__file__).parent / "data" / "feeds"


def translate(*args: str | Path, home: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    environ["TARJAMA_HOME"] = str(home)
    run = subprocess.run(
        [sys.executable, "-m", "tarjama.cli", "translate", *map(str, args)],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
        check=False,
    )
    assert "Traceback" not in run.stderr, run.stderr
    return run


@pytest.fixture(scope="module")
def model(tiny_marian_ct2: Path) -> str:
    return str(tiny_marian_ct2)


@pytest.mark.parametrize(
    ("fixture", "name", "options"),
    [
        ("rss2.xml", "news.xml", ()),
        ("rss1.rdf", "economy.rdf", ()),
        ("atom.xml", "middle-east.atom", ()),
        ("rss2.xml", "feed.txt", ("--format", "feed")),
    ],
)
def test_xml_feeds_translate_to_english_feeds(
    fixture: str, name: str, options: tuple[str, ...], model: str, tmp_path: Path
) -> None:
    source = tmp_path / name
    source.write_bytes((FEEDS / fixture).read_bytes())
    out = tmp_path / "feed.en.xml"
    run = translate(source, "-o", out, "--model", model, "--no-memory", *options, home=tmp_path)
    assert run.returncode == 0, run.stderr
    before = feedparser.parse(io.BytesIO(source.read_bytes()))
    after = feedparser.parse(io.BytesIO(out.read_bytes()))
    assert not after.bozo, after.get("bozo_exception")
    assert after.version == before.version
    assert [(e.get("id"), e.get("link")) for e in after.entries] == [
        (e.get("id"), e.get("link")) for e in before.entries
    ]
    assert after.feed.title != before.feed.title
    for old, new in zip(before.entries, after.entries, strict=True):
        if has_arabic(old.title):  # translated
            assert new.title != old.title
            assert new.get("summary") != old.get("summary")
        else:  # the English item is the same
            assert (new.title, new.get("summary")) == (old.title, old.get("summary"))
    if fixture != "rss1.rdf":
        assert "items are not Arabic and pass through untouched" in run.stderr


def test_a_json_feed_translates_to_a_json_feed(model: str, tmp_path: Path) -> None:
    source = tmp_path / "culture.json"
    source.write_bytes((FEEDS / "jsonfeed.json").read_bytes())
    out = tmp_path / "culture.en.json"
    run = translate(source, "-o", out, "--model", model, "--no-memory", home=tmp_path)
    assert run.returncode == 0, run.stderr
    before, after = json.loads(source.read_bytes()), json.loads(out.read_bytes())
    assert after["version"] == "https://jsonfeed.org/version/1.1"
    assert after["language"] == "en"
    assert [(i["id"], i["url"]) for i in after["items"]] == [
        (i["id"], i["url"]) for i in before["items"]
    ]
    html = after["items"][0]["content_html"]
    assert html != before["items"][0]["content_html"]
    assert html.startswith("<p>") and "<strong>" in html and html.endswith("</p>")
    assert after["items"][2] == before["items"][2]


def test_a_messy_feed_says_what_was_repaired(model: str, tmp_path: Path) -> None:
    text = (FEEDS / "rss2.xml").read_text(encoding="utf-8")
    messy = text.replace("UTF-8", "ISO-8859-1", 1).replace("آخر أخبار", "آخر&nbsp;أخبار")
    source = tmp_path / "messy.rss"
    source.write_bytes(messy.encode("utf-8"))
    run = translate(source, "--model", model, "--no-memory", home=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "warning: messy.rss: declared charset ISO-8859-1 but the bytes are UTF-8" in run.stderr
    assert "undeclared HTML entities replaced by character references: &nbsp; (1)" in run.stderr
    assert run.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert not feedparser.parse(io.BytesIO(run.stdout.encode())).bozo


def test_a_hostile_feed_is_one_error_line(model: str, tmp_path: Path) -> None:
    source = tmp_path / "bomb.rss"
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    source.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY l0 "lol">{laughs}]>\n'
        "<rss><channel><title>&l9;</title></channel></rss>\n",
        encoding="utf-8",
    )
    run = translate(source, "--model", model, home=tmp_path)
    assert run.returncode != 0
    assert run.stderr.strip().splitlines() == [
        f"error: {source} cannot be read as a feed: an <!ENTITY l0> declaration (entities can "
        "expand to gigabytes or read local files), refused at line 2"
    ]
