"""Knowledge-base search on the real database engine (FTS5 or tsvector) and, where a test
says so, with the bundled multilingual embedder."""

import json
from typing import Any

import pytest
from django.core.management import call_command

from sapa.core.actors import Actor
from sapa.kb import actions
from sapa.kb.indexing import embed_article
from sapa.kb.models import Article, ArticleEmbedding, ArticleStatus, Category, Section
from sapa.kb.search import Audience, related, search
from sapa.semantic import get_embedders

SYSTEM = Actor.system("test")


@pytest.fixture
def section(db: None) -> Section:
    category = actions.save_category(SYSTEM, name="Retur & Refund", name_en="Returns")
    return actions.save_section(SYSTEM, category, name="Retur barang")


def publish(section: Section, title: str, body: str, **fields: Any) -> Article:
    fields.setdefault("status", ArticleStatus.PUBLISHED)
    return actions.save_article(
        SYSTEM, actions.ArticleDraft(section=section, title=title, body=body, **fields)
    )


@pytest.fixture
def shop(section: Section) -> dict[str, Article]:
    return {
        "retur": publish(
            section,
            "Cara retur barang",
            "Ajukan retur dalam 7 hari setelah paket diterima lewat menu **Pesanan Saya**.",
            tags=["retur", "pengembalian"],
        ),
        "ongkir": publish(
            section,
            "Ongkos kirim ke luar Jawa",
            "Ongkos kirim ke Medan dengan JNE REG mulai Rp38.000 per kilogram.",
            tags=["ongkir", "pengiriman"],
        ),
        "transfer": publish(
            section,
            "Transfer sudah dilakukan tetapi belum dikonfirmasi",
            "Transfer bank dicek dalam 1x24 jam. Kirim bukti transfer bila belum terkonfirmasi.",
            tags=["pembayaran"],
        ),
    }


def titles(result: Any) -> list[str]:
    return [hit.article.title for hit in result.hits]


def test_slang_queries_find_the_article_by_full_text(shop: dict[str, Article]) -> None:
    assert titles(search("gmn cara retur brg", semantic=False))[0] == "Cara retur barang"
    assert titles(search("ongkir ke medan brp", semantic=False))[0] == "Ongkos kirim ke luar Jawa"
    top = titles(search("udh tf tp blm dikonfirmasi", semantic=False))[0]
    assert top == "Transfer sudah dilakukan tetapi belum dikonfirmasi"


def test_a_typo_is_corrected_to_an_indexed_term(shop: dict[str, Article]) -> None:
    result = search("pengembalain", semantic=False)
    assert result.corrected == "pengembalian"
    assert titles(result)[0] == "Cara retur barang"


def test_matches_are_highlighted_and_html_is_escaped(section: Section) -> None:
    publish(section, "Retur <script>alert(1)</script>", "Retur barang rusak <b>segera</b>.")
    hit = search("retur", semantic=False).hits[0]
    assert "<mark>Retur</mark>" in hit.title_html
    assert "<script>" not in hit.title_html
    assert "&lt;script&gt;" in hit.title_html
    assert "<b>" not in hit.snippet_html


def test_drafts_archived_and_internal_articles_stay_out_of_public_search(
    shop: dict[str, Article], section: Section
) -> None:
    publish(section, "Retur khusus agen", "Retur manual lewat gudang.", internal=True)
    publish(section, "Retur draf", "Retur versi baru.", status=ArticleStatus.DRAFT)
    actions.set_status(SYSTEM, shop["retur"], ArticleStatus.ARCHIVED)
    public = titles(search("retur", semantic=False))
    assert public == []
    agents = titles(search("retur", semantic=False, audience=Audience.AGENTS))
    assert agents == ["Retur khusus agen"]


def test_one_hit_per_translation_in_the_asked_language(
    shop: dict[str, Article], section: Section
) -> None:
    publish(
        section,
        "How to return an item",
        "Ask for a return within 7 days (retur).",
        lang="en",
        translation_of=shop["retur"],
    )
    english = search("retur", lang="en", semantic=False)
    assert [hit.article.lang for hit in english.hits] == ["en"]
    indonesian = search("retur", lang="id", semantic=False)
    assert [hit.article.title for hit in indonesian.hits] == ["Cara retur barang"]


def test_nothing_matching_is_no_answer(shop: dict[str, Article]) -> None:
    result = search("resep rendang padang", semantic=False)
    assert result.hits == []
    assert not result.answered
    assert search("cara retur barang", semantic=False).answered


def test_semantic_search_answers_english_with_an_indonesian_article(
    shop: dict[str, Article],
) -> None:
    models = len(get_embedders())
    assert models == 2  # e5 and use, both bundled: a missing one is an install defect
    for article in shop.values():
        assert embed_article(article.pk) == models
    result = search("How can I return an item within 7 days?", lang="en")
    assert result.semantic
    assert titles(result)[0] == "Cara retur barang"
    assert result.answered
    off_topic = search("siapa yang menang sepak bola tadi malam?")
    assert not off_topic.answered


def test_embedding_skips_unchanged_texts_and_drops_stale_ones(shop: dict[str, Article]) -> None:
    article = shop["retur"]
    models = len(get_embedders())
    assert embed_article(article.pk) == models
    assert embed_article(article.pk) == 0
    draft = actions.ArticleDraft(
        section=article.section,
        title=article.title,
        body=article.body,
        tags=article.tags,
        examples=["bisa balikin barang ga?"],
        status=ArticleStatus.PUBLISHED,
    )
    actions.save_article(SYSTEM, draft, article=article)
    assert embed_article(article.pk) == models  # only the new example, with each model
    kinds = sorted(ArticleEmbedding.objects.filter(article=article).values_list("kind", flat=True))
    assert kinds == ["example"] * models + ["passage"] * models


