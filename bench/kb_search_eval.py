"""Benchmark: help-center search quality on an evaluation set, through the real search API.

Loads `--articles` (JSON lines: id, lang, title, body, tags, optional examples and
translation_of) with `sapa kb import` into a fresh database, starts the server, asks every
question of `--questions` (JSON lines: q, lang, article or null) at
`GET /api/v1/kb/search?q=&lang=` and scores the ranked ids. A translation's id counts as its
original's (`translation_of`), repeated ids keep their first rank. "No answer" is the API's
`answered: false` (one threshold for every question).

    .venv/bin/python bench/kb_search_eval.py --articles A.jsonl --questions Q.jsonl \
        [--db sqlite|postgres] [--no-examples] [--no-textid] [--lexical]

Prints one JSON line: top1 and top3 (hit rates over answerable questions),
no_answer_correct (share of unanswerable questions answered "no answer"), false_no_answer
(share of answerable ones answered "no answer"), the same split by language, and p50_ms /
p95_ms of the server time (Server-Timing) per search.
"""

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from _database import add_database_arguments, chosen_vendor, fresh_database
from _http_load import percentile_ms, run_async
from _kb_eval_set import import_articles, read_jsonl
from _server import (
    exit_cleanly_on_sigterm,
    log,
    prepare_instance,
    running_server,
    sapa_environment,
)

_SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--articles", required=True, type=Path)
    parser.add_argument("--questions", required=True, type=Path)
    parser.add_argument("--no-examples", action="store_true", help="index without `examples`")
    parser.add_argument("--no-textid", action="store_true", help="plain words, no textid")
    parser.add_argument("--lexical", action="store_true", help="no embeddings: full text only")
    parser.add_argument("--details", type=Path, help="write each question's outcome here")
    return parser.parse_args()


async def _ask_all(base_url: str, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    answers = []
    async with aiohttp.ClientSession(base_url=base_url) as session:
        for warm in questions[:5]:
            async with session.get("/api/v1/kb/search?" + urlencode({"q": warm["q"]})) as r:
                await r.read()
        for question in questions:
            query = urlencode(
                {"q": question["q"], "lang": question.get("lang") or "id", "limit": 10}
            )
            async with session.get(f"/api/v1/kb/search?{query}") as response:
                body = await response.json()
                if response.status != 200:
                    raise RuntimeError(f"search answered {response.status}: {body}")
                timing = _SERVER_TIMING.search(response.headers.get("Server-Timing", ""))
            answers.append(
                {
                    "ids": [hit["id"] for hit in body["results"]],
                    "answered": body["answered"],
                    "confidence": body["confidence"],
                    "server_s": float(timing.group(1)) / 1000 if timing else float("nan"),
                }
            )
    return answers


def _rate(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else float("nan")


def score(
    questions: list[dict[str, Any]], answers: list[dict[str, Any]], base_of: dict[int, str]
) -> dict[str, Any]:
    groups: dict[str, dict[str, int]] = {}

    def bump(lang: str, key: str) -> None:
        for name in ("all", lang):
            groups.setdefault(name, {}).setdefault(key, 0)
            groups[name][key] += 1

    outcomes = []
    for question, answer in zip(questions, answers, strict=True):
        ranked: list[str] = []
        for pk in answer["ids"]:
            base = base_of.get(pk, f"?{pk}")
            if base not in ranked:
                ranked.append(base)
        lang = question.get("lang") or "id"
        expected = question.get("article")
        if expected:
            bump(lang, "answerable")
            bump(lang, "top1") if ranked[:1] == [expected] else None
            bump(lang, "top3") if expected in ranked[:3] else None
            bump(lang, "false_no_answer") if not answer["answered"] else None
        else:
            bump(lang, "unanswerable")
            bump(lang, "no_answer_correct") if not answer["answered"] else None
        outcomes.append(
            {
                "q": question["q"],
                "expected": expected,
                "ranked": ranked[:3],
                "answered": answer["answered"],
            }
        )

    def figures(name: str) -> dict[str, float]:
        g = groups.get(name, {})
        answerable, unanswerable = g.get("answerable", 0), g.get("unanswerable", 0)
        return {
            "top1": _rate(g.get("top1", 0), answerable),
            "top3": _rate(g.get("top3", 0), answerable),
            "no_answer_correct": _rate(g.get("no_answer_correct", 0), unanswerable),
            "false_no_answer": _rate(g.get("false_no_answer", 0), answerable),
        }

    result: dict[str, Any] = figures("all")
    result["curve"] = _curve(questions, answers)
    result["by_lang"] = {lang: figures(lang) for lang in sorted(groups) if lang != "all"}
    result["outcomes"] = outcomes
    return result


CURVE_OFFSETS = (-0.04, -0.02, 0.0, 0.02, 0.04)


def _curve(
    questions: list[dict[str, Any]], answers: list[dict[str, Any]]
) -> list[dict[str, float]]:
    """No-answer accuracy against false no-answers if "answered" meant confidence >= t, for
    a few t around the shipped line (t = 0): the other operating points of one threshold."""
    points = []
    answerable = [
        a["confidence"] for q, a in zip(questions, answers, strict=True) if q.get("article")
    ]
    unanswerable = [
        a["confidence"] for q, a in zip(questions, answers, strict=True) if not q.get("article")
    ]
    for at in CURVE_OFFSETS:
        points.append(
            {
                "at": at,
                "no_answer_correct": _rate(sum(c < at for c in unanswerable), len(unanswerable)),
                "false_no_answer": _rate(sum(c < at for c in answerable), len(answerable)),
            }
        )
    return points


def main() -> None:
    exit_cleanly_on_sigterm()
    args = _arguments()
    articles, questions = read_jsonl(args.articles), read_jsonl(args.questions)
    vendor = chosen_vendor(args.db)
    with (
        tempfile.TemporaryDirectory(prefix="sapa-bench-") as temp,
        fresh_database(vendor, var_dir=Path(temp), name=args.db_name) as database,
    ):
        env = sapa_environment(var_dir=Path(temp), database_url=database.url)
        if args.lexical:
            env["SAPA_EMBEDDINGS"] = "off"
        env["SAPA_SEARCH_TEXTID"] = "0" if args.no_textid else "1"
        prepare_instance(env)
        flags = ["--no-examples"] if args.no_examples else []
        base_of = import_articles(args.articles, articles, env, *flags)
        with running_server(env, workers=1) as server:
            log(f"asking {len(questions)} questions")
            answers = run_async(lambda: _ask_all(server.base_url, questions))
    result = score(questions, answers, base_of)
    outcomes = result.pop("outcomes")
    if args.details:
        args.details.write_text("\n".join(json.dumps(o, ensure_ascii=False) for o in outcomes))
    server_times = [a["server_s"] for a in answers]
    line = {
        "bench": "kb_search_eval",
        "db": vendor,
        "index": "without_examples" if args.no_examples else "with_examples",
        "textid": not args.no_textid,
        "semantic": not args.lexical,
        "articles": len(articles),
        "questions": len(questions),
        **result,
        "p50_ms": percentile_ms(server_times, 0.5),
        "p95_ms": percentile_ms(server_times, 0.95),
    }
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
