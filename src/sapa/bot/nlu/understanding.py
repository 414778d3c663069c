"""One message in, what it means out: intent, identifiers, language, and for questions the
help-center article that answers it, with whether that answer is safe to give.

The classifier tells questions from everything else; the shop's own help center tells a
question it can answer (`faq`) from one it cannot (`out_of_scope`), so nothing here knows
any particular shop. An article is given as *the* answer only when the search is sure of
it on two counts: its similarity is above the models' "probably the answer" line, and the
candidates' own wording points at the same article (near-duplicate articles are the usual
wrong answer).
"""

from dataclasses import dataclass, field

from sapa.bot.nlu.entities import extract_entities
from sapa.bot.nlu.intents import COMPLAINT, FAQ, OUT_OF_SCOPE, get_classifier
from sapa.bot.nlu.sentiment import sounds_negative
from sapa.bot.nlu.wording import closest_by_wording
from sapa.kb.search import Hit, SearchResult, search
from sapa.textid import detect_language, normalise, tokenise

# How many articles the bot looks at for a question.
HITS = 5
# A question the classifier calls off-topic with at least this probability is not searched
# for: chit-chat ("cuaca besok gimana") would otherwise meet some article by chance.
CHIT_CHAT_PROBABILITY = 0.8
# Search confidence (sapa.kb.search: the best hit's similarity over the models' line)
# under which no article answers the question: out of scope. Read off the curve of
# bench/bot_eval.py: below it, answerable questions are rare.
ANSWERABLE_AT = -0.03
# The best hit is given as *the* answer (not as "maybe one of these") when the search
# calls it answered (confidence >= 0, its own line) and a second opinion names the same
# article: the wording of the candidates themselves (wording.py), when they are all
# written in the question's language; otherwise (an English question among Indonesian
# articles) a lead of ANSWER_MARGIN over the runner-up's score (sapa.kb.search's scale).
# Near-duplicate articles are the usual wrong answer, and the confidence alone hardly tells
# them apart. On the curve of bench/bot_eval.py (a bookshop's 175 questions) the wording
# keeps about 80 % of Indonesian FAQ answers at about 2 % wrong; margins of 0.01 / 0.02 /
# 0.03 keep 81 / 76 / 67 % of all at 6.3 / 5.1 / 1.7 % wrong: 0.03 is the first point
# under the 3 % a wrong answer may cost.
ANSWER_CONFIDENCE = 0.0
ANSWER_MARGIN = 0.03
# The complaint probability from which a message counts as negative on its own.
NEGATIVE_COMPLAINT_PROBABILITY = 0.5


@dataclass(frozen=True)
class Understanding:
    # order_status | faq | human | complaint | greeting | thanks | goodbye | out_of_scope
    intent: str
    # The classifier's probability for `intent`; for faq and out_of_scope, which the help
    # center tells apart, that of either (the message is a question).
    confidence: float
    # Normalised identifiers: order_number, email, phone, tracking_number.
    entities: dict[str, str]
    lang: str  # "id" | "en"
    # Help-center hits (sapa.kb.search.Hit), best first, when the help center was asked.
    hits: list[Hit] = field(default_factory=list)
    # The search confidence of hits[0], or -1.0.
    kb_confidence: float = -1.0
    # hits[0] is safe to give as *the* answer.
    answer_confident: bool = False
    # Anger or disappointment (shouting, insults, "kecewa", complaint): hand over early.
    negative: bool = False


def understand(text: str, *, lang: str | None = None) -> Understanding:
    """What `text` (one customer message) means; `lang` skips language detection.

    Reads the help center (one search, at most one embedding of `text`) only for what
    looks like a question. Works without embedders (full-text search only).
    """
    text = text.strip()
    entities = extract_entities(text)
    language = lang or detect_language(tokenise(normalise(text)))
    probabilities = get_classifier().probabilities(text)
    intent = max(probabilities, key=lambda name: probabilities[name])
    negative = probabilities.get(
        COMPLAINT, 0.0
    ) >= NEGATIVE_COMPLAINT_PROBABILITY or sounds_negative(text)
    if intent not in (FAQ, OUT_OF_SCOPE) or (
        intent == OUT_OF_SCOPE and probabilities[OUT_OF_SCOPE] >= CHIT_CHAT_PROBABILITY
    ):
        return Understanding(
            intent=intent,
            confidence=probabilities[intent],
            entities=entities,
            lang=language,
            negative=negative,
        )
    result = search(text, lang=language, limit=HITS)
    answerable = bool(result.hits) and result.confidence >= ANSWERABLE_AT
    question_intent = FAQ if answerable else OUT_OF_SCOPE
    return Understanding(
        intent=question_intent,
        confidence=probabilities[FAQ] + probabilities[OUT_OF_SCOPE],
        entities=entities,
        lang=language,
        hits=list(result.hits),
        kb_confidence=result.confidence if result.hits else -1.0,
        answer_confident=answerable and is_confident_answer(text, result),
        negative=negative,
    )


def is_confident_answer(text: str, result: SearchResult) -> bool:
    """The search is confident of its best hit, and a second opinion agrees."""
    if not result.hits or result.confidence < ANSWER_CONFIDENCE:
        return False
    return second_opinion_agrees(text, result.hits, lang=result.lang)


def second_opinion_agrees(text: str, hits: list[Hit], *, lang: str) -> bool:
    """Whether hits[0] is also the candidate written most like `text` (all candidates in
    `lang`), or else leads the runner-up by ANSWER_MARGIN."""
    if len(hits) < 2:
        return bool(hits)
    articles = [hit.article for hit in hits]
    if all(article.lang == lang for article in articles):
        return closest_by_wording(text, articles) == 0
    return hits[0].score - hits[1].score >= ANSWER_MARGIN
