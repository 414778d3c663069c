"""A second opinion on the search's best article: which of its candidates is written most
like the question?

The search ranks by meaning (embeddings) with a little full text; near-duplicate articles
("refund to e-wallet" / "refund to a bank account") are where it goes wrong. Here only the
few candidates are compared, by character n-grams of their own lines (title, tags, the
editors' example questions, body lines) weighted by how rare each n-gram is *among these
candidates*: exactly what tells near-duplicates apart. When both opinions name the same
article, the bot can give it as the answer.
"""

from functools import lru_cache

import numpy as np
from scipy.sparse import csr_matrix, vstack  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import HashingVectorizer  # type: ignore[import-untyped]
from sklearn.preprocessing import normalize  # type: ignore[import-untyped]

from sapa.bot.nlu.intents import features_text
from sapa.kb.models import Article
from sapa.kb.search import plain_lines

# Body lines shorter than this many words (headings, list stubs) say little.
MIN_LINE_WORDS = 3
# Character n-grams within words, hashed (no vocabulary to fit: each article's rows are
# computed once and kept; the weights are computed per question over its candidates).
_NGRAMS = HashingVectorizer(
    analyzer="char_wb",
    ngram_range=(2, 5),
    n_features=2**20,
    alternate_sign=False,
    norm=None,
    lowercase=False,
)


def _counts(texts: list[str]) -> csr_matrix:
    """Sublinear term frequencies (1 + log count) of each text's n-grams."""
    matrix = csr_matrix(_NGRAMS.transform(texts), dtype=np.float64)
    matrix.data = 1.0 + np.log(matrix.data)
    return matrix


@lru_cache(maxsize=2048)
def _line_counts(
    title: str, tags: tuple[str, ...], examples: tuple[str, ...], body: str
) -> csr_matrix | None:
    """One row per line of an article (cached: the same articles come back)."""
    body_lines = [line for line in plain_lines(body) if len(line.split()) >= MIN_LINE_WORDS]
    texts = [features_text(t) for t in [title, " ".join(tags), *examples, *body_lines]]
    texts = [t for t in texts if t.strip()]
    return _counts(texts) if texts else None


def article_rows(article: Article) -> csr_matrix | None:
    return _line_counts(
        article.title,
        tuple(str(tag) for tag in article.tags or ()),
        tuple(str(example) for example in article.examples or ()),
        article.body,
    )


def closest_by_wording(text: str, articles: list[Article]) -> int | None:
    """The position in `articles` of the one whose lines, on average, share the most
    telling character n-grams with `text` (TF-IDF with the candidates' lines as the
    corpus); None when nothing can be compared."""
    blocks: list[csr_matrix] = []
    owners: list[int] = []
    for position, article in enumerate(articles):
        rows = article_rows(article)
        if rows is not None:
            blocks.append(rows)
            owners.extend([position] * rows.shape[0])
    query_text = features_text(text)
    if len(set(owners)) < 2 or not query_text.strip():
        return None
    lines = vstack(blocks, format="csr")
    # Smoothed inverse document frequency over the candidates' lines, for the n-grams
    # they have (a question's other n-grams are left out, as a fitted vocabulary would).
    columns, document_frequency = np.unique(lines.indices, return_counts=True)
    idf = np.log((1 + lines.shape[0]) / (1 + document_frequency)) + 1.0
    lines.data = lines.data * idf[np.searchsorted(columns, lines.indices)]
    matrix = normalize(lines)
    query = _counts([query_text])
    position = np.minimum(np.searchsorted(columns, query.indices), len(columns) - 1)
    known = columns[position] == query.indices
    query.data = np.where(known, query.data * idf[position], 0.0)
    query.eliminate_zeros()
    if not query.nnz:
        return None
    query = normalize(query)
    # Each article's centroid: the mean of its lines' rows.
    counts = np.bincount(owners, minlength=len(articles)).astype(np.float64)
    shares = 1.0 / np.maximum(counts[owners], 1.0)
    membership = csr_matrix(
        (shares, (owners, np.arange(len(owners)))), shape=(len(articles), len(owners))
    )
    centroids = normalize(membership @ matrix)
    scores = np.asarray((centroids @ query.T).todense()).ravel()
    if not np.any(scores > 0):
        return None
    return int(np.argmax(scores))
