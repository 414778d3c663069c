"""Benchmark: which PostgreSQL text-search configuration ranks help-center articles better.

Full text only (no embeddings), on an evaluation set of the kb_search_eval format:
1. `indonesian`: PostgreSQL's built-in configuration (its Snowball stemmer) over the raw
   title, tags and body;
2. `simple` over textid terms: what Sapa indexes (slang expanded, stopwords dropped,
   Sastrawi stems), with the query analysed the same way.
Both rank with `ts_rank` over weighted vectors (title A, tags B, body D) and an OR query of
the question's words. Runs in a scratch database on the PostgreSQL server DATABASE_URL
names (default 127.0.0.1:5432), dropped afterwards.

    .venv/bin/python bench/kb_pg_configs.py --articles A.jsonl --questions Q.jsonl

Prints one JSON line: top1 and top3 of each configuration over the answerable questions.
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import django
import psycopg

from _database import DEFAULT_POSTGRES_URL, _is_postgres_url, _with_database
from _kb_eval_set import read_jsonl

SCRATCH = "sapa_bench_configs"
_WORD = re.compile(r"\w+", re.UNICODE)


def _or_query(words: list[str]) -> str:
    return " | ".join("'" + w.replace("'", "") + "'" for w in dict.fromkeys(words) if w)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", required=True, type=Path)
    parser.add_argument("--questions", required=True, type=Path)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sapa.settings")
    os.environ.setdefault("SAPA_VAR_DIR", "/tmp/sapa-bench-configs")
    django.setup()
    from sapa.textid import analyse, translate_english

    articles, questions = read_jsonl(args.articles), read_jsonl(args.questions)
    server = os.environ.get("DATABASE_URL", "")
    server = server if _is_postgres_url(server) else DEFAULT_POSTGRES_URL
    maintenance = _with_database(server, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        admin.execute(f"CREATE DATABASE {SCRATCH}")
    try:
        url = _with_database(server, SCRATCH).replace("postgres://", "postgresql://", 1)
        with psycopg.connect(url, autocommit=True) as db:
            figures = _measure(db, articles, questions, analyse, translate_english)
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
    print(json.dumps({"bench": "kb_pg_configs", "articles": len(articles), **figures}))


def _measure(db: Any, articles: list, questions: list, analyse: Any, translate: Any) -> dict:
    db.execute("CREATE TABLE a (id text, base text, indonesian tsvector, simple tsvector)")
    for article in articles:
        tags = " ".join(article.get("tags") or [])
        lang = article.get("lang") or "id"

        def terms(text: str, lang: str = lang) -> str:
            return " ".join(analyse(text, language=lang).terms)

        db.execute(
            "INSERT INTO a VALUES (%s, %s, "
            "setweight(to_tsvector('indonesian', %s), 'A') || "
            "setweight(to_tsvector('indonesian', %s), 'B') || "
            "setweight(to_tsvector('indonesian', %s), 'D'), "
            "setweight(to_tsvector('simple', %s), 'A') || "
            "setweight(to_tsvector('simple', %s), 'B') || "
            "setweight(to_tsvector('simple', %s), 'D'))",
            [
                article["id"],
                article.get("translation_of") or article["id"],
                article["title"],
                tags,
                article["body"],
                terms(article["title"]),
                terms(tags),
                terms(article["body"]),
            ],
        )
    hits = {"indonesian": [0, 0], "simple_textid": [0, 0]}
    answerable = 0
    for question in questions:
        if not question.get("article"):
            continue
        answerable += 1
        raw = _or_query([w.lower() for w in _WORD.findall(question["q"])])
        analysis = analyse(question["q"])
        words = list(analysis.terms)
        if analysis.language == "en":
            words += list(analyse(" ".join(translate(list(analysis.words))), language="id").terms)
        queries = {
            "indonesian": ("indonesian", "indonesian", raw),
            "simple_textid": ("simple", "simple", _or_query(words)),
        }
        for name, (config, column, text) in queries.items():
            if not text:
                continue
            rows = db.execute(
                f"SELECT base FROM a WHERE {column} @@ to_tsquery(%s, %s) "  # noqa: S608
                f"ORDER BY ts_rank({column}, to_tsquery(%s, %s)) DESC LIMIT 10",
                [config, text, config, text],
            ).fetchall()
            ranked = list(dict.fromkeys(r[0] for r in rows))
            hits[name][0] += ranked[:1] == [question["article"]]
            hits[name][1] += question["article"] in ranked[:3]
    return {
        name: {"top1": round(h1 / answerable, 4), "top3": round(h3 / answerable, 4)}
        for name, (h1, h3) in hits.items()
    }


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
