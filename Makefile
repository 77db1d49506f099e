# tarjama: `make demo` sets everything up and translates the example article; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
MODEL ?= qwen2.5-coder-1.5b-instruct
# torch is pinned to the CPU build that ships on this machine type; a loose range pulls a CUDA build.
TORCH ?= torch==2.13.0

.PHONY: demo install model test test-deps lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel setuptools

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[llama,ctranslate2]'
	touch $@

install: $(VENV)/.installed

model: install
	$(BIN)/tarjama models install $(MODEL)

demo: model
	$(BIN)/tarjama translate --model $(MODEL) $(SHARED)/examples/article-01.ar.txt

$(VENV)/.test-installed: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet $(TORCH)
	$(BIN)/pip install --quiet -e '.[llama,ctranslate2,convert,test,eval]'
	touch $@

test-deps: $(VENV)/.test-installed

test: test-deps
	TARJAMA_SHARED=$(abspath $(SHARED)) $(BIN)/python -m pytest -q

$(VENV)/.bench-installed: $(VENV)/.test-installed
	$(BIN)/pip install --quiet -e '.[llama,ctranslate2,convert,test,eval,bench]'
	touch $@

bench: $(VENV)/.bench-installed model
	$(BIN)/tarjama bench -o bench --article $(SHARED)/examples/article-01.ar.txt

lint: test-deps
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

clean:
	rm -rf $(VENV) build dist src/*.egg-info
