"""Evaluation sets in the shared format (JSON lines) and their articles, imported into a
fresh instance the way an operator would (`sapa kb import`)."""

import json
from pathlib import Path
from typing import Any

from _server import log, run_sapa


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def import_articles(
    path: Path, articles: list[dict[str, Any]], env: dict[str, str], *flags: str
) -> dict[int, str]:
    """Import the articles; returns each Article pk's set id, a translation's mapped to its
    original's (`a01-en` -> `a01`), as the sets label answers."""
    log(f"importing {len(articles)} articles")
    ids = json.loads(run_sapa("kb", "import", str(path), *flags, env=env))
    original = {a["id"]: a.get("translation_of") or a["id"] for a in articles}
    return {pk: original[external] for external, pk in ids.items()}
