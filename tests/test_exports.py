"""What ``tarjama`` exports is exactly its public API, importable, and what the docs use.

In the spirit of httpx's ``tests/test_exported_members.py``.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib.metadata
import inspect
import re
import subprocess
import sys
import types
from pathlib import Path

import tarjama
import tarjama.errors

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def _python_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown, re.S)


def test_all_public_members_are_exported() -> None:
    included_private_members = ["__version__"]
    members = sorted(
        name
        for name, value in vars(tarjama).items()
        if not isinstance(value, types.ModuleType)  # submodules are reachable, not exported
        and (not name.startswith("_") or name in included_private_members)
    )
    assert tarjama.__all__ == members
    assert len(set(tarjama.__all__)) == len(tarjama.__all__)


def test_every_export_is_importable_and_documented() -> None:
    namespace: dict[str, object] = {}
    exec("from tarjama import *", namespace)
    for name in tarjama.__all__:
        assert namespace[name] is getattr(tarjama, name)
        value = getattr(tarjama, name)
        if name == "__version__":
            continue
        assert value.__module__.startswith("tarjama."), name
        assert inspect.getdoc(value), f"{name} has no docstring"


def test_version_matches_the_installed_distribution() -> None:
    assert tarjama.__version__ == importlib.metadata.version("tarjama")


def test_every_error_class_is_exported_under_the_root() -> None:
    for name in tarjama.errors.__all__:
        error = getattr(tarjama.errors, name)
        assert getattr(tarjama, name) is error
        assert issubclass(error, tarjama.TarjamaError)
    assert issubclass(tarjama.ModelNotFoundError, tarjama.ModelError)


def test_readme_python_examples_use_only_exported_names() -> None:
    blocks = _python_blocks(README)
    assert blocks
    imported: set[str] = set()
    for block in blocks:
        for node in ast.walk(ast.parse(block)):
            if isinstance(node, ast.ImportFrom):
                assert node.module == "tarjama"
                imported.update(alias.name for alias in node.names)
    assert imported == {"Translator"}
    assert imported <= set(tarjama.__all__)


def test_readme_example_attributes_exist() -> None:
    """README: translator.translate(...), translate_document(...).translations, t.start …"""
    example = "\n".join(_python_blocks(README))
    methods = set(re.findall(r"translator\.(\w+)\(", example))
    assert methods == {"translate", "translate_document"}
    for method in methods:
        assert callable(getattr(tarjama.Translator, method))
    assert "result.translations" in example
    assert "translations" in {f.name for f in dataclasses.fields(tarjama.TranslatedDocument)}
    used = set(re.findall(r"\bt\.(\w+)", example))
    assert used == {"start", "end", "score", "engine", "source", "target"}
    assert used <= {f.name for f in dataclasses.fields(tarjama.Translation)}


def test_the_error_tree_in_errors_docstring_is_what_is_exported() -> None:
    tree = re.findall(r"^[\s│]*(?:[├└]── )?(\w+Error)\b", tarjama.errors.__doc__ or "", re.M)
    assert sorted(tree) == sorted(tarjama.errors.__all__)


def test_architecture_types_are_public() -> None:
    table = ARCHITECTURE.split("| type | what it is |", 1)[1].split("\n\n", 1)[0]
    names = re.findall(r"^\| `(\w+)` \|", table, re.M)
    assert names == ["Document", "Block", "Segment", "Translation"]
    for name in names:
        assert name in tarjama.__all__
        assert getattr(tarjama, name).__module__ == "tarjama.document"


def test_what_a_custom_engine_needs_is_public() -> None:
    """``Translator(engine=...)`` takes any Engine; its answer type and context are exported."""
    for name in ("Capabilities", "Engine", "Hypothesis", "TranslationContext"):
        assert name in tarjama.__all__
        assert getattr(tarjama, name).__module__ == "tarjama.engines.base"
    assert dataclasses.is_dataclass(tarjama.Hypothesis)


def test_importing_the_api_and_cli_loads_no_heavy_library() -> None:
    """docs/architecture.md: ctranslate2, llama_cpp, transformers load only when needed."""
    code = (
        "import sys, tarjama, tarjama.cli\n"
        "heavy = ('ctranslate2', 'llama_cpp', 'transformers', 'torch', 'sentencepiece')\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert proc.stdout.strip() == ""
