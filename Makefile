# tarjama: `make demo` sets everything up and translates the example article; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The shared data (examples, evaluation sets, UN pool) sits beside the checkout; a fresh clone of a
# local checkout finds it beside the repository it was cloned from.
ORIGIN := $(shell cd "$$(git config --get remote.origin.url 2>/dev/null)" 2>/dev/null && pwd)
SHARED ?= $(firstword $(wildcard ../shared) $(if $(ORIGIN),$(wildcard $(dir $(ORIGIN))shared)) ../shared)
MODEL ?= qwen2.5-coder-1.5b-instruct
# torch is pinned to the CPU build that ships on this machine type; a loose range pulls a CUDA build.
TORCH ?= torch==2.13.0

.PHONY: demo install model test test-deps lint bench bench-names bench-retrieval bench-job bench-feeds loadtest soak clean

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

# The web page test drives Debian's chromium through Playwright (its own browser download needs
# the internet); install it from apt when it is missing, with sudo unless we are root.
test-deps: $(VENV)/.test-installed
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

test: test-deps
	TARJAMA_SHARED=$(abspath $(SHARED)) $(BIN)/python -m pytest -q

$(VENV)/.bench-installed: $(VENV)/.test-installed
	$(BIN)/pip install --quiet -e '.[llama,ctranslate2,convert,test,eval,bench]'
	touch $@

bench: $(VENV)/.bench-installed model bench-names bench-retrieval
	$(BIN)/tarjama bench -o bench --article $(SHARED)/examples/article-01.ar.txt

# Retrieval (issue 12): examples for each paragraph of the example article from a 100,000-pair
# memory built for the run plus the shipped pool (median, p95). Writes bench/retrieval/bench-retrieval.{json,md}.
bench-retrieval: $(VENV)/.bench-installed
	$(BIN)/tarjama bench retrieval -o bench/retrieval --article $(SHARED)/examples/article-01.ar.txt

# The name layer (issue 13): load time in fresh processes (imports apart from data), match time
# for the first 1,000 words of the pool's UD PUD Arabic, memory. Writes bench/names/bench-names.{json,md}.
bench-names: $(VENV)/.bench-installed
	TARJAMA_DATA=$(abspath $(SHARED))/data $(BIN)/tarjama bench names -o bench/names

# Corpus jobs (issue 10): 2,000 UN-pool documents through translate DIR, a job with 1 and 2 workers
# and --ray, a rerun, then the default chat model on 20 copies of the example article. Waits for
# the load average to fall under 1.5 before each measurement. Writes bench/job/bench-job.{json,md}.
bench-job: $(VENV)/.bench-installed model
	TARJAMA_DATA=$(abspath $(SHARED))/data $(BIN)/tarjama bench job -o bench/job --model-dir bench/models

# Feeds (issue 11): a 50-item Arabic feed served on 127.0.0.1, polled with the base-size Marian,
# and 5 items with the default chat model; engine calls on re-polls of the unchanged feed.
# Writes bench/feeds/bench-feeds.{json,md}.
bench-feeds: $(VENV)/.bench-installed model
	TARJAMA_DATA=$(abspath $(SHARED))/data $(BIN)/tarjama bench feeds -o bench/feeds --model-dir bench/models

# tarjama serve under load on loopback (bounded: LT_USERS users for LT_SECONDS s); LT_MODEL empty = the
# tests' tiny CTranslate2 model. Writes bench/loadtest/loadtest.{json,md}.
LT_USERS ?= 20
LT_SECONDS ?= 60
LT_MODEL ?=
loadtest: test-deps
	$(BIN)/python scripts/loadtest.py --users $(LT_USERS) --seconds $(LT_SECONDS) --out bench/loadtest $(if $(LT_MODEL),--model $(LT_MODEL))

# tarjama serve with API keys and the memory on, SOAK_USERS users for SOAK_SECONDS s of valid, malformed,
# oversized and unauthorised requests and uploads; RSS sampled, memory database checked afterwards.
# Writes bench/soak/soak.{json,md}; fails on any 5xx, a damaged database or memory growth.
SOAK_USERS ?= 30
SOAK_SECONDS ?= 600
soak: test-deps
	$(BIN)/python scripts/soak.py --users $(SOAK_USERS) --seconds $(SOAK_SECONDS) --out bench/soak $(if $(LT_MODEL),--model $(LT_MODEL))

# mypy reads its strictness from [tool.mypy] in pyproject.toml.
lint: test-deps
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) build dist src/*.egg-info
