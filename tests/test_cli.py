"""End-to-end tests of the ``tarjama`` command line, through the real entry point.

Every test runs ``python -m tarjama.cli`` (or the installed ``tarjama`` script) in a subprocess
with its own ``TARJAMA_HOME`` and translates with a real, random-weight Marian model converted to
CTranslate2 (``tiny_marian_ct2``). Its English is nonsense, so these tests check what the command
promises about shape, files, streams and exit codes, never translation quality. A few quick
option-parsing checks use typer's ``CliRunner`` in-process.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tarjama import load_document
from tarjama.cli import app

ARABIC = "قال الرئيس إن المحادثات ستستأنف غداً في العاصمة."
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float


def tarjama(
    *args: str | Path,
    home: Path,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    script: bool = False,
    timeout: float = 300,
) -> Run:
    """Run the real command line; never a traceback, whatever happens."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    environ["TARJAMA_HOME"] = str(home)
    environ.pop("COLUMNS", None)
    environ.update(env or {})
    command = (
        [str(Path(sys.executable).with_name("tarjama"))]
        if script
        else [sys.executable, "-m", "tarjama.cli"]
    )
    started = time.perf_counter()
    proc = subprocess.run(
        [*command, *map(str, args)],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=environ,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    seconds = time.perf_counter() - started
    err = proc.stderr.decode("utf-8")
    assert "Traceback" not in err, err
    return Run(proc.returncode, proc.stdout.decode("utf-8"), err, seconds)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def one_error_line(run: Run) -> str:
    """The run failed with exactly one line on stderr, ``error: …``; return it."""
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("error: "), run.err
    return lines[0]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture(scope="module")
def model(tiny_marian_ct2: Path) -> str:
    return str(tiny_marian_ct2)


@pytest.fixture(scope="module")
def article(shared_dir: Path) -> Path:
    return shared_dir / "examples" / "article-01.ar.txt"


@pytest.fixture(scope="module")
def article_english(article: Path, model: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The tiny model's English for the example article (default beam), computed once."""
    run = tarjama("translate", "--model", model, article, home=tmp_path_factory.mktemp("h"))
    assert run.code == 0, run.err
    return run.out


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- entry points --------------------------------------------------------------------------------


def test_module_and_console_script_both_run(home: Path) -> None:
    assert Path(sys.executable).with_name("tarjama").is_file()
    for script in (False, True):
        run = tarjama("--help", home=home, script=script)
        assert run.code == 0
        assert "translate" in run.out and "models" in run.out
    run = tarjama("translate", "--help", home=home)
    assert run.code == 0
    for option in ("--output", "--format", "--field", "--model", "--beam", "--threads", "--json"):
        assert option in run.out


# -- tarjama translate: inputs and outputs -------------------------------------------------------


def test_file_to_stdout_keeps_every_paragraph(
    article: Path, article_english: str, model: str
) -> None:
    source = paragraphs(article.read_text(encoding="utf-8"))
    english = paragraphs(article_english)
    assert len(source) == 8
    assert len(english) == len(source)
    for arabic, translated in zip(source, english, strict=True):
        assert translated != arabic
        assert arabic not in article_english


def test_output_file_is_what_stdout_gets(
    article: Path, article_english: str, model: str, home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "nested" / "article.en.txt"
    run = tarjama("translate", "--model", model, article, "-o", out, home=home)
    assert run.code == 0, run.err
    assert run.out == ""
    assert out.read_text(encoding="utf-8") == article_english


def test_file_into_an_existing_directory(model: str, home: Path, tmp_path: Path) -> None:
    source = write(tmp_path / "news.txt", ARABIC + "\n")
    folder = tmp_path / "english"
    folder.mkdir()
    run = tarjama("translate", "--model", model, "--beam", "1", source, "-o", folder, home=home)
    assert run.code == 0, run.err
    assert [p.name for p in folder.iterdir()] == ["news.txt"]
    assert paragraphs((folder / "news.txt").read_text(encoding="utf-8")) != [ARABIC]


@pytest.mark.parametrize("how", ["dash", "no-argument"])
def test_stdin_to_stdout(how: str, model: str, home: Path, tmp_path: Path) -> None:
    source = write(tmp_path / "one.txt", ARABIC + "\n")
    from_file = tarjama("translate", "--model", model, source, home=home)
    args = ["translate", "--model", model] + (["-"] if how == "dash" else [])
    from_stdin = tarjama(*args, home=home, stdin=source.read_bytes())
    assert from_stdin.code == 0, from_stdin.err
    assert from_stdin.out == from_file.out
    assert len(paragraphs(from_stdin.out)) == 1
    assert ARABIC not in from_stdin.out


def test_stdin_to_output_file(model: str, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    run = tarjama(
        "translate", "--model", model, "-o", out, home=home, stdin=f"# {ARABIC}\n".encode()
    )
    assert run.code == 0, run.err
    assert run.out == ""
    assert out.read_text(encoding="utf-8").startswith("# ")


def test_several_files_into_a_directory(model: str, home: Path, tmp_path: Path) -> None:
    first = write(tmp_path / "in" / "first.txt", f"{ARABIC}\n\n{ARABIC}\n")
    second = write(tmp_path / "in" / "second.md", f"# {ARABIC}\n\n- {ARABIC}\n- {ARABIC}\n")
    out = tmp_path / "out"
    run = tarjama("translate", "--model", model, "--beam", "1", first, second, "-o", out, home=home)
    assert run.code == 0, run.err
    assert run.out == ""
    assert sorted(p.name for p in out.iterdir()) == ["first.txt", "second.md"]
    assert len(paragraphs((out / "first.txt").read_text(encoding="utf-8"))) == 2
    markdown = (out / "second.md").read_text(encoding="utf-8").splitlines()
    assert [line[:2] for line in markdown] == ["# ", "", "- ", "- "]


def test_directory_tree_is_mirrored(model: str, home: Path, tmp_path: Path) -> None:
    tree = tmp_path / "feeds"
    write(tree / "a.txt", ARABIC + "\n")
    write(tree / "world" / "b.md", f"## {ARABIC}\n")
    write(tree / "world" / "mideast" / "c.html", f'<p dir="rtl">{ARABIC}</p>\n')
    write(tree / "world" / "mideast" / "d.jsonl", json.dumps({"t": ARABIC}) + "\n")
    write(tree / ".git" / "config", "[core]\n")  # hidden: not an article
    write(tree / ".DS_Store", "x")
    out = tmp_path / "feeds-en"
    run = tarjama("translate", "--model", model, "--beam", "1", tree, "-o", out, home=home)
    assert run.code == 0, run.err
    made = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert made == ["a.txt", "world/b.md", "world/mideast/c.html", "world/mideast/d.jsonl"]
    assert (out / "world" / "b.md").read_text(encoding="utf-8").startswith("## ")
    html = (out / "world" / "mideast" / "c.html").read_text(encoding="utf-8")
    assert html.startswith('<p dir="ltr">') and html.endswith("</p>\n")
    line = json.loads((out / "world" / "mideast" / "d.jsonl").read_text(encoding="utf-8"))
    assert list(line) == ["t"] and line["t"] != ARABIC

    # Two directories: each keeps its own name under -o; --json writes NAME.json files.
    other = tmp_path / "wires"
    write(other / "a.txt", ARABIC + "\n")
    out2 = tmp_path / "both"
    run = tarjama(
        "translate", "--model", model, "--beam", "1", "--json", tree, other, "-o", out2, home=home
    )
    assert run.code == 0, run.err
    made = sorted(p.relative_to(out2).as_posix() for p in out2.rglob("*") if p.is_file())
    assert made == [
        "feeds/a.txt.json",
        "feeds/world/b.md.json",
        "feeds/world/mideast/c.html.json",
        "feeds/world/mideast/d.jsonl.json",
        "wires/a.txt.json",
    ]
    result = json.loads((out2 / "feeds" / "world" / "mideast" / "c.html.json").read_text("utf-8"))
    assert result["format"] == "html"
    assert result["segments"][0]["source"] == ARABIC


def test_one_bad_file_in_a_directory_does_not_stop_the_others(
    model: str, home: Path, tmp_path: Path
) -> None:
    tree = tmp_path / "feeds"
    write(tree / "a.txt", ARABIC + "\n")
    (tree / "b.txt").write_bytes(PNG_HEADER + os.urandom(256))
    write(tree / "c.json", '{"title": "' + ARABIC + '",\n "body": }\n')
    write(tree / "d.txt", ARABIC + "\n")
    out = tmp_path / "out"
    run = tarjama("translate", "--model", model, "--beam", "1", tree, "-o", out, home=home)
    assert run.code == 3
    lines = run.err.strip().splitlines()
    assert len(lines) == 3, run.err
    assert lines[0].startswith("error: ") and "b.txt" in lines[0] and "binary" in lines[0]
    assert lines[1].startswith("error: ") and "c.json" in lines[1] and "line 2" in lines[1]
    assert lines[2] == "error: 2 of 4 inputs failed; see above"
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "d.txt"]


def test_json_output_has_per_segment_provenance(article: Path, model: str, home: Path) -> None:
    run = tarjama("translate", "--model", model, "--json", article, home=home)
    assert run.code == 0, run.err
    result = json.loads(run.out)
    plain = tarjama("translate", "--model", model, "-q", article, home=home)
    assert result["output"] == plain.out
    assert result["format"] == "text"
    assert result["name"] == str(article)
    assert result["warnings"] == []
    blocks = {block["id"]: block["text"] for block in result["blocks"]}
    assert len(blocks) == 8
    document = load_document(article)
    assert blocks == {block.id: block.text for block in document.blocks}
    segments = result["segments"]
    assert len(segments) == 11  # eight paragraphs, three of them with two sentences
    assert [s["block"] for s in segments] == sorted(
        (s["block"] for s in segments), key=lambda b: int(b[1:])
    )
    for segment in segments:
        assert set(segment) >= {"source", "target", "start", "end", "score", "engine", "model"}
        text = blocks[segment["block"]]
        assert text[segment["start"] : segment["end"]] == segment["source"]
        assert segment["target"] and segment["target"] != segment["source"]
        assert isinstance(segment["score"], float) and segment["score"] < 0
        assert segment["engine"] == "ctranslate2"
        assert segment["model"] == Path(model).name
    # The sentences of a paragraph tile it: the second starts after the first ends.
    by_block: dict[str, list[dict]] = {}
    for segment in segments:
        by_block.setdefault(segment["block"], []).append(segment)
    for block_id, parts in by_block.items():
        assert parts[0]["start"] == 0 and parts[-1]["end"] == len(blocks[block_id])
        for before, after in itertools.pairwise(parts):
            assert before["end"] < after["start"]


def test_beam_reaches_the_engine_and_threads_do_not_change_the_english(
    article: Path, article_english: str, model: str, home: Path
) -> None:
    greedy = tarjama("translate", "--model", model, "--beam", "1", "-q", article, home=home)
    assert greedy.code == 0, greedy.err
    assert len(paragraphs(greedy.out)) == 8
    assert greedy.out != article_english  # default beam is 4: another search, other English
    single = tarjama("translate", "--model", model, "--threads", "1", "-q", article, home=home)
    assert single.code == 0, single.err
    assert single.out == article_english


def test_an_imported_model_is_used_by_name_and_as_the_default(
    article: Path, article_english: str, model: str, home: Path
) -> None:
    run = tarjama("models", "import", model, "--name", "tiny-news", home=home)
    assert run.code == 0, run.err
    assert (home / "models" / "tiny-news" / "manifest.json").is_file()
    listing = tarjama("models", "list", "--installed", home=home)
    assert listing.code == 0, listing.err
    assert "tiny-news" in listing.out
    info = tarjama("models", "info", "tiny-news", home=home)
    assert info.code == 0, info.err
    assert json.loads(info.out)["engine"] == "ctranslate2"

    by_name = tarjama("translate", "--model", "tiny-news", "-q", article, home=home)
    assert by_name.code == 0, by_name.err
    assert by_name.out == article_english
    by_default = tarjama(
        "translate", "--json", article, home=home, env={"TARJAMA_MODEL": "tiny-news"}
    )
    assert by_default.code == 0, by_default.err
    assert {s["model"] for s in json.loads(by_default.out)["segments"]} == {"tiny-news"}

    removed = tarjama("models", "remove", "tiny-news", home=home)
    assert removed.code == 0, removed.err
    gone = tarjama("translate", "--model", "tiny-news", article, home=home)
    assert gone.code == 4
    assert "tiny-news" in one_error_line(gone)


# -- progress ------------------------------------------------------------------------------------


def test_progress_bar_on_stderr_for_long_input_only(
    article: Path, model: str, home: Path, tmp_path: Path
) -> None:
    # stderr is a pipe here, not a terminal: rich draws the bar once, finished, when it stops.
    run = tarjama("translate", "--model", model, article, home=home)
    assert run.code == 0
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert re.fullmatch(
        r"article-01\.ar\.txt ━+ 11/11 segments \d:\d\d:\d\d \d:\d\d:\d\d", lines[0]
    )
    assert "segments" not in run.out

    quiet = tarjama("translate", "--model", model, "--quiet", article, home=home)
    assert quiet.code == 0 and quiet.err == ""
    assert quiet.out == run.out

    short = write(tmp_path / "short.txt", ARABIC + "\n")
    run = tarjama("translate", "--model", model, short, home=home)
    assert run.code == 0 and run.err == ""


# -- structure, format by format -----------------------------------------------------------------

MARKDOWN = f"""---
title: {ARABIC}
tags: [أخبار]
---

# {ARABIC}

{ARABIC} انظر [التقرير الكامل](https://example.org/ar/report?id=7 "تقرير") و https://un.org/ar/page.

```python
print("نص عربي لا يترجم")
```

- {ARABIC}
- استخدم الأمر `tarjama translate` الآن.

> {ARABIC}
"""


def test_markdown_structure_code_links_and_front_matter_untouched(
    model: str, home: Path, tmp_path: Path
) -> None:
    source = write(tmp_path / "story.md", MARKDOWN)
    run = tarjama("translate", "--model", model, "--beam", "1", source, home=home)
    assert run.code == 0, run.err
    out = run.out
    front = MARKDOWN.split("\n\n", 1)[0]
    fence = '```python\nprint("نص عربي لا يترجم")\n```'
    assert out.startswith(front + "\n\n# ")  # front matter byte for byte, then the heading
    assert fence in out
    assert '](https://example.org/ar/report?id=7 "تقرير")' in out  # link target and title
    assert "https://un.org/ar/page" in out
    assert "`tarjama translate`" in out
    lines = out.splitlines()
    assert [line[:2] for line in lines if line[:2] in ("# ", "- ", "> ")] == [
        "# ", "- ", "- ", "> "
    ]  # fmt: skip
    assert len(paragraphs(out)) == len(paragraphs(MARKDOWN))
    assert ARABIC not in out.replace(front, "")


HTML = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<title>{ARABIC}</title>
<style>body {{ direction: rtl; font-family: "نسخ"; }}</style>
<script>var label = "نص عربي"; if (a < b && c > d) {{ go(); }}</script>
</head>
<body class="story" data-id="42">
<h1 id="top">{ARABIC}</h1>
<p>{ARABIC} <a href="https://example.org/ar?x=1&amp;y=2" title="{ARABIC}">المصدر</a>.</p>
<img src="/img/photo.jpg" alt="{ARABIC}">
<pre>كود عربي</pre>
</body>
</html>
"""


def _tags(html: str) -> list[str]:
    return re.findall(r"</?([a-zA-Z0-9!]+)", html)


def test_html_tags_attributes_scripts_untouched_and_direction_switched(
    model: str, home: Path, tmp_path: Path
) -> None:
    source = write(tmp_path / "page.html", HTML)
    run = tarjama("translate", "--model", model, "--beam", "1", source, home=home)
    assert run.code == 0, run.err
    out = run.out
    assert '<html lang="en" dir="ltr">' in out
    assert _tags(out) == _tags(HTML)
    for untouched in (
        '<style>body { direction: rtl; font-family: "نسخ"; }</style>',
        '<script>var label = "نص عربي"; if (a < b && c > d) { go(); }</script>',
        '<body class="story" data-id="42">',
        '<h1 id="top">',
        'href="https://example.org/ar?x=1&amp;y=2"',
        'src="/img/photo.jpg"',
        "<pre>كود عربي</pre>",
        '<meta charset="utf-8">',
    ):
        assert untouched in out
    assert ARABIC not in out  # title, heading, paragraph, title= and alt= all translated
    assert "المصدر" not in out


def test_malformed_html_is_translated_best_effort(model: str, home: Path, tmp_path: Path) -> None:
    broken = f'<div dir="rtl"><p>{ARABIC}<b>عاجل</p><span title="{ARABIC}>نص بلا نهاية'
    source = write(tmp_path / "broken.html", broken)
    run = tarjama("translate", "--model", model, "--beam", "1", source, home=home)
    assert run.code == 0, run.err
    assert run.out.startswith('<div dir="ltr"><p>')
    assert _tags(run.out)[:4] == ["div", "p", "b", "p"]
    assert ARABIC not in run.out.split("<span", 1)[0]
    assert "عاجل" not in run.out


JSON_DOC = f"""{{
  "id": 1042,
  "title": "{ARABIC}",
  "summary": "ملخص لا يترجم",
  "body": "{ARABIC} ثم تابع.",
  "published": "2024-03-01T10:00:00Z",
  "tags": ["سياسة", "اقتصاد"],
  "score": 1.50,
  "url": "https://example.org/ar/1042"
}}
"""


def test_json_fields_only_those_translated_rest_byte_identical(
    model: str, home: Path, tmp_path: Path
) -> None:
    source = write(tmp_path / "item.json", JSON_DOC)
    run = tarjama(
        "translate", "--model", model, "--beam", "1", "--field", "title", "--field", "body",
        source, home=home,
    )  # fmt: skip
    assert run.code == 0, run.err
    before, after = JSON_DOC.splitlines(), run.out.splitlines()
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        if old.lstrip().startswith(('"title"', '"body"')):
            assert new != old and new.split(":", 1)[0] == old.split(":", 1)[0]
        else:
            assert new == old  # byte for byte: "1.50", key order, the untranslated Arabic
    data = json.loads(run.out)
    assert data["title"] != ARABIC and data["body"] != f"{ARABIC} ثم تابع."


def test_json_without_fields_translates_every_arabic_string(
    model: str, home: Path, tmp_path: Path
) -> None:
    source = write(tmp_path / "item.json", JSON_DOC)
    run = tarjama("translate", "--model", model, "--beam", "1", source, home=home)
    assert run.code == 0, run.err
    before, after = json.loads(JSON_DOC), json.loads(run.out)
    assert list(after) == list(before)
    for key in ("id", "published", "score", "url"):
        assert after[key] == before[key]
    for key in ("title", "summary", "body"):
        assert after[key] != before[key]
    assert after["tags"] != before["tags"] and len(after["tags"]) == 2
    assert '"score": 1.50,' in run.out


def test_jsonl_fields_line_by_line(model: str, home: Path, tmp_path: Path) -> None:
    items = [
        {"id": i, "title": f"{ARABIC} {i}", "body": ARABIC, "source": "وكالة الأنباء"}
        for i in range(5)
    ]
    text = "\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n"
    source = write(tmp_path / "items.jsonl", text)
    out = tmp_path / "items.en.jsonl"
    run = tarjama(
        "translate", "--model", model, "--beam", "1", source, "--field", "title",
        "--field", "body", "-o", out, home=home,
    )  # fmt: skip
    assert run.code == 0, run.err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(items)
    for item, line in zip(items, lines, strict=True):
        english = json.loads(line)
        assert list(english) == list(item)
        assert english["id"] == item["id"]
        assert english["title"] != item["title"] and english["body"] != item["body"]
        assert line.endswith(', "source": "وكالة الأنباء"}')  # untouched, byte for byte


@pytest.mark.parametrize(
    ("format", "document", "check"),
    [
        ("text", f"# {ARABIC}\n\n{ARABIC}\n", lambda out: len(paragraphs(out)) == 2),
        ("markdown", f"# {ARABIC}\n\n{ARABIC}\n", lambda out: out.startswith("# ")),
        ("html", f"<p>{ARABIC}</p>\n<p>{ARABIC}</p>\n", lambda out: out.count("<p>") == 2),
        ("json", json.dumps({"a": ARABIC, "n": 1}), lambda out: json.loads(out)["n"] == 1),
        (
            "jsonl",
            json.dumps({"a": ARABIC}) + "\n" + json.dumps({"a": ARABIC}) + "\n",
            lambda out: [list(json.loads(x)) for x in out.splitlines()] == [["a"], ["a"]],
        ),
    ],
)
def test_format_option_overrides_the_file_name(
    format: str, document: str, check: object, model: str, home: Path, tmp_path: Path
) -> None:
    # A .txt name would say "text"; --format decides. "auto" on stdin sniffs the content.
    source = write(tmp_path / "input.txt", document)
    run = tarjama(
        "translate", "--model", model, "--beam", "1", "--format", format, source, home=home
    )
    assert run.code == 0, run.err
    assert check(run.out), run.out  # type: ignore[operator]
    assert ARABIC not in run.out
    if format != "text":
        sniffed = tarjama(
            "translate", "--model", model, "--beam", "1", "--format", "auto", "--json",
            home=home, stdin=document.encode(),
        )  # fmt: skip
        assert sniffed.code == 0, sniffed.err
        assert json.loads(sniffed.out)["format"] == format


@pytest.mark.slow
def test_a_one_megabyte_article_keeps_its_paragraph_count(
    article: Path, model: str, home: Path, tmp_path: Path
) -> None:
    one = article.read_text(encoding="utf-8").strip()
    copies = 1_000_000 // len(one.encode("utf-8")) + 1
    big = write(tmp_path / "big.txt", "\n\n".join([one] * copies) + "\n")
    assert big.stat().st_size >= 1_000_000
    count = len(paragraphs(big.read_text(encoding="utf-8")))
    assert count >= 500
    out = tmp_path / "big.en.txt"
    run = tarjama("translate", "--model", model, "--beam", "1", "-q", big, "-o", out, home=home)
    assert run.code == 0, run.err
    english = out.read_text(encoding="utf-8")
    assert len(paragraphs(english)) == count
    assert one.split("\n")[0] not in english
    print(f"\n1 MB ({count} paragraphs), beam 1: {run.seconds:.1f} s")


# -- bad input, each a clear one-line error (or a correct result) --------------------------------


def test_english_only_input_passes_through_with_a_warning(
    model: str, home: Path, tmp_path: Path
) -> None:
    text = "The president said talks would resume tomorrow.\n\nMarkets rose 2.5% on Monday.\n"
    source = write(tmp_path / "english.txt", text)
    run = tarjama("translate", "--model", model, source, home=home)
    assert run.code == 0
    assert run.out == text
    assert run.err.strip() == (
        "warning: english.txt: no Arabic text found; the input was passed through unchanged"
    )


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.txt", b"", "empty.txt is empty"),
        ("blank.txt", b"  \n\n \n", "blank.txt is empty"),
        ("image.png", PNG_HEADER + bytes(range(256)) * 8, "looks binary"),
        ("photo.txt", PNG_HEADER + b"\x00" + os.urandom(4096), "looks binary"),
        ("latin1.txt", "café crème brûlée, naïve résumé\n".encode("latin-1"), "iconv -f"),
        ("bad.json", b'{"title": "x",\n "body": }\n', "line 2, column 10"),
        ("bad.jsonl", b'{"a": 1}\n{"a": \n', "line 2"),
    ],
)
def test_bad_input_is_exit_3_with_one_line(
    name: str, content: bytes, expected: str, model: str, home: Path, tmp_path: Path
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    run = tarjama("translate", "--model", model, source, home=home)
    assert run.code == 3
    line = one_error_line(run)
    assert name in line and expected in line
    assert run.out == ""


def test_five_megabytes_is_refused_quickly_with_the_limit_named(
    article: Path, model: str, home: Path, tmp_path: Path
) -> None:
    # Translating 5 MB takes minutes even with the tiny model (see the test report), so the
    # documented input limit (2 MB by default) refuses it at once instead.
    one = article.read_bytes().strip()
    big = tmp_path / "huge.txt"
    big.write_bytes(b"\n\n".join([one] * (5_000_000 // len(one) + 1)) + b"\n")
    assert big.stat().st_size >= 5_000_000
    run = tarjama("translate", "--model", model, big, home=home)
    assert run.code == 3
    line = one_error_line(run)
    assert "huge.txt is larger than the 2.0 MB input limit" in line
    assert "TARJAMA_MAX_INPUT_BYTES" in line
    assert run.seconds < 30
    piped = tarjama("translate", "--model", model, home=home, stdin=big.read_bytes())
    assert piped.code == 3
    assert "<stdin> is larger than the 2.0 MB input limit" in one_error_line(piped)


def test_markup_like_file_names_are_printed_as_they_are(
    model: str, home: Path, tmp_path: Path
) -> None:
    (tmp_path / "odd[").mkdir()
    for name in ("news[ar].txt", "odd[/b].txt"):  # rich would read [ar] and [/b] as markup
        (tmp_path / name).write_bytes(b"")
        run = tarjama("translate", "--model", model, tmp_path / name, home=home)
        assert run.code == 3
        assert one_error_line(run).endswith(f"{name} is empty")


# -- exit codes ----------------------------------------------------------------------------------


def test_exit_code_tables_agree() -> None:
    """README's table, the cli.py docstring and the constants say the same thing."""
    import tarjama.cli as cli

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    table = dict(re.findall(r"^\| (\d) \| (.+?) \|$", section, re.M))
    assert sorted(table) == ["0", "1", "2", "3", "4", "5", "6"]
    docstring = dict(re.findall(r"^(\d)\s{3,}(.+)$", cli.__doc__ or "", re.M))
    assert sorted(docstring) == sorted(table)
    for code, meaning in table.items():
        assert (
            re.findall(r"[a-z]+", meaning.lower())[:2]
            == re.findall(r"[a-z]+", docstring[code].lower())[:2]
        )
    assert (cli.EXIT_OK, cli.EXIT_ENGINE, cli.EXIT_USAGE) == (0, 1, 2)
    assert (cli.EXIT_INPUT, cli.EXIT_MODEL, cli.EXIT_CONFIG, cli.EXIT_STORAGE) == (3, 4, 5, 6)
    assert "usage" in table["2"] and "input" in table["3"]
    assert "model" in table["4"] and "configuration" in table["5"] and "storage" in table["6"]


def test_usage_errors_are_exit_2(model: str, home: Path, tmp_path: Path) -> None:
    source = write(tmp_path / "one.txt", ARABIC + "\n")
    for args, complaint in (
        (["--format", "xml"], "--format"),
        (["--bogus"], "--bogus"),
        (["--beam", "0"], "--beam"),
        (["--threads", "-1"], "--threads"),
        (["--beam", "many"], "--beam"),
    ):
        run = tarjama("translate", "--model", model, *args, source, home=home)
        assert run.code == 2, args
        assert complaint in run.err
        assert run.out == ""
    run = tarjama("frobnicate", home=home)
    assert run.code == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--format", "yaml"], "--format"),
        (["--beam", "0"], "--beam"),
    ],
)
def test_usage_errors_in_process(args: list[str], expected: str) -> None:
    result = CliRunner().invoke(app, ["translate", *args, "x.txt"])
    assert result.exit_code == 2
    assert expected in result.output


def test_config_errors_in_process(tmp_path: Path) -> None:
    source = write(tmp_path / "one.txt", ARABIC + "\n")
    result = CliRunner().invoke(app, ["translate", str(source), str(source)])
    assert result.exit_code == 5
    assert "several inputs or a directory need -o DIRECTORY" in result.output
    result = CliRunner().invoke(app, ["translate", str(tmp_path)])
    assert result.exit_code == 5


def test_missing_catalog_model_is_exit_4_and_says_how_to_get_it(home: Path, tmp_path: Path) -> None:
    source = write(tmp_path / "one.txt", ARABIC + "\n")
    run = tarjama("translate", "--model", "opus-mt-tc-big-ar-en", source, home=home)
    assert run.code == 4
    line = one_error_line(run)
    assert "'opus-mt-tc-big-ar-en' is not installed" in line
    assert "`tarjama models install opus-mt-tc-big-ar-en`" in line
    assert "`tarjama models import PATH --name opus-mt-tc-big-ar-en`" in line

    default = tarjama("translate", source, home=home)  # the embedded default, not installed
    assert default.code == 4
    line = one_error_line(default)
    assert "qwen2.5-coder-1.5b-instruct" in line and "tarjama models install" in line

    for args in (
        ["translate", "--model", "no-such-model", source],
        ["translate", "--model", tmp_path / "missing-folder", source],
        ["translate", "--model", tmp_path, source],  # a folder, but not a model
        ["models", "info", "no-such-model"],
        ["models", "remove", "no-such-model"],
    ):
        run = tarjama(*args, home=home)
        assert run.code == 4, args
        one_error_line(run)


def test_configuration_errors_are_exit_5(model: str, home: Path, tmp_path: Path) -> None:
    text = write(tmp_path / "one.txt", ARABIC + "\n")
    item = write(tmp_path / "item.json", JSON_DOC)
    cases: list[tuple[list[str | Path], str]] = [
        (["--field", "title", text], "fields apply to json and jsonl only"),
        ([text, item], "several inputs or a directory need -o DIRECTORY"),
        ([tmp_path], "several inputs or a directory need -o DIRECTORY"),
        ([text, item, "-o", text], "must be a directory"),
        (["--field", "headline", item], "none of the fields headline"),
        ([text, "-o", text], "would overwrite its own input"),
        ([text, text, "-o", tmp_path / "out"], "would both be written to"),
        ([text, "-"], "stdin"),
    ]
    for args, expected in cases:
        run = tarjama("translate", "--model", model, *args, home=home)
        assert run.code == 5, (args, run.err)
        assert expected in one_error_line(run), args
    assert text.read_text(encoding="utf-8") == ARABIC + "\n"


def test_missing_input_is_exit_3(model: str, home: Path, tmp_path: Path) -> None:
    run = tarjama("translate", "--model", model, tmp_path / "nope.txt", home=home)
    assert run.code == 3
    assert "nope.txt: no such file or directory" in one_error_line(run)
    (tmp_path / "empty-dir").mkdir()
    run = tarjama(
        "translate", "--model", model, tmp_path / "empty-dir", "-o", tmp_path / "o", home=home
    )
    assert run.code == 3
    assert "holds no files" in one_error_line(run)


def test_unwritable_output_is_a_clear_error(model: str, home: Path, tmp_path: Path) -> None:
    source = write(tmp_path / "one.txt", ARABIC + "\n")
    blocker = write(tmp_path / "a-file", "x")
    run = tarjama("translate", "--model", model, source, "-o", blocker / "out.txt", home=home)
    assert run.code == 2
    assert f"cannot write {blocker / 'out.txt'}" in one_error_line(run)


def test_output_to_a_closed_pipe_is_quiet(article: Path, model: str, home: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    environ["TARJAMA_HOME"] = str(home)
    command = [sys.executable, "-m", "tarjama.cli", "translate", "-q", "--model", model]
    producer = subprocess.Popen(
        [*command, str(article)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ
    )
    assert producer.stdout is not None and producer.stderr is not None
    producer.stdout.close()  # like `| head -0`: the reader is gone before anything is written
    err = producer.stderr.read().decode("utf-8")
    assert producer.wait(timeout=120) == 0
    assert err == ""


def test_a_word_document_in_a_word_document_out(
    article: Path, model: str, home: Path, tmp_path: Path
) -> None:
    import io

    import docx

    word = docx.Document()
    for text in paragraphs(article.read_text(encoding="utf-8"))[:2]:
        word.add_paragraph(text)
    source = tmp_path / "story.docx"
    word.save(source)
    out = tmp_path / "story.en.docx"
    run = tarjama("translate", "--model", model, "-q", source, "-o", out, home=home)
    assert run.code == 0, run.err
    english = [p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs]
    source_texts = [p.text for p in docx.Document(source).paragraphs]
    assert len(english) == 2 and english != source_texts
    as_json = tarjama("translate", "--model", model, "--json", source, home=home)
    assert as_json.code == 0, as_json.err
    assert json.loads(as_json.out)["output"].split("\n\n") == english
