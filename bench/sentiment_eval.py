"""Benchmark: sentiment of customer comments, through the code the surveys use.

Runs every text of `--texts` (JSON lines: text, label in positive / neutral / negative)
through `sapa.engagement.sentiment.classify`, one comment at a time, timed after a warm-up
that loads the model.

    .venv/bin/python bench/sentiment_eval.py --texts FILE.jsonl

Prints one JSON line: n, accuracy, macro_f1, recall per class, p50_ms / p95_ms of one
classify call.
"""

import argparse
import json
import sys
import time
from pathlib import Path

from _http_load import percentile_ms
from sapa.engagement.sentiment import LABELS, classify


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", required=True, type=Path)
    return parser.parse_args()


def _read(path: Path) -> list[dict[str, str]]:
    records = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if record["label"] not in LABELS:
                raise SystemExit(f"unknown label {record['label']!r} in {path}")
            records.append({"text": str(record["text"]), "label": record["label"]})
    return records


def _score(gold: list[str], predicted: list[str]) -> dict[str, object]:
    recall, f1s = {}, []
    for label in LABELS:
        true_positive = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        actual = sum(g == label for g in gold)
        claimed = sum(p == label for p in predicted)
        label_recall = true_positive / actual if actual else 0.0
        precision = true_positive / claimed if claimed else 0.0
        recall[label] = round(label_recall, 4)
        total = precision + label_recall
        f1s.append(2 * precision * label_recall / total if total else 0.0)
    correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    return {
        "accuracy": round(correct / len(gold), 4) if gold else 0.0,
        "macro_f1": round(sum(f1s) / len(f1s), 4),
        "recall": recall,
    }


def main() -> None:
    arguments = _arguments()
    records = _read(arguments.texts)
    print(f"{len(records)} texts from {arguments.texts}", file=sys.stderr)
    for warm in ("pelayanannya cepat dan ramah", "barang rusak, kecewa", "paket diterima"):
        classify(warm)
    predicted, seconds = [], []
    for number, record in enumerate(records, start=1):
        started = time.perf_counter()
        predicted.append(classify(record["text"]).label)
        seconds.append(time.perf_counter() - started)
        if number % 500 == 0:
            print(f"{number}/{len(records)}", file=sys.stderr)
    result = {
        "bench": "sentiment_eval",
        "n": len(records),
        **_score([r["label"] for r in records], predicted),
        "p50_ms": percentile_ms(seconds, 0.50),
        "p95_ms": percentile_ms(seconds, 0.95),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
