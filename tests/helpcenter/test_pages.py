"""The public help center: pages, languages, votes, search, the sitemap and the brand."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from sapa.kb import actions
from sapa.kb.models import Article, Event, EventKind, Feedback
from tests.helpcenter.conftest import KnowledgeBase, publish

pytestmark = pytest.mark.django_db


def url(article: Article, lang: str | None = None) -> str:
    return reverse(
        "help:article",
        kwargs={"lang": lang or article.lang, "article_id": article.pk, "slug": article.slug},
    )


def test_help_root_sends_visitors_to_their_language(client):
    """/help/ → Indonesian by default, English when the browser prefers it."""
    assert client.get("/help/").url == "/help/id/"
    assert client.get("/help/", headers={"accept-language": "en-US,en;q=0.9"}).url == "/help/en/"
    assert client.get("/help/", headers={"accept-language": "fr"}).url == "/help/id/"


def test_home_lists_categories_with_counts_and_popular_articles(
    client, kb: KnowledgeBase, django_assert_max_num_queries
):
    # given the refund article is the most read
    for _ in range(3):
        actions.record_view(kb.refund)
    actions.record_view(kb.ongkir)
    # when
    with django_assert_max_num_queries(4):
        response = client.get("/help/en/")
    # then
    page = response.text
    assert response.status_code == 200
    assert '<html lang="en">' in page
    assert "Toko Buku Sapa" in page
    # categories in position order, in English, with their public articles counted once
    assert page.index("Orders &amp; Shipping") < page.index("Returns")
    assert "2 articles" in page  # Returns: retur (+ its translation) and refund
    assert "1 article<" in page  # Orders & Shipping: ongkir only
    assert 'href="/help/en/kategori/pengembalian/"' in page
    popular = page[page.index('id="popular"') :]
    assert popular.index("Kapan dana dikembalikan?") < popular.index("Ongkos kirim ke luar Jawa")
    for hidden in (kb.draft, kb.internal, kb.archived):
        assert hidden.title not in page


def test_english_home_shows_translations_and_falls_back_to_indonesian_originals(
    client, kb: KnowledgeBase
):
    # given every article was read once
    for article in (kb.retur, kb.refund, kb.ongkir):
        actions.record_view(article)
    # when
    page = client.get("/help/en/").text
    # then the translated article appears in English only, the others in Indonesian
    assert "How to return an item" in page
    assert "Cara retur barang" not in page
    assert f'href="{url(kb.ongkir, "en")}" lang="id">Ongkos kirim ke luar Jawa' in page
    # and the Indonesian home shows the original
    indonesian = client.get("/help/id/").text
    assert "Cara retur barang" in indonesian
    assert "How to return an item" not in indonesian


@pytest.mark.parametrize(
    "path", ["/help/fr/", "/help/xx/kategori/pengembalian/", "/help/de/cari/?q=retur"]
)
def test_unknown_language_is_not_found(client, kb: KnowledgeBase, path):
    assert client.get(path).status_code == 404


def test_unknown_language_article_is_not_found(client, kb: KnowledgeBase):
    assert client.get(f"/help/fr/artikel/{kb.retur.pk}-{kb.retur.slug}/").status_code == 404


def test_category_page_lists_its_sections_and_articles(
    client, kb: KnowledgeBase, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get("/help/id/kategori/pengembalian/")
    page = response.text
    assert response.status_code == 200
    assert "<h1>" in page
    assert "Pengembalian</h1>" in page
    assert 'id="retur"' in page
    assert f'href="{url(kb.retur)}"' in page
    assert f'href="{url(kb.refund)}"' in page
    assert kb.internal.title not in page
    assert "How to return an item" not in page
    assert client.get("/help/id/kategori/tidak-ada/").status_code == 404


def test_article_page_renders_body_breadcrumbs_translation_and_related(client, kb: KnowledgeBase):
    # when
    response = client.get(url(kb.retur))
    # then
    page = response.text
    assert response.status_code == 200
    assert "<h1>Cara retur barang</h1>" in page
    assert "<strong>7 hari</strong>" in page  # the sanitised HTML, not escaped
    assert 'href="/help/id/kategori/pengembalian/">Pengembalian</a>' in page
    assert 'href="/help/id/kategori/pengembalian/#retur">Retur</a>' in page
    assert f'href="{url(kb.retur_en)}" hreflang="en" lang="en">Read in English</a>' in page
    related = page[page.index('id="related-title"') :]
    assert "Kapan dana dikembalikan?" in related
    assert "How to return an item" not in related  # its own translation is not "related"
    assert kb.internal.title not in page
    assert 'name="helpful" value="yes"' in page
    # and the view is counted
    kb.retur.refresh_from_db()
    assert kb.retur.view_count == 1
    assert Event.objects.filter(kind=EventKind.VIEW, article=kb.retur).count() == 1


def test_english_article_links_back_to_the_indonesian_original(client, kb: KnowledgeBase):
    page = client.get(url(kb.retur_en)).text
    assert '<html lang="en">' in page
    assert "Baca dalam Bahasa Indonesia</a>" in page
    assert f'href="{url(kb.retur)}"' in page


def test_article_opened_from_a_suggestion_is_tracked(client, kb: KnowledgeBase):
    """`?s=` is the request form's session whose suggestion the visitor followed."""
    client.get(url(kb.ongkir) + "?s=form-123")
    opened = Event.objects.get(kind=EventKind.SUGGESTION_OPENED)
    assert (opened.article, opened.session) == (kb.ongkir, "form-123")


