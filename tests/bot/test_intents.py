"""The bot's understanding of whole messages: intent from the classifier, questions settled
by the shop's own help center (answerable or out of scope), and the tone signal."""

from collections import Counter
from typing import Any

import pytest

from sapa.bot.nlu import INTENTS, understand
from sapa.bot.nlu.intents import examples, get_classifier
from sapa.bot.nlu.sentiment import sounds_negative
from sapa.bot.nlu.wording import closest_by_wording
from sapa.core.actors import Actor
from sapa.kb import actions, search
from sapa.kb.models import Article, ArticleStatus
from sapa.semantic import get_embedders

SYSTEM = Actor.system("test")


@pytest.fixture
def lexical(settings: Any) -> None:
    """Full-text search only (the bot must work without embedders)."""
    settings.SAPA_EMBEDDINGS = "off"
    search._snapshot = None


@pytest.fixture
def help_center(db: None, lexical: None) -> dict[str, Article]:
    category = actions.save_category(SYSTEM, name="Bantuan")
    section = actions.save_section(SYSTEM, category, name="Umum")

    def publish(title: str, body: str, tags: list[str]) -> Article:
        draft = actions.ArticleDraft(
            section=section, title=title, body=body, tags=tags, status=ArticleStatus.PUBLISHED
        )
        return actions.save_article(SYSTEM, draft)

    return {
        "retur": publish(
            "Cara mengajukan retur barang",
            "Ajukan retur dalam 7 hari setelah paket diterima lewat menu Pesanan Saya. "
            "Barang harus lengkap dengan label dan kemasan aslinya.",
            ["retur", "pengembalian barang"],
        ),
        "cod": publish(
            "Bayar di tempat (COD)",
            "COD tersedia untuk pesanan sampai Rp1.000.000 di kota yang dilayani kurir.",
            ["cod", "bayar di tempat", "pembayaran"],
        ),
    }


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("P", "greeting"),
        ("selamat pagi kak", "greeting"),
        ("Good evening!", "greeting"),
        ("makasih banyak kak 🙏", "thanks"),
        ("thank you, very helpful", "thanks"),
        ("oke itu aja, dadah", "goodbye"),
        ("bye for now", "goodbye"),
        ("pesanan 48213 sudah dikirim belum?", "order_status"),
        ("where is my parcel? tracking JT1122334455", "order_status"),
        ("tolong sambungkan saya ke admin", "human"),
        ("I'd like to talk to a real person", "human"),
        ("KECEWA BANGET, BARANG RUSAK SEMUA!!!", "complaint"),
        ("this is the worst service I have ever had", "complaint"),
    ],
)
def test_social_requests_and_complaints_need_no_help_center(
    db: None, lexical: None, text: str, intent: str
) -> None:
    understood = understand(text)
    assert understood.intent == intent
    assert understood.hits == []
    assert not understood.answer_confident
    assert 0.0 < understood.confidence <= 1.0


def test_language_is_detected_unless_given(db: None, lexical: None) -> None:
    assert understand("where is my order?").lang == "en"
    assert understand("pesanan saya sampai mana ya").lang == "id"
    assert understand("halo", lang="en").lang == "en"


def test_identifiers_come_with_the_intent(db: None, lexical: None) -> None:
    understood = understand("min, resi JT5544332211 punya pesanan 30917 kok ga gerak?")
    assert understood.intent == "order_status"
    assert understood.entities == {"tracking_number": "JT5544332211", "order_number": "30917"}


def test_a_question_the_help_center_answers_is_faq_with_the_article(
    help_center: dict[str, Article],
) -> None:
    understood = understand("gimana cara ngajuin retur barang?")
    assert understood.intent == "faq"
    assert understood.hits[0].article == help_center["retur"]
    assert understood.kb_confidence >= 0
    assert understood.answer_confident


def test_a_question_no_article_answers_is_out_of_scope(
    help_center: dict[str, Article],
) -> None:
    understood = understand("bisa servis mesin cuci?")
    assert understood.intent == "out_of_scope"
    assert not understood.answer_confident


def test_chit_chat_is_out_of_scope_without_an_answer(help_center: dict[str, Article]) -> None:
    understood = understand("ceritain lelucon lucu dong")
    assert understood.intent == "out_of_scope"
    assert not understood.answer_confident


@pytest.mark.parametrize(
    ("text", "negative"),
    [
        ("PAKET SAYA MANA, SUDAH SEMINGGU GA ADA KABAR", True),
        ("pelayanannya payah, kecewa", True),
        ("ok makasih 🙄", True),
        ("useless bot, I'm so frustrated", True),
        ("berapa lama refund masuk ke rekening?", False),
        ("pesanan 22871 udah dikirim?", False),
    ],
)
def test_negative_tone(text: str, negative: bool) -> None:
    assert sounds_negative(text) is negative


def test_an_angry_message_is_flagged_for_hand_off(db: None, lexical: None) -> None:
    assert understand("parah banget, 3 kali order 3 kali telat 😡").negative
    assert not understand("halo kak").negative


def test_the_examples_cover_every_intent_in_both_languages() -> None:
    counts = Counter((example.intent, example.lang) for example in examples())
    for intent in INTENTS:
        assert counts[(intent, "id")] >= 30
        assert counts[(intent, "en")] >= 1
    texts = [example.text.casefold() for example in examples()]
    assert len(texts) == len(set(texts)), "an example is listed twice"


def test_the_classifier_is_trained_once_per_process() -> None:
    assert get_classifier() is get_classifier()
    probabilities = get_classifier().probabilities("halo")
    assert set(probabilities) == set(INTENTS)
    assert sum(probabilities.values()) == pytest.approx(1.0)


def test_a_query_vector_is_computed_once_for_classifier_and_search() -> None:
    for embedder in get_embedders():
        first = embedder.query("cara bayar pakai qris")
        assert embedder.query("cara bayar pakai qris") is first
        assert not first.flags.writeable


def test_the_wording_tells_near_duplicate_articles_apart(help_center: dict[str, Article]) -> None:
    category = actions.save_category(SYSTEM, name="Refund")
    section = actions.save_section(SYSTEM, category, name="Refund")

    def publish(title: str, body: str, examples: list[str]) -> Article:
        draft = actions.ArticleDraft(
            section=section,
            title=title,
            body=body,
            examples=examples,
            status=ArticleStatus.PUBLISHED,
        )
        return actions.save_article(SYSTEM, draft)

    wallet = publish(
        "Refund ke e-wallet",
        "Dana kembali ke saldo GoPay, OVO atau DANA dalam 1x24 jam setelah retur disetujui.",
        ["refund ke gopay berapa lama?"],
    )
    bank = publish(
        "Refund ke rekening bank",
        "Dana kembali ke rekening bank atau kartu kredit dalam 3 sampai 7 hari kerja.",
        ["refund ke rekening bca kapan masuk?"],
    )
    candidates = [bank, wallet]
    assert closest_by_wording("refund ke saldo gopay atau ovo berapa lama?", candidates) == 1
    assert closest_by_wording("uang refund ke rekening bank berapa hari", candidates) == 0
    assert closest_by_wording("halo", [bank]) is None
