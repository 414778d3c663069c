"""Scoring the bot's outcomes against a labelled utterance set (bench/bot_eval.py).

Each outcome has the bot's `intent`, the base id of the `article` it answered with (None
when it gave no article as the answer) and the `entities` it extracted; for the threshold
curve also `top` (the search's best article), `kb_confidence`, `margin` (its score over
the runner-up's) and `wording_agrees` (the bot's second opinion, sapa.bot.nlu.understanding's
`second_opinion_agrees`, names the same article).
"""

from typing import Any

FAQ = "faq"
OUT_OF_SCOPE = "out_of_scope"
# The other operating points of the answer line shown in the curve.
CURVE_CONFIDENCES = (-0.02, 0.0, 0.02, 0.04)
CURVE_SECOND_OPINIONS: tuple[float | str, ...] = (0.0, 0.01, 0.02, 0.03, "wording")


def _rate(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else float("nan")


def _intent_figures(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    labels = sorted({gold for gold, _ in pairs} | {predicted for _, predicted in pairs})
    per_intent: dict[str, dict[str, float]] = {}
    f1s = []
    for label in labels:
        true_positive = sum(1 for g, p in pairs if g == label and p == label)
        predicted = sum(1 for _, p in pairs if p == label)
        actual = sum(1 for g, _ in pairs if g == label)
        precision = true_positive / predicted if predicted else 0.0
        recall = true_positive / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if actual:
            f1s.append(f1)
            per_intent[label] = {
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "n": actual,
            }
    return {
        "intent_accuracy": _rate(sum(g == p for g, p in pairs), len(pairs)),
        "intent_macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else float("nan"),
        "per_intent": per_intent,
    }


def _answers(utterances: list[dict[str, Any]], answered: list[str | None]) -> dict[str, float]:
    faq_total = sum(1 for u in utterances if u["intent"] == FAQ)
    oos_total = sum(1 for u in utterances if u["intent"] == OUT_OF_SCOPE)
    right = wrong = out_of_scope = 0
    for utterance, article in zip(utterances, answered, strict=True):
        if utterance["intent"] == FAQ and article is not None:
            right += article == utterance.get("article")
            wrong += article != utterance.get("article")
        elif utterance["intent"] == OUT_OF_SCOPE and article is not None:
            out_of_scope += 1
    return {
        "faq_top1": _rate(right, faq_total),
        "confidently_wrong": _rate(wrong + out_of_scope, faq_total + oos_total),
        "wrong_article_on_faq": _rate(wrong, faq_total),
        "answered_out_of_scope": _rate(out_of_scope, oos_total),
    }


def score(utterances: list[dict[str, Any]], outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    pairs = [(u["intent"], o["intent"]) for u, o in zip(utterances, outcomes, strict=True)]
    result = _intent_figures(pairs)
    result.update(_answers(utterances, [o["article"] for o in outcomes]))
    exact = [o["entities"] == u["entities"] for u, o in zip(utterances, outcomes, strict=True)]
    with_entities = [e for e, u in zip(exact, utterances, strict=True) if u["entities"]]
    result["entity_exact"] = _rate(sum(exact), len(exact))
    result["entity_exact_with_entities"] = _rate(sum(with_entities), len(with_entities))
    result["entities_per_kind"] = _entity_kinds(utterances, outcomes)
    by_lang: dict[str, Any] = {}
    for lang in sorted({u.get("lang") or "id" for u in utterances}):
        chosen = [i for i, u in enumerate(utterances) if (u.get("lang") or "id") == lang]
        figures = _intent_figures([pairs[i] for i in chosen])
        figures.pop("per_intent")
        figures.update(
            _answers([utterances[i] for i in chosen], [outcomes[i]["article"] for i in chosen])
        )
        figures["n"] = len(chosen)
        by_lang[lang] = figures
    result["by_lang"] = by_lang
    return result


def _entity_kinds(
    utterances: list[dict[str, Any]], outcomes: list[dict[str, Any]]
) -> dict[str, dict[str, float]]:
    kinds = sorted({k for u in utterances for k in u["entities"]})
    figures = {}
    for kind in kinds:
        gold = [u["entities"].get(kind) for u in utterances]
        found = [o["entities"].get(kind) for o in outcomes]
        right = sum(1 for g, f in zip(gold, found, strict=True) if f is not None and f == g)
        figures[kind] = {
            "precision": _rate(right, sum(f is not None for f in found)),
            "recall": _rate(right, sum(g is not None for g in gold)),
        }
    return figures


def threshold_curve(
    utterances: list[dict[str, Any]],
    outcomes: list[dict[str, Any]],
    *,
    shipped: tuple[float, float | str],
) -> list[dict[str, Any]]:
    """FAQ top-1 and confidently-wrong if an answer were given for every message the bot
    took for a question (`faq`) whose search confidence reaches each point and which passes
    the second opinion: a score margin over the runner-up, or "wording" agreement."""

    def passes(outcome: dict[str, Any], confidence: float, second: float | str) -> bool:
        if outcome["intent"] != FAQ or outcome["top"] is None:
            return False
        if outcome["kb_confidence"] < confidence:
            return False
        if second == "wording":
            return bool(outcome["wording_agrees"])
        return bool(outcome["margin"] >= float(second))

    points = []
    for confidence in CURVE_CONFIDENCES:
        for second in CURVE_SECOND_OPINIONS:
            answered = [o["top"] if passes(o, confidence, second) else None for o in outcomes]
            figures = _answers(utterances, answered)
            point: dict[str, Any] = {"confidence": confidence, "second": second}
            point["faq_top1"] = figures["faq_top1"]
            point["confidently_wrong"] = figures["confidently_wrong"]
            if (confidence, second) == shipped:
                point["shipped"] = True
            points.append(point)
    return points
