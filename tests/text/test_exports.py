from __future__ import annotations

import importlib

import tarjama.text as text

MODULES = ["detect", "english", "normalize", "protect", "segment"]


def test_package_exports_exactly_the_public_functions_of_its_modules() -> None:
    public: set[str] = set()
    for name in MODULES:
        module = importlib.import_module(f"tarjama.text.{name}")
        assert module.__doc__, name
        public.update(module.__all__)
        for item in module.__all__:
            obj = getattr(module, item)
            assert getattr(text, item) is obj
            if callable(obj):
                assert obj.__doc__, item
    assert set(text.__all__) == public
    assert text.__all__ == sorted(text.__all__)
