"""One search over the knowledge base, for the help center, the portal, the console and the
bot: `search(query, lang=..., audience=...)`.

1. The query is analysed by textid (slang expanded, stopwords dropped, Indonesian stemmed).
   A term no article contains is corrected to the nearest indexed term when it is one or
   two edits away ("pengirman" → "kirim"): typo tolerance at the cost of one fuzzy lookup.
2. The database's full-text engine ranks the articles that share a term (FTS5 BM25 or
   PostgreSQL ts_rank, title and keywords weighted above the body).
3. With embedders loaded (sapa.semantic), every visible article is also scored by cosine
   similarity of the query to its text and to its example questions (multilingual: an
   English question meets an Indonesian article), centred per article language. The final
   score is the models' weighted similarities plus a small weight times the full-text
   score scaled to the best one of this query.
4. One hit per translation group, in the asked language where a translation exists.
5. `confidence` says how sure the best hit is (>= 0: `answered`): how far its text's
   similarity is above each model's measured line, or, without embedders, whether enough
   of the query's terms are in it. One rule for every query.
"""

import functools
import html
import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from sapa.kb.analysis import terms as query_terms
from sapa.kb.analysis import translated_terms
from sapa.kb.analysis import words as query_words
from sapa.kb.fulltext import fulltext
from sapa.kb.indexing import current_version
from sapa.kb.models import Article, ArticleEmbedding, ArticleStatus
from sapa.semantic import Embedder, get_embedders, vector_from_bytes

# Weight of the full-text score (scaled to 0..1 within a query and article language)
# added to the models' weighted similarities.
LEXICAL_WEIGHT = 0.08
# Without an embedder: the share of the query's terms the best hit must contain.
LEXICAL_CONFIDENCE = 0.6
# How many full-text matches are fused with the similarities.
CANDIDATES = 100
# Engines that rank a given set of articles cheaply (PostgreSQL) rank only this many of
# the semantically best when the models take part.
SEMANTIC_CANDIDATES = 300


class Audience(StrEnum):
    PUBLIC = "public"  # the help center, the portal, the bot, anonymous API callers
    AGENTS = "agents"  # also internal articles


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float
    title_html: str
    snippet_html: str


@dataclass(frozen=True)
class SearchResult:
    query: str
    lang: str
    hits: list[Hit]
    answered: bool
    # Over 0: the best hit is probably the answer (the scale is the models' similarity,
    # or the share of query terms found without them). `answered` is confidence >= 0.
    confidence: float
    # The query's words after typo correction ("did you mean"), when one was corrected.
    corrected: str | None
    semantic: bool


@dataclass
class _Vectors:
    """One embedder's vectors of the published articles."""

    ids: np.ndarray  # distinct article ids with vectors, position = column of scores
    matrix: np.ndarray  # one row per vector
    rows: np.ndarray  # position in `ids` of each row
    is_example: np.ndarray  # bool per row
    positions: np.ndarray  # position of each of `ids` in the snapshot's `ids`


@dataclass
class _Snapshot:
    """What one process keeps in memory between index changes."""

    version: str
    models: tuple[str, ...]
    # Indexed terms, and the words as written (what a misspelt word is corrected to).
    terms: frozenset[str]
    words: list[str]
    words_set: frozenset[str]
    # Article metadata: id → (visible to the public, visible to agents, lang, root id).
    articles: dict[int, tuple[bool, bool, str, int]]
    vectors: dict[str, _Vectors]
    # Inverse document frequency of each indexed term (for engines that rank without it),
    # and how many articles have it.
    rarity: dict[str, float]
    frequency: Counter[str]
    # The published articles each audience may see, and (group root, lang) → article.
    public_ids: frozenset[int]
    all_ids: frozenset[int]
    by_group_lang: dict[tuple[int, str], int]
    # The same as arrays, one position per published article, for ranking with numpy.
    ids: np.ndarray
    index: dict[int, int]
    lang_codes: np.ndarray
    public_mask: np.ndarray
    members: dict[int, list[int]]  # group root → positions of its articles

    def visible(self, include_internal: bool) -> frozenset[int]:
        return self.all_ids if include_internal else self.public_ids

    def mask(self, include_internal: bool) -> np.ndarray:
        return np.ones(len(self.ids), dtype=bool) if include_internal else self.public_mask


