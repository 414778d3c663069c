"""Fill a Sapa database with a large help center for the search-speed benchmark.

Run as a script in the benchmark's environment (DATABASE_URL, SAPA_VAR_DIR):

    python bench/_kb_corpus.py ARTICLES_JSON COUNT SEED

ARTICLES_JSON is the demo help center (categories → sections → articles). COUNT articles
are made from them: article i is source article i mod n with its paragraphs shuffled, a
numbered title and a sentence of words drawn from the whole corpus, so that every article
is different text for the full-text engine. The source articles are embedded for real;
each variant gets its source's vector with a little noise (embedding 10,000 texts would
take the better part of an hour on two cores, and it is not what this benchmark times).
"""

import json
import random
import sys
from pathlib import Path

import django

django.setup()

import numpy as np  # noqa: E402
from django.db import transaction  # noqa: E402

from sapa.kb.indexing import (  # noqa: E402
    bump_version,
    passage_text,
    refresh_statistics,
    write_fulltext,
)
from sapa.kb.models import Article, ArticleEmbedding, ArticleStatus, Category, Section  # noqa: E402
from sapa.kb.rendering import render_markdown  # noqa: E402
from sapa.semantic import get_embedders, vector_to_bytes  # noqa: E402


def main() -> None:
    path, count, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    data = json.loads(path.read_text(encoding="utf-8"))
    sources = [
        article
        for category in data["categories"]
        for section in category["sections"]
        for article in section["articles"]
    ]
    category = Category.objects.create(slug="bench", name="Bench")
    section = Section.objects.create(category=category, slug="bench", name="Bench")
    vocabulary = sorted({w for a in sources for w in a["body"].split() if w.isalpha()})
    texts = [f"{a['title']}. {', '.join(a['tags'])}. {a['body']}" for a in sources]
    source_vectors = {embedder: embedder.passages(texts) for embedder in get_embedders()}
    noise = np.random.default_rng(seed)
    batch: list[Article] = []
    for number in range(count):
        source = sources[number % len(sources)]
        paragraphs = source["body"].split("\n\n")
        rng.shuffle(paragraphs)
        extra = " ".join(rng.choice(vocabulary) for _ in range(12))
        body = "\n\n".join(paragraphs) + f"\n\n{extra}."
        title = f"{source['title']} #{number}"
        batch.append(
            Article(
                section=section,
                lang="id",
                title=title,
                slug=f"artikel-{number}",
                body=body,
                body_html=render_markdown(body),
                tags=source["tags"],
                examples=source["examples"],
                status=ArticleStatus.PUBLISHED,
            )
        )
    with transaction.atomic():
        Article.objects.bulk_create(batch, batch_size=500)
        for article in Article.objects.filter(section=section).order_by("pk").iterator(500):
            write_fulltext(article)
        stored = list(Article.objects.filter(section=section).order_by("pk"))
        for embedder, vectors in source_vectors.items():
            rows = []
            for index, article in enumerate(stored):
                vector = vectors[index % len(sources)]
                vector = vector + noise.normal(0, 0.01, vector.shape)
                vector = (vector / np.linalg.norm(vector)).astype(np.float32)
                rows.append(
                    ArticleEmbedding(
                        article=article,
                        kind=ArticleEmbedding.Kind.PASSAGE,
                        model=embedder.name,
                        text_hash=str(hash(passage_text(article))),
                        vector=vector_to_bytes(vector),
                    )
                )
            ArticleEmbedding.objects.bulk_create(rows, batch_size=1000)
        bump_version()
    refresh_statistics()
    print(count)


if __name__ == "__main__":
    main()
