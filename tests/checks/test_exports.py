from __future__ import annotations

import importlib
import pkgutil

import tarjama.checks as checks


def _modules() -> list[str]:
    return [m.name for m in pkgutil.iter_modules(checks.__path__) if m.name.startswith("_")]


def test_package_exports_exactly_the_public_names_it_imports_and_documents_them() -> None:
    assert checks.__doc__
    exported = set(checks.__all__)
    for name in _modules():
        module = importlib.import_module(f"tarjama.checks.{name}")
        assert module.__doc__, name
        for item in module.__all__:
            obj = getattr(module, item)
            if callable(obj):
                assert obj.__doc__, item
            if item in exported:
                assert getattr(checks, item) is obj, item
    for item in checks.__all__:
        assert getattr(checks, item) is not None
    # isort order, as ruff's RUF022 keeps it: CONSTANTS, then Classes, then functions.
    assert checks.__all__ == sorted(checks.__all__, key=lambda n: (not n.isupper(), n.islower(), n))


def test_checks_import_only_text_and_terms() -> None:
    allowed = ("tarjama.text", "tarjama.terms", "tarjama.checks")
    for name in _modules():
        source = importlib.import_module(f"tarjama.checks.{name}").__file__
        assert source is not None
        with open(source, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(("import tarjama", "from tarjama")):
                    assert line.split()[1].startswith(allowed), (name, line)