_lock = threading.Lock()
_snapshot: _Snapshot | None = None


def _load_vectors(model: str, article_ids: list[int], index: dict[int, int]) -> _Vectors:
    vectors: list[np.ndarray] = []
    owners: list[int] = []
    examples: list[bool] = []
    rows = ArticleEmbedding.objects.filter(model=model, article_id__in=article_ids)
    for article_id, kind, blob in rows.values_list("article_id", "kind", "vector"):
        vectors.append(vector_from_bytes(bytes(blob)))
        owners.append(article_id)
        examples.append(kind == ArticleEmbedding.Kind.EXAMPLE)
    ids = np.array(sorted(set(owners)), dtype=np.int64)
    position = {int(pk): i for i, pk in enumerate(ids)}
    return _Vectors(
        ids=ids,
        matrix=np.vstack(vectors) if vectors else np.zeros((0, 1), dtype=np.float32),
        rows=np.array([position[o] for o in owners], dtype=np.int64),
        is_example=np.array(examples, dtype=bool),
        positions=np.array([index[int(pk)] for pk in ids], dtype=np.int64),
    )


def _load_snapshot(version: str, models: tuple[str, ...]) -> _Snapshot:
    articles: dict[int, tuple[bool, bool, str, int]] = {}
    words: set[str] = set()
    frequency: Counter[str] = Counter()
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    for pk, internal, lang, original, t, k, b, w in published.values_list(
        "pk",
        "internal",
        "lang",
        "translation_of_id",
        "index_title",
        "index_keywords",
        "index_body",
        "index_words",
    ):
        articles[pk] = (not internal, True, lang, original or pk)
        frequency.update({*t.split(), *k.split(), *b.split()})
        words.update(w.split())
    count = len(articles)
    ids = np.array(sorted(articles), dtype=np.int64)
    index = {int(pk): i for i, pk in enumerate(ids)}
    languages = sorted({meta[2] for meta in articles.values()})
    members: dict[int, list[int]] = {}
    for pk, meta in articles.items():
        members.setdefault(meta[3], []).append(index[pk])
    return _Snapshot(
        version=version,
        models=models,
        terms=frozenset(frequency),
        words=sorted(words),
        words_set=frozenset(words),
        articles=articles,
        vectors={model: _load_vectors(model, list(articles), index) for model in models},
        rarity={
            term: math.log(1 + (count - df + 0.5) / (df + 0.5)) for term, df in frequency.items()
        },
        frequency=frequency,
        public_ids=frozenset(pk for pk, meta in articles.items() if meta[0]),
        all_ids=frozenset(articles),
        by_group_lang={(meta[3], meta[2]): pk for pk, meta in articles.items()},
        ids=ids,
        index=index,
        lang_codes=np.array([languages.index(articles[int(pk)][2]) for pk in ids], dtype=np.int8),
        public_mask=np.array([articles[int(pk)][0] for pk in ids], dtype=bool),
        members=members,
    )


def _current_snapshot() -> _Snapshot:
    """The snapshot of the current index, with the vectors of every configured model
    (whether a search uses them or not: the help center mixes both kinds)."""
    models = tuple(e.name for e in get_embedders())
    global _snapshot
    version = current_version()
    snapshot = _snapshot
    if snapshot is not None and snapshot.version == version and snapshot.models == models:
        return snapshot
    with _lock:
        if _snapshot is None or _snapshot.version != version or _snapshot.models != models:
            _snapshot = _load_snapshot(version, models)
        return _snapshot


# In a large knowledge base, a term in more than this share of the articles is left out of
# the full-text query when the query has rarer ones: ranking every article that says "cara"
# costs more than the whole rest of a search, and such a term hardly moves BM25.
COMMON_TERM_SHARE = 0.05
COMMON_TERM_MIN_ARTICLES = 1000


def _telling(terms: list[str], snapshot: _Snapshot) -> list[str]:
    count = len(snapshot.ids)
    if count < COMMON_TERM_MIN_ARTICLES:
        return terms
    rare = [t for t in terms if snapshot.frequency.get(t, 0) <= count * COMMON_TERM_SHARE]
    return rare or sorted(terms, key=lambda t: snapshot.frequency.get(t, 0))[:2]


