"""Benchmark: the bot's understanding on an evaluation set, through the real bot engine.

Loads `--articles` (JSON lines as for kb_search_eval.py) with `sapa kb import` into a fresh
database, then sends every message of `--utterances` (JSON lines: text, lang, intent,
article or null, entities) as the first message of a new chat conversation
(`receive_inbound`) and lets the bot answer it (`sapa.bot.engine.respond`), in this process.
A translation's id counts as its original's (`a01-en` is `a01`).

    .venv/bin/python bench/bot_eval.py --articles A.jsonl --utterances U.jsonl \
        [--db sqlite|postgres] [--lexical] [--details FILE]

Prints one JSON line: intent_accuracy, intent_macro_f1, per_intent (precision, recall),
by_lang; faq_top1 (the bot answered a FAQ message with its article), confidently_wrong
(an article answer to a FAQ message with another article, or to an out-of-scope one, over
both), wrong_article_on_faq and answered_out_of_scope; entity_exact (over all messages)
and entity_exact_with_entities; p50_ms / p95_ms of a whole turn (receive + respond, and
each part); and `curve`: FAQ top-1 against confidently-wrong if the answer line were at
other points (search confidence x either a margin over the runner-up or "wording", the
shipped second opinion: the candidates' wording, or the margin where their languages
differ), the shipped one marked.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _bot_scoring import score, threshold_curve
from _database import add_database_arguments, chosen_vendor, fresh_database
from _http_load import percentile_ms
from _kb_eval_set import import_articles, read_jsonl
from _server import exit_cleanly_on_sigterm, log, run_sapa, sapa_environment


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--articles", required=True, type=Path)
    parser.add_argument("--utterances", required=True, type=Path)
    parser.add_argument("--lexical", action="store_true", help="no embeddings: full text only")
    parser.add_argument("--details", type=Path, help="write each message's outcome here")
    return parser.parse_args()


def _converse(utterances: list[dict[str, Any]], base_of: dict[int, str]) -> list[dict[str, Any]]:
    """Each utterance as a new conversation's first message; the bot's turn, timed."""
    from sapa.bot.engine import respond
    from sapa.bot.nlu import understand
    from sapa.bot.nlu.understanding import second_opinion_agrees
    from sapa.channels.kinds import IdentityKind
    from sapa.channels.messages import Address, InboundMessage
    from sapa.conversations.actions import receive_inbound

    # Train the classifier, load the models and the search snapshot before timing.
    for warm in ("halo", "cara bayar pakai transfer?", "where is my order 12345?"):
        understand(warm)
    outcomes = []
    for number, utterance in enumerate(utterances):
        message = InboundMessage(
            channel="chat",
            external_id=f"bot-eval-{number}",
            addresses=(Address(IdentityKind.CHAT_VISITOR, f"bot-eval-visitor-{number}"),),
            text=utterance["text"],
        )
        started = time.perf_counter()
        received = receive_inbound(message)
        responding = time.perf_counter()
        turn = respond(received.message_id)
        finished = time.perf_counter()
        # Not timed: the same understanding again (the query vectors are cached) for the
        # threshold curve, which needs the search's confidence and margin.
        nlu = understand(utterance["text"])
        scores = [hit.score for hit in nlu.hits[:2]]
        outcomes.append(
            {
                "text": utterance["text"],
                "intent": turn.intent,
                "article": base_of.get(turn.article_id) if turn.article_id else None,
                "entities": dict(turn.entities),
                "handed_off": turn.handed_off,
                "top": base_of.get(nlu.hits[0].article.pk) if nlu.hits else None,
                "kb_confidence": nlu.kb_confidence,
                "margin": scores[0] - scores[1] if len(scores) == 2 else 1.0,
                "wording_agrees": second_opinion_agrees(utterance["text"], nlu.hits, lang=nlu.lang),
                "turn_s": finished - started,
                "receive_s": responding - started,
                "respond_s": finished - responding,
            }
        )
    return outcomes


def main() -> None:
    exit_cleanly_on_sigterm()
    args = _arguments()
    articles, utterances = read_jsonl(args.articles), read_jsonl(args.utterances)
    vendor = chosen_vendor(args.db)
    with (
        tempfile.TemporaryDirectory(prefix="sapa-bench-") as temp,
        fresh_database(vendor, var_dir=Path(temp), name=args.db_name) as database,
    ):
        env = sapa_environment(var_dir=Path(temp), database_url=database.url)
        if args.lexical:
            env["SAPA_EMBEDDINGS"] = "off"
        log("sapa migrate")
        run_sapa("migrate", "--no-input", "--verbosity", "0", env=env)
        base_of = import_articles(args.articles, articles, env)
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connections

        from sapa.bot.nlu.understanding import ANSWER_CONFIDENCE

        log(f"sending {len(utterances)} messages")
        outcomes = _converse(utterances, base_of)
        connections.close_all()
    result = score(utterances, outcomes)
    if args.details:
        rows = [
            {**o, "gold_intent": u["intent"], "gold_article": u.get("article")}
            for u, o in zip(utterances, outcomes, strict=True)
        ]
        args.details.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    line = {
        "bench": "bot_eval",
        "db": vendor,
        "semantic": not args.lexical,
        "n": len(utterances),
        **result,
        "p50_ms": percentile_ms([o["turn_s"] for o in outcomes], 0.5),
        "p95_ms": percentile_ms([o["turn_s"] for o in outcomes], 0.95),
        "respond_p50_ms": percentile_ms([o["respond_s"] for o in outcomes], 0.5),
        "respond_p95_ms": percentile_ms([o["respond_s"] for o in outcomes], 0.95),
        "receive_p95_ms": percentile_ms([o["receive_s"] for o in outcomes], 0.95),
        "curve": threshold_curve(utterances, outcomes, shipped=(ANSWER_CONFIDENCE, "wording")),
    }
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
