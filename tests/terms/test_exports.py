from __future__ import annotations

import importlib

import tarjama.terms as terms

MODULES = ["dates", "entity", "glossary", "keys", "lexicon", "match", "store"]


def test_package_exports_exactly_the_public_names_of_its_modules() -> None:
    public: set[str] = set()
    for name in MODULES:
        module = importlib.import_module(f"tarjama.terms.{name}")
        assert module.__doc__, name
        public.update(module.__all__)
        for item in module.__all__:
            obj = getattr(module, item)
            assert getattr(terms, item) is obj
            if callable(obj):
                assert obj.__doc__, item
    assert set(terms.__all__) == public
    # isort order, as ruff's RUF022 keeps it: CONSTANTS, then Classes, then functions.
    assert terms.__all__ == sorted(terms.__all__, key=lambda n: (not n.isupper(), n.islower(), n))


def test_terms_imports_only_text_the_exception_tree_and_the_xml_policy() -> None:
    allowed = ("tarjama.text", "tarjama.terms", "tarjama.errors", "tarjama.xmlpolicy")
    for name in MODULES:
        source = importlib.import_module(f"tarjama.terms.{name}").__file__
        assert source is not None
        with open(source, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(("import tarjama", "from tarjama")):
                    assert line.split()[1].startswith(allowed), (name, line)