def test_saving_renders_safe_html_and_keeps_versions(section: Section) -> None:
    article = publish(section, "Retur", "**Tebal** <script>x()</script> [tautan](javascript:x())")
    assert "<strong>Tebal</strong>" in article.body_html
    assert "<script>" not in article.body_html
    assert 'href="javascript' not in article.body_html
    draft = actions.ArticleDraft(section=section, title="Retur barang", body="Baru.", note="judul")
    actions.save_article(SYSTEM, draft, article=article)
    versions = list(article.versions.values_list("number", "title", "note"))
    assert versions == [(2, "Retur barang", "judul"), (1, "Retur", "")]
    actions.restore_version(SYSTEM, article.versions.get(number=1))
    article.refresh_from_db()
    assert article.title == "Retur"
    assert article.versions.count() == 3


def test_a_translation_must_point_at_an_original_in_another_language(
    shop: dict[str, Article], section: Section
) -> None:
    from sapa.core.exceptions import InvalidInput

    with pytest.raises(InvalidInput):
        publish(section, "Retur lagi", "Isi.", lang="id", translation_of=shop["retur"])
    english = publish(section, "Returns", "Text.", lang="en", translation_of=shop["retur"])
    with pytest.raises(InvalidInput):
        publish(section, "Returns 2", "Text.", lang="en", translation_of=shop["retur"])
    with pytest.raises(InvalidInput):
        publish(section, "Chain", "Text.", lang="id", translation_of=english)


def test_search_api_is_public_and_shows_internal_articles_to_agents(
    shop: dict[str, Article], section: Section, client: Any, admin_api: Any
) -> None:
    publish(section, "Retur manual gudang", "Retur lewat gudang.", internal=True)
    response = client.get("/api/v1/kb/search", {"q": "retur gudang", "semantic": "false"})
    assert response.status_code == 200
    body = response.json()
    assert [r["title"] for r in body["results"]] == ["Cara retur barang"]
    assert body["results"][0]["url"].startswith("/help/id/artikel/")
    agent_body = admin_api.get("/api/v1/kb/search?q=retur+gudang&semantic=false").json()
    assert agent_body["results"][0]["title"] == "Retur manual gudang"
    assert client.get("/api/v1/kb/search", {"q": "x", "lang": "fr"}).status_code == 422
    hostile = client.get("/api/v1/kb/search", {"q": '"retur" OR * NEAR( -- \'; DROP'})
    assert hostile.status_code == 200


def test_articles_api_creates_and_updates(section: Section, admin_api: Any, agent_api: Any) -> None:
    payload = {"section": section.pk, "title": "Garansi buku", "body": "Cacat cetak 30 hari."}
    created = admin_api.post_json("/api/v1/kb/articles", payload)
    assert created.status_code == 201, created.content
    article_id = created.json()["id"]
    assert agent_api.post_json("/api/v1/kb/articles", payload).status_code == 403
    payload |= {"status": "published", "tags": ["garansi"]}
    updated = admin_api.put_json(f"/api/v1/kb/articles/{article_id}", payload)
    assert updated.json()["status"] == "published"
    assert updated.json()["tags"] == ["garansi"]
    assert admin_api.post_json("/api/v1/kb/articles", {**payload, "section": 0}).status_code == 422


def test_import_command_creates_translations_and_updates_by_id(
    db: None, tmp_path: Any, capsys: Any
) -> None:
    lines = [
        {
            "id": "x1",
            "lang": "id",
            "title": "Cara bayar",
            "body": "Bayar lewat VA.",
            "tags": ["bayar"],
        },
        {
            "id": "x1-en",
            "lang": "en",
            "title": "How to pay",
            "body": "Pay by VA.",
            "translation_of": "x1",
        },
    ]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    call_command("kb", "import", str(path), "--no-embed")
    ids = json.loads(capsys.readouterr().out)
    english = Article.objects.get(pk=ids["x1-en"])
    assert english.translation_of_id == ids["x1"]
    path.write_text(json.dumps({**lines[0], "title": "Cara membayar"}))
    call_command("kb", "import", str(path), "--no-embed")
    assert Article.objects.get(pk=ids["x1"]).title == "Cara membayar"
    assert Category.objects.count() == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json")
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("kb", "import", str(bad))


def test_an_english_question_finds_an_indonesian_article_by_full_text_too(
    shop: dict[str, Article],
) -> None:
    result = search("How much is the shipping cost to Medan?", lang="en", semantic=False)
    assert titles(result)[0] == "Ongkos kirim ke luar Jawa"


def test_related_articles_are_the_nearest_in_meaning(
    shop: dict[str, Article], section: Section
) -> None:
    refund = publish(
        section,
        "Kapan dana retur dikembalikan",
        "Setelah barang retur kami terima, dana dikembalikan dalam 3 hari kerja.",
        tags=["retur", "refund"],
    )
    for article in [*shop.values(), refund]:
        embed_article(article.pk)
    nearest = related(shop["retur"], lang="id", limit=2)
    assert nearest[0] == refund
    assert shop["retur"] not in nearest


def test_an_import_stops_at_a_bad_article_and_names_it(db: None, tmp_path: Any) -> None:
    from django.core.management import CommandError

    lines = [
        {"id": "ok1", "lang": "id", "title": "Cara bayar", "body": "Bayar lewat VA."},
        {"id": "bad", "lang": "fr", "title": "Paiement", "body": "Payer."},
    ]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    with pytest.raises(CommandError, match=r"^article bad: "):
        call_command("kb", "import", str(path), "--no-embed")
    assert list(Article.objects.values_list("external_id", flat=True)) == ["ok1"]
