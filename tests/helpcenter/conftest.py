"""A small knowledge base for the help center: two categories, a translated article, an
Indonesian-only one, and one each of draft, internal and archived."""

from dataclasses import dataclass
from typing import Any

import pytest

from sapa.core.actors import Actor
from sapa.kb import actions, search
from sapa.kb.actions import ArticleDraft
from sapa.kb.models import Article, ArticleStatus, Category, Section

SYSTEM = Actor.system("test")


@dataclass
class KnowledgeBase:
    returns: Category
    orders: Category
    returns_section: Section
    shipping_section: Section
    retur: Article
    retur_en: Article
    refund: Article
    ongkir: Article
    draft: Article
    internal: Article
    archived: Article


@pytest.fixture(autouse=True)
def _lexical_search(settings: Any) -> None:
    """Full-text search only: fast and deterministic (no vectors are written in tests)."""
    settings.SAPA_EMBEDDINGS = "off"
    # The search snapshot is keyed on a version that rolls back with each test.
    search._snapshot = None


def publish(section: Section, title: str, body: str, **fields: Any) -> Article:
    fields.setdefault("status", ArticleStatus.PUBLISHED)
    return actions.save_article(
        SYSTEM, ArticleDraft(section=section, title=title, body=body, **fields)
    )


@pytest.fixture
def kb(db: None) -> KnowledgeBase:
    returns = actions.save_category(
        SYSTEM,
        name="Pengembalian",
        name_en="Returns",
        description="Retur barang dan pengembalian dana.",
        description_en="Returning items and refunds.",
        icon="rotate-ccw",
        position=2,
    )
    orders = actions.save_category(
        SYSTEM, name="Pesanan & Pengiriman", name_en="Orders & Shipping", icon="box", position=1
    )
    returns_section = actions.save_section(SYSTEM, returns, name="Retur", name_en="Returns")
    shipping_section = actions.save_section(SYSTEM, orders, name="Ongkir", name_en="Shipping")
    retur = publish(
        returns_section,
        "Cara retur barang",
        "Barang rusak atau salah kirim bisa diretur dalam **7 hari**.\n\n"
        "1. Buka pesanan Anda.\n2. Pilih *Ajukan retur*.",
        tags=["retur", "pengembalian"],
    )
    retur_en = publish(
        returns_section,
        "How to return an item",
        "Damaged or wrong items can be returned within **7 days**.",
        lang="en",
        translation_of=retur,
        tags=["returns"],
    )
    refund = publish(
        returns_section,
        "Kapan dana dikembalikan?",
        "Dana kembali dalam 3 hari kerja setelah retur diterima.",
        tags=["retur", "refund"],
    )
    ongkir = publish(
        shipping_section,
        "Ongkos kirim ke luar Jawa",
        "Ongkir dihitung dari berat paket dan kota tujuan.",
        tags=["ongkir"],
    )
    draft = publish(
        shipping_section, "Draf kurir baru", "Belum terbit.", status=ArticleStatus.DRAFT
    )
    internal = publish(
        returns_section, "Catatan internal retur", "Hanya untuk agen: retur manual.", internal=True
    )
    archived = publish(shipping_section, "Kurir lama", "Sudah tidak dipakai.")
    actions.set_status(SYSTEM, archived, ArticleStatus.ARCHIVED)
    return KnowledgeBase(
        returns=returns,
        orders=orders,
        returns_section=returns_section,
        shipping_section=shipping_section,
        retur=retur,
        retur_en=retur_en,
        refund=refund,
        ongkir=ongkir,
        draft=draft,
        internal=internal,
        archived=archived,
    )