def _query_terms(query: str, snapshot: _Snapshot) -> tuple[list[str], list[str], str | None]:
    """(terms as analysed, terms to search, the corrected words or None). A word whose
    terms no article has, and which is one edit (two from 7 letters) from a word some
    article has, is read as that word. An English query also searches the Indonesian
    words of its glossary terms."""
    analysed = list(dict.fromkeys(query_terms(query)))
    searched: list[str] = []
    spelled: list[str] = []
    changed = False
    for word in dict.fromkeys(query_words(query)):
        spelled.append(word)
        word_terms = list(query_terms(word))
        known = all(t in snapshot.terms for t in word_terms)
        if known or word in snapshot.words_set or len(word) < 4 or word.isdigit():
            searched.extend(word_terms)
            continue
        limit = 1 if len(word) < 7 else 2
        match = process.extractOne(
            word, snapshot.words, scorer=Levenshtein.distance, score_cutoff=limit
        )
        if match is None:
            searched.extend(word_terms)
        else:
            searched.extend(query_terms(match[0]))
            spelled[-1] = match[0]
            changed = True
    searched.extend(translated_terms(query))
    return analysed, list(dict.fromkeys(searched)), " ".join(spelled) if changed else None


@dataclass(frozen=True)
class _Similarity:
    """One model's similarities, one entry per snapshot position (NaN: no vector)."""

    # The mean of an article's text's and best example's similarity (the text's alone
    # without examples), for ranking.
    ranking: np.ndarray
    # The text's alone, for judging "no answer" the same way with or without examples.
    text: np.ndarray


def _similarities(snapshot: _Snapshot, vectors: _Vectors, query_vector: np.ndarray) -> _Similarity:
    count = len(snapshot.ids)
    ranking = np.full(count, np.nan, dtype=np.float32)
    text = np.full(count, np.nan, dtype=np.float32)
    if not len(vectors.rows):
        return _Similarity(ranking, text)
    sims = vectors.matrix @ query_vector
    passage = np.full(len(vectors.ids), -np.inf, dtype=np.float32)
    example = np.full(len(vectors.ids), -np.inf, dtype=np.float32)
    np.maximum.at(passage, vectors.rows[~vectors.is_example], sims[~vectors.is_example])
    np.maximum.at(example, vectors.rows[vectors.is_example], sims[vectors.is_example])
    # An example alone would over-reward one lucky phrasing: the mean with the text.
    combined = np.where(np.isfinite(example), (passage + example) / 2, passage)
    has_text = np.isfinite(passage)
    ranking[vectors.positions[has_text]] = combined[has_text]
    text[vectors.positions[has_text]] = passage[has_text]
    return _Similarity(ranking, text)


def _per_language(
    scores: np.ndarray, snapshot: _Snapshot, mask: np.ndarray, *, centre: bool
) -> np.ndarray:
    """Scores made comparable across article languages. A question is more similar to any
    text in its own language, so an English question would prefer whatever has an English
    translation: `centre` subtracts each language's mean; otherwise each language's scores
    are divided by that language's best (full-text scores). NaN (no score) stays NaN."""
    result = scores.copy()
    for code in np.unique(snapshot.lang_codes):
        same = (snapshot.lang_codes == code) & mask & ~np.isnan(scores)
        if not same.any():
            continue
        if centre:
            result[same] -= scores[same].mean()
        else:
            best = scores[same].max()
            if best > 0:
                result[same] /= best
    return result


