# Sapa — the two set-up commands are `make run` and `make test`; the rest are for developers.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run worker test lint format bench clean messages

$(STAMP): pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/sapa run --host $(HOST) --port $(PORT)

worker: $(STAMP)
	$(BIN)/sapa worker

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy
	SAPA_VAR_DIR=$$(mktemp -d) $(BIN)/sapa makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

# Each prints one JSON line; on SQLite, then on the PostgreSQL server of DATABASE_URL
# (default 127.0.0.1:5432) in a scratch database. BENCH_DBS="sqlite" skips PostgreSQL.
BENCH_DBS ?= sqlite postgres
# The help-center search evaluation set (articles.jsonl, questions.jsonl), when present.
KB_EVAL ?= ../shared/data/kb-eval
# The bot's evaluation set (utterances.jsonl, answered from KB_EVAL's articles), when present.
BOT_EVAL ?= ../shared/data/bot-eval
# Labelled comments (JSON lines: text, label) for the sentiment evaluation, when present.
SENTIMENT_EVAL ?= ../shared/data/sentiment-dev/smsa-valid.jsonl
bench: $(STAMP)
	$(BIN)/python bench/textid_speed.py
	if [ -f $(SENTIMENT_EVAL) ]; then $(BIN)/python bench/sentiment_eval.py --texts $(SENTIMENT_EVAL); fi
	set -e; for db in $(BENCH_DBS); do \
		$(BIN)/python bench/ingest.py --db $$db; \
		$(BIN)/python bench/tickets_list.py --db $$db; \
		$(BIN)/python bench/console.py --db $$db; \
		$(BIN)/python bench/email_ingest.py --db $$db; \
		$(BIN)/python bench/kb_search_speed.py --db $$db; \
		$(BIN)/python bench/chat_ws_load.py --db $$db; \
		$(BIN)/python bench/routing.py --db $$db; \
		$(BIN)/python bench/webhooks.py --db $$db; \
		$(BIN)/python bench/journey.py --db $$db; \
		if [ -d $(KB_EVAL) ]; then \
			$(BIN)/python bench/kb_search_eval.py --db $$db --articles $(KB_EVAL)/articles.jsonl \
				--questions $(KB_EVAL)/questions.jsonl; \
			$(BIN)/python bench/kb_search_eval.py --db $$db --articles $(KB_EVAL)/articles.jsonl \
				--questions $(KB_EVAL)/questions.jsonl --no-examples; \
			if [ -d $(BOT_EVAL) ]; then \
				$(BIN)/python bench/bot_eval.py --db $$db --articles $(KB_EVAL)/articles.jsonl \
					--utterances $(BOT_EVAL)/utterances.jsonl; \
			fi; \
		fi; \
	done
	if [ -d $(KB_EVAL) ] && echo "$(BENCH_DBS)" | grep -q postgres; then \
		$(BIN)/python bench/kb_pg_configs.py --articles $(KB_EVAL)/articles.jsonl \
			--questions $(KB_EVAL)/questions.jsonl; \
	fi

messages: $(STAMP)
	cd src/sapa && export SAPA_VAR_DIR=$$(mktemp -d) && \
		../../$(BIN)/sapa makemessages --locale id --ignore 'demo/*' --ignore 'migrations/*' && \
		../../$(BIN)/sapa compilemessages --locale id

clean:
	rm -rf $(VENV) var .coverage htmlcov
