"""Benchmark: how fast sapa.textid analyses real text (tokens per second).

Reads JSON lines with a "text" (or "q") field — by default the sentiment-dev reviews and
the kb-eval questions under ../shared/data — and runs `analyse` over all of them twice:
cold (empty stemming cache) and warm (the cache filled, as in a running process).

    .venv/bin/python bench/textid_speed.py [FILE.jsonl ...]

Prints one JSON line on stdout.
"""

import json
import sys
import time
from pathlib import Path

from sapa.textid import analyse
from sapa.textid.normalise import normalise, tokenise
from sapa.textid.stemming import stem

DEFAULT_FILES = [
    "../shared/data/sentiment-dev/smsa-train.jsonl",
    "../shared/data/kb-eval/questions.jsonl",
]


def _texts(paths: list[str]) -> list[str]:
    texts = []
    for path in paths:
        for line in Path(path).read_text("utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                texts.append(str(record.get("text") or record.get("q") or ""))
    return texts


def _run(texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        analyse(text)
    return time.perf_counter() - started


def main() -> None:
    paths = sys.argv[1:] or DEFAULT_FILES
    texts = _texts(paths)
    tokens = sum(len(tokenise(normalise(t))) for t in texts)
    stem.cache_clear()
    cold = _run(texts)
    warm = _run(texts)
    print(
        json.dumps(
            {
                "bench": "textid_speed",
                "texts": len(texts),
                "tokens": tokens,
                "cold_tokens_per_s": round(tokens / cold),
                "warm_tokens_per_s": round(tokens / warm),
                "warm_us_per_text": round(warm / len(texts) * 1e6, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