def search(
    query: str,
    *,
    lang: str = "id",
    audience: Audience = Audience.PUBLIC,
    limit: int = 10,
    semantic: bool = True,
) -> SearchResult:
    """The best articles for `query`, shown in `lang` where a translation exists."""
    query = query.strip()[:500]
    embedders = get_embedders() if semantic and query else ()
    snapshot = _current_snapshot()
    analysed, terms, corrected = _query_terms(query, snapshot)
    include_internal = audience == Audience.AGENTS
    visible = snapshot.visible(include_internal)
    mask = snapshot.mask(include_internal)
    similarities = {
        embedder.name: _similarities(
            snapshot, snapshot.vectors[embedder.name], embedder.query(query)
        )
        for embedder in embedders
    }
    semantic_used = any((~np.isnan(s.ranking) & mask).any() for s in similarities.values())
    fused = np.zeros(len(snapshot.ids), dtype=np.float32)
    eligible = np.zeros(len(snapshot.ids), dtype=bool)
    if semantic_used:
        for embedder in embedders:
            ranking = similarities[embedder.name].ranking
            eligible |= ~np.isnan(ranking)
            centred = _per_language(ranking, snapshot, mask, centre=True)
            fused += embedder.weight * np.nan_to_num(centred, nan=0.0)
    engine = fulltext()
    among = None
    if semantic_used and engine.restricts_cheaply:
        # The full-text score only moves the order of the semantically likely articles a
        # little: rank those, not every article that shares a word with the query.
        likely = np.where(eligible & mask, fused, -np.inf)
        top = np.argpartition(-likely, min(SEMANTIC_CANDIDATES, len(likely) - 1))
        among = [int(snapshot.ids[i]) for i in top[:SEMANTIC_CANDIDATES] if likely[i] > -np.inf]
    matches = engine.match(
        _telling(terms, snapshot),
        include_internal=include_internal,
        limit=CANDIDATES,
        rarity=snapshot.rarity,
        among=among,
    )
    lexical = np.full(len(snapshot.ids), np.nan, dtype=np.float32)
    for pk, score in matches:
        if pk in snapshot.index:
            lexical[snapshot.index[pk]] = score
    eligible |= ~np.isnan(lexical)
    if semantic_used:
        scaled = _per_language(lexical, snapshot, mask, centre=False)
        fused += LEXICAL_WEIGHT * np.nan_to_num(scaled, nan=0.0)
    else:
        fused = np.nan_to_num(lexical, nan=0.0)
    scores = np.where(eligible & mask, fused, -np.inf)
    chosen = _one_per_group(scores, snapshot, lang, visible, limit)
    articles = Article.objects.select_related("section__category").in_bulk(
        [pk for pk, _s, _scored in chosen]
    )
    words = set(analysed) | set(terms)
    hits = [
        Hit(
            article=articles[pk],
            score=round(score, 4),
            title_html=highlight(articles[pk].title, words, articles[pk].lang),
            snippet_html=snippet(articles[pk].body, words, articles[pk].lang),
        )
        for pk, score, _scored in chosen
        if pk in articles
    ]
    confidence = 0.0
    if hits:
        best = chosen[0][2]
        if semantic_used:
            confidence = _semantic_confidence(best, embedders, similarities, snapshot)
        else:
            confidence = _lexical_confidence(hits[0].article, terms)
    return SearchResult(
        query=query,
        lang=lang,
        hits=hits,
        answered=bool(hits) and confidence >= 0,
        confidence=round(confidence, 4),
        corrected=corrected,
        semantic=semantic_used,
    )


def _one_per_group(
    scores: np.ndarray,
    snapshot: _Snapshot,
    lang: str,
    visible: frozenset[int],
    limit: int,
) -> list[tuple[int, float, int]]:
    """(article to show, score, article scored): the best of each translation group, best
    first. Sorts only the top of the scores unless translations crowd it."""
    ranked_count = int(np.isfinite(scores).sum())
    take = min(ranked_count, limit * 4 + 20)
    while True:
        if take < len(scores):
            top = np.argpartition(-scores, take - 1)[:take]
        else:
            top = np.arange(len(scores))
        order = top[np.argsort(-scores[top], kind="stable")]
        seen: set[int] = set()
        chosen: list[tuple[int, float, int]] = []
        for position in order.tolist():
            score = float(scores[position])
            if not np.isfinite(score):
                break
            pk = int(snapshot.ids[position])
            root = snapshot.articles[pk][3]
            if root in seen:
                continue
            seen.add(root)
            shown = snapshot.by_group_lang.get((root, lang), pk)
            chosen.append((shown if shown in visible else pk, score, pk))
            if len(chosen) == limit:
                return chosen
        if take >= ranked_count:
            return chosen
        take = min(ranked_count, take * 4)