def test_wrong_slug_redirects_to_the_canonical_address(client, kb: KnowledgeBase):
    response = client.get(f"/help/id/artikel/{kb.retur.pk}-judul-lama/?s=abc")
    assert response.status_code == 301
    assert response.url == url(kb.retur) + "?s=abc"
    assert Event.objects.filter(kind=EventKind.VIEW).count() == 0


def test_english_address_of_a_translated_article_leads_to_its_translation(
    client, kb: KnowledgeBase
):
    response = client.get(url(kb.retur, "en"))
    assert response.status_code == 302
    assert response.url == url(kb.retur_en)


def test_english_page_shows_an_indonesian_only_article_with_a_notice(client, kb: KnowledgeBase):
    response = client.get(url(kb.ongkir, "en"))
    page = response.text
    assert response.status_code == 200
    assert '<html lang="en">' in page
    assert '<article class="article" lang="id">' in page
    assert "Ongkos kirim ke luar Jawa" in page
    assert "This article is only available in Bahasa Indonesia." in page
    # the language switch leads to the same article in the Indonesian help center
    assert f'href="{url(kb.ongkir, "id")}" hreflang="id"' in page


@pytest.mark.parametrize("which", ["draft", "internal", "archived"])
def test_articles_that_are_not_public_are_not_found(client, kb: KnowledgeBase, which):
    article = getattr(kb, which)
    assert client.get(url(article)).status_code == 404
    assert Event.objects.filter(kind=EventKind.VIEW).count() == 0


def test_unknown_article_is_not_found(client, kb: KnowledgeBase):
    assert client.get("/help/id/artikel/999999-apa-saja/").status_code == 404


def test_voting_twice_changes_the_vote_and_no_adds_a_comment(client, kb: KnowledgeBase):
    vote_url = reverse("help:article_vote", kwargs={"lang": "id", "article_id": kb.retur.pk})
    # when the visitor says yes
    response = client.post(vote_url, {"helpful": "yes"})
    # then
    assert response.status_code == 303
    assert response.url == url(kb.retur) + "#feedback"
    kb.retur.refresh_from_db()
    assert (kb.retur.helpful_yes, kb.retur.helpful_no) == (1, 0)
    thanks = client.get(url(kb.retur)).text
    assert 'role="status"' in thanks
    assert 'name="comment"' not in thanks
    # when they change their mind
    client.post(vote_url, {"helpful": "no"})
    kb.retur.refresh_from_db()
    assert (kb.retur.helpful_yes, kb.retur.helpful_no) == (0, 1)
    # then the page asks what was missing
    ask = client.get(url(kb.retur)).text
    assert 'name="comment"' in ask
    # when they leave a comment
    client.post(vote_url, {"helpful": "no", "comment": "  Alamat gudang retur tidak ada.  "})
    # then one vote holds it all
    feedback = Feedback.objects.get()
    assert (feedback.helpful, feedback.comment) == (False, "Alamat gudang retur tidak ada.")
    kb.retur.refresh_from_db()
    assert (kb.retur.helpful_yes, kb.retur.helpful_no) == (0, 1)
    thanked = client.get(url(kb.retur)).text
    assert 'role="status"' in thanked
    assert 'name="comment"' not in thanked
    # and the pages after each vote were not counted as views
    assert kb.retur.view_count == 0
    # and the next visit shows the question again
    assert 'name="helpful" value="yes"' in client.get(url(kb.retur)).text


def test_votes_of_two_visitors_count_twice(client, kb: KnowledgeBase):
    vote_url = reverse("help:article_vote", kwargs={"lang": "id", "article_id": kb.retur.pk})
    client.post(vote_url, {"helpful": "yes"})
    client.cookies.clear()
    client.post(vote_url, {"helpful": "yes"})
    kb.retur.refresh_from_db()
    assert kb.retur.helpful_yes == 2


def test_vote_on_an_internal_article_is_not_found_and_changes_nothing(client, kb: KnowledgeBase):
    vote_url = reverse("help:article_vote", kwargs={"lang": "id", "article_id": kb.internal.pk})
    assert client.post(vote_url, {"helpful": "yes"}).status_code == 404
    assert client.get(vote_url).status_code == 405
    assert Feedback.objects.count() == 0


