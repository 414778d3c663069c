"""Build the shipped sentiment model into src/sapa/engagement/sentiment/data/.

Trains on `--train` (JSON lines: text, label in positive / neutral / negative), chooses the
regularisation C by 5-fold cross-validation on the training set only, refits on all of it,
writes sentiment_model.npz, reloads it through `sapa.engagement.sentiment.classify` and
prints the accuracy on `--valid`. Deterministic: fixed folds and seeds.

    .venv/bin/python scripts/build_sentiment_model.py \
        --train ../shared/data/sentiment-dev/smsa-train.jsonl \
        --valid ../shared/data/sentiment-dev/smsa-valid.jsonl
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from sapa.engagement.sentiment import model as sentiment_model

CANDIDATE_C = (0.3, 0.5, 1.0)
SEED = 0
OUTPUT = Path(sentiment_model.__file__).parent / sentiment_model.MODEL_FILE


def _read(path: Path) -> tuple[list[str], np.ndarray]:
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [str(r["text"]) for r in records], np.asarray([str(r["label"]) for r in records])


def _fit(
    prepared: list[sentiment_model.Prepared], labels: np.ndarray, c: float
) -> sentiment_model.SentimentModel:
    words = sentiment_model.word_vectoriser()
    chars = sentiment_model.char_vectoriser()
    words.fit([p.marked for p in prepared])
    chars.fit([p.plain for p in prepared])
    matrix = sentiment_model.feature_matrix(prepared, words, chars)
    classifier = LinearSVC(C=c, class_weight="balanced", random_state=SEED, max_iter=5000)
    classifier.fit(matrix, labels)
    return sentiment_model.SentimentModel(
        words=words,
        chars=chars,
        coefficients=classifier.coef_,
        intercepts=classifier.intercept_,
        classes=[str(c) for c in classifier.classes_],
    )


def _predict(model: sentiment_model.SentimentModel, prepared: list) -> np.ndarray:
    rows = sentiment_model.feature_matrix(prepared, model.words, model.chars)
    scores = np.asarray(rows @ model.coefficients.T) + model.intercepts
    return np.asarray(model.classes)[np.argmax(scores, axis=1)]


def _cross_validated_c(prepared: list, labels: np.ndarray) -> float:
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    best_c, best_accuracy = CANDIDATE_C[0], -1.0
    for c in CANDIDATE_C:
        accuracies = []
        for train, held_out in folds.split(prepared, labels):
            fold_model = _fit([prepared[i] for i in train], labels[train], c)
            predicted = _predict(fold_model, [prepared[i] for i in held_out])
            accuracies.append(accuracy_score(labels[held_out], predicted))
        accuracy = float(np.mean(accuracies))
        print(f"C={c}: cross-validated accuracy {accuracy:.4f}", file=sys.stderr)
        if accuracy > best_accuracy:
            best_c, best_accuracy = c, accuracy
    return best_c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", required=True, type=Path)
    parser.add_argument("--valid", required=True, type=Path)
    parser.add_argument("--c", type=float, help="skip cross-validation and use this C")
    arguments = parser.parse_args()

    texts, labels = _read(arguments.train)
    prepared = [sentiment_model.prepare(t) for t in texts]
    c = arguments.c or _cross_validated_c(prepared, labels)
    model = _fit(prepared, labels, c)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUTPUT, **model.arrays())

    # Measure the file as shipped: reloaded, through the public classify().
    sentiment_model._model = None
    from sapa.engagement.sentiment import classify

    valid_texts, valid_labels = _read(arguments.valid)
    predicted = [classify(t).label for t in valid_texts]
    print(
        json.dumps(
            {
                "c": c,
                "features": int(model.coefficients.shape[1]),
                "model_bytes": OUTPUT.stat().st_size,
                "valid_accuracy": round(accuracy_score(valid_labels, predicted), 4),
                "valid_macro_f1": round(f1_score(valid_labels, predicted, average="macro"), 4),
            }
        )
    )


if __name__ == "__main__":
    main()