def _semantic_confidence(
    best: int,
    embedders: Sequence[Embedder],
    similarities: dict[str, _Similarity],
    snapshot: _Snapshot,
) -> float:
    """How far the best hit's text is above each model's "probably the answer" line,
    averaged over the models (the best member of its translation group counts)."""
    group = snapshot.members[snapshot.articles[best][3]]
    margins = []
    for embedder in embedders:
        texts = similarities[embedder.name].text[group]
        if not np.isnan(texts).all():
            margins.append(float(np.nanmax(texts)) - embedder.confident_at)
    return float(np.mean(margins)) if margins else -1.0


def _lexical_confidence(article: Article, terms: list[str]) -> float:
    """Without vectors: the share of the query's terms in the hit, less LEXICAL_CONFIDENCE."""
    if not terms:
        return -1.0
    present = set(f"{article.index_title} {article.index_keywords} {article.index_body}".split())
    return sum(t in present for t in terms) / len(terms) - LEXICAL_CONFIDENCE


# --- Highlighting ---------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)
# Images and links keep their text; emphasis marks go; headings, quotes and table bars
# become spaces.
_MARKDOWN_MARKS = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|([*_`]+)|[#>|]+")


@functools.lru_cache(maxsize=50_000)
def _word_terms(word: str, lang: str) -> frozenset[str]:
    """The search terms one word of an article stands for (cached: articles repeat words)."""
    return frozenset(query_terms(word, language=lang)) | {word}


def _matches(word: str, terms: set[str], lang: str) -> bool:
    return not _word_terms(word.lower(), lang).isdisjoint(terms)


def highlight(text: str, terms: set[str], lang: str) -> str:
    """`text` escaped, with the words that match a query term in <mark>."""
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        word = match.group(0)
        if terms and _matches(word, terms, lang):
            out.append(f"<mark>{html.escape(word)}</mark>")
        else:
            out.append(html.escape(word))
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _unmark(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return match.group(1)
    return "" if match.group(2) else " "


def plain_lines(body: str) -> list[str]:
    text = _MARKDOWN_MARKS.sub(_unmark, body)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def snippet(body: str, terms: set[str], lang: str, *, width: int = 200) -> str:
    """The line of the body with the most query terms, cut to about `width` characters."""
    lines = plain_lines(body)[:30]
    if not lines:
        return ""
    best, best_count = lines[0], 0
    if terms:
        known: dict[str, bool] = {}
        for line in lines:
            count = 0
            for word in _WORD.findall(line):
                key = word.lower()
                hit = known.get(key)
                if hit is None:
                    hit = known[key] = not _word_terms(key, lang).isdisjoint(terms)
                count += hit
            if count > best_count:
                best, best_count = line, count
    if len(best) > width:
        best = best[:width].rsplit(" ", 1)[0] + " …"
    return highlight(best, terms, lang)


def related(article: Article, *, lang: str, limit: int = 5) -> list[Article]:
    """Public articles about the same thing as `article` (one per translation group, in
    `lang` where possible): nearest by the first model's text vectors, or, without
    vectors, by full text over its title and tags."""
    embedders = get_embedders()
    snapshot = _current_snapshot()
    scores = np.full(len(snapshot.ids), -np.inf, dtype=np.float32)
    vectors = snapshot.vectors.get(embedders[0].name) if embedders else None
    mine = np.empty(0, dtype=np.int64)
    if vectors is not None and len(vectors.rows):
        passages = ~vectors.is_example
        rows, matrix = vectors.rows[passages], vectors.matrix[passages]
        mine = np.flatnonzero(vectors.ids[rows] == article.pk)
        if len(mine):
            scores[vectors.positions[rows]] = matrix @ matrix[mine[0]]
    if not len(mine):
        terms = query_terms(" ".join([article.title, *article.tags]), language=article.lang)
        matches = fulltext().match(
            list(dict.fromkeys(terms)), include_internal=False, limit=50, rarity=snapshot.rarity
        )
        for pk, score in matches:
            if pk in snapshot.index:
                scores[snapshot.index[pk]] = score
    own_group = snapshot.articles.get(article.pk, (True, True, article.lang, article.root_id))[3]
    scores[snapshot.members.get(own_group, [])] = -np.inf
    scores[~snapshot.public_mask] = -np.inf
    chosen = _one_per_group(scores, snapshot, lang, snapshot.public_ids, limit)
    found = Article.objects.select_related("section").in_bulk([pk for pk, _s, _x in chosen])
    return [found[pk] for pk, _s, _x in chosen if pk in found]