def test_search_finds_an_article_by_a_slang_question(client, kb: KnowledgeBase):
    # when
    response = client.get("/help/id/cari/", {"q": "gmn cara retur brg"})
    # then
    page = response.text
    assert response.status_code == 200
    results = page[page.index('class="results"') :]
    first = re.search(r'class="result-title" href="([^"]+)"', results)
    assert first is not None
    assert first.group(1) == url(kb.retur)
    assert "<mark>retur</mark>" in results
    assert "Pengembalian \u203a Retur" in results
    assert kb.internal.title not in page
    # and the search is recorded once, for the help center
    event = Event.objects.get(kind=EventKind.SEARCH)
    assert (event.query, event.source, event.lang, event.article) == (
        "gmn cara retur brg",
        "help",
        "id",
        kb.retur,
    )
    assert event.results >= 1


def test_english_search_shows_the_translation(client, kb: KnowledgeBase):
    page = client.get("/help/en/cari/", {"q": "retur barang"}).text
    assert f'href="{url(kb.retur_en)}"' in page
    assert f'href="{url(kb.retur)}"' not in page


def test_instant_results_fragment_is_not_recorded(client, kb: KnowledgeBase):
    response = client.get("/help/id/cari/hasil/", {"q": "ongkir"}, headers={"hx-request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert f'href="{url(kb.ongkir)}"' in response.text
    assert "/help/id/cari/?q=ongkir" in response.text  # "see all results"
    assert Event.objects.filter(kind=EventKind.SEARCH).count() == 0
    assert client.get("/help/id/cari/hasil/", {"q": ""}).text.strip() == ""


def test_search_box_asks_for_instant_results(client, kb: KnowledgeBase):
    page = client.get("/help/id/").text
    assert 'hx-get="/help/id/cari/hasil/"' in page
    assert 'hx-trigger="input changed delay:250ms, search"' in page
    assert 'action="/help/id/cari/"' in page


def test_search_without_an_answer_offers_the_request_form(client, kb: KnowledgeBase):
    page = client.get("/help/en/cari/", {"q": "zebra xylofon"}).text
    assert "Didn't find an answer?" in page
    assert 'href="/help/en/permintaan/?q=zebra%20xylofon"' in page
    event = Event.objects.get(kind=EventKind.SEARCH)
    assert (event.results, event.answered) == (0, False)


def test_script_in_a_query_or_a_title_stays_inert(client, kb: KnowledgeBase):
    # given an article whose title holds markup
    evil = publish(kb.returns_section, "<script>alert(1)</script> retur cepat", "Retur cepat.")
    actions.record_view(evil)
    # when
    search_page = client.get("/help/id/cari/", {"q": "<script>alert(2)</script> retur"}).text
    instant = client.get("/help/id/cari/hasil/", {"q": "<script>alert(3)</script>"}).text
    home = client.get("/help/id/").text
    article = client.get(url(evil)).text
    # then
    for page in (search_page, instant, home, article):
        assert "<script>alert" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in search_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in home


def test_sitemap_lists_public_pages_only(client, kb: KnowledgeBase):
    response = client.get("/help/sitemap.xml")
    body = response.text
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    for public in (kb.retur, kb.retur_en, kb.refund, kb.ongkir):
        assert f"<loc>http://testserver{url(public)}</loc>" in body
    for hidden in (kb.draft, kb.internal, kb.archived):
        assert f"/artikel/{hidden.pk}-" not in body
    for lang in ("id", "en"):
        assert f"<loc>http://testserver/help/{lang}/</loc>" in body
        assert f"<loc>http://testserver/help/{lang}/kategori/pengembalian/</loc>" in body
    assert body.count("<lastmod>") == body.count("<url>")


@pytest.mark.parametrize(
    ("colour", "expected"),
    [
        ("#0f766e", ":root{--brand:#0f766e;--brand-ink:#ffffff;--brand-text:#0f766e}"),
        ("#fde047", ":root{--brand:#fde047;--brand-ink:#111827;--brand-text:#1f2937}"),
        (
            "red;}body{display:none",
            ":root{--brand:#0f766e;--brand-ink:#ffffff;--brand-text:#0f766e}",
        ),
    ],
)
def test_brand_stylesheet_carries_a_valid_colour(client, settings, colour, expected):
    settings.SAPA_SHOP_COLOUR = colour
    response = client.get("/help/brand.css")
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response.text.strip() == expected


def test_pages_are_light_and_need_no_inline_code(client, kb: KnowledgeBase):
    """Home and article pages stay under 100 KB with their CSS and scripts; nothing inline
    (the CSP forbids inline scripts and styles)."""
    for path in ("/help/id/", url(kb.retur), "/help/en/kategori/pengembalian/"):
        response = client.get(path)
        page = response.text
        assert "Content-Security-Policy" in response.headers
        assert " style=" not in page
        assert "<style" not in page
        scripts = re.findall(r"<script([^>]*)>", page)
        assert all('src="' in attributes and "defer" in attributes for attributes in scripts)
        assets = re.findall(r'(?:src|href)="/static/([^"]+\.(?:js|css))"', page)
        weight = len(response.content) + len(client.get("/help/brand.css").content)
        weight += sum(Path(finders.find(asset)).stat().st_size for asset in assets)
        assert weight < 100 * 1024, (path, weight)
    assert "htmx" not in client.get(url(kb.retur)).text  # no search box, no script
