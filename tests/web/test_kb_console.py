"""The knowledge base in the console: every agent reads (internal articles too), editors
write through the actions (versions, translations, files, categories), supervisors see the
deflection report, and the composer inserts links to published articles."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sapa.accounts.models import Role
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.kb import actions
from sapa.kb.models import (
    Article,
    ArticleAttachment,
    ArticleStatus,
    ArticleVersion,
    Category,
    Event,
    EventKind,
    Feedback,
    Section,
)
from sapa.kb.reports import deflection_report
from sapa.kb.urls_public import article_url
from tests.builders import inbound
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def supervisor():
    return AgentFactory(username="sari", first_name="Sari", role=Role.SUPERVISOR, language="en")


@pytest.fixture
def agent():
    return AgentFactory(username="dewi", first_name="Dewi", role=Role.AGENT, language="en")


@pytest.fixture
def section():
    actor = Actor.system("test")
    category = actions.save_category(actor, name="Pengiriman", name_en="Shipping")
    return actions.save_section(actor, category, name="Ongkos kirim", name_en="Shipping costs")


def _article(section, title, body="Isi artikel.", **fields):
    draft = actions.ArticleDraft(section=section, title=title, body=body, **fields)
    return actions.save_article(Actor.system("test"), draft)


def _form(section, **overrides):
    data = {
        "section": section.pk,
        "lang": "id",
        "translation_of": "",
        "title": "Cara retur barang",
        "body": "Kirim **kembali** barang dalam 7 hari.",
        "tags": "retur, pengembalian",
        "examples": "bagaimana cara retur?\nbisa kembalikan barang?",
        "note": "",
        "action": "draft",
    }
    return data | overrides


# --- access -----------------------------------------------------------------------------


def test_every_kb_page_renders_for_a_supervisor(client, supervisor, section):
    """The list, forms, article, version, categories and report pages all render."""
    article = _article(section, "Ongkir ke Medan", status=ArticleStatus.PUBLISHED)
    client.force_login(supervisor)
    for url in ("/kb/", "/kb/articles/new/", f"/kb/articles/{article.pk}/",
                f"/kb/articles/{article.pk}/edit/", f"/kb/articles/{article.pk}/versions/1/",
                "/kb/categories/", "/kb/report/", "/kb/report/?days=7",
                "/kb/insert/?q=ongkir"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url


def test_an_agent_reads_every_article_but_cannot_write(client, agent, section):
    """Agents see internal articles and drafts; creating, editing, publishing, restoring,
    uploading, categories and the report are refused and change nothing."""
    internal = _article(section, "Skrip telepon untuk komplain", internal=True)
    client.force_login(agent)

    listing = client.get("/kb/")
    detail = client.get(f"/kb/articles/{internal.pk}/")

    assert listing.status_code == 200
    assert "Skrip telepon untuk komplain" in listing.text
    assert detail.status_code == 200
    assert "Edit</a>" not in detail.text
    assert client.get("/kb/articles/new/").status_code == 403
    assert client.post("/kb/articles/new/", _form(section)).status_code == 403
    assert client.get(f"/kb/articles/{internal.pk}/edit/").status_code == 403
    assert (
        client.post(f"/kb/articles/{internal.pk}/status/", {"status": "published"}).status_code
        == 403
    )
    assert client.post(f"/kb/articles/{internal.pk}/versions/1/restore/").status_code == 403
    upload = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    assert (
        client.post(f"/kb/articles/{internal.pk}/attachments/", {"file": upload}).status_code == 403
    )
    assert client.get("/kb/categories/").status_code == 403
    assert client.post("/kb/categories/", {"name": "Baru", "position": 1}).status_code == 403
    assert client.get("/kb/report/").status_code == 403
    assert Article.objects.count() == 1
    assert Article.objects.get().status == ArticleStatus.DRAFT
    assert ArticleVersion.objects.count() == 1
    assert ArticleAttachment.objects.count() == 0
    assert Category.objects.count() == 1


def test_kb_pages_need_sign_in(client, section):
    article = _article(section, "Ongkir")
    for url in ("/kb/", f"/kb/articles/{article.pk}/", "/kb/insert/?q=ongkir"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/login/")


# --- writing --------------------------------------------------------------------------


def test_supervisor_drafts_previews_publishes_edits_and_restores(client, supervisor, section):
    """Each save is a version with its editor; a preview saves nothing; restoring version 1
    brings its text back as a new version."""
    client.force_login(supervisor)

    # when: a draft is saved
    response = client.post("/kb/articles/new/", _form(section, note="first"))
    article = Article.objects.get()
    # then
    assert response.status_code == 302
    assert response.url == f"/kb/articles/{article.pk}/"
    assert article.status == ArticleStatus.DRAFT
    assert article.tags == ["retur", "pengembalian"]
    assert article.examples == ["bagaimana cara retur?", "bisa kembalikan barang?"]
    assert article.author == supervisor

    # when: the edited text is previewed
    preview = client.post(
        f"/kb/articles/{article.pk}/edit/",
        _form(section, body="Kirim *segera*.", action="preview"),
    )
    # then: rendered, not saved
    assert preview.status_code == 200
    assert "<em>segera</em>" in preview.text
    assert ArticleVersion.objects.filter(article=article).count() == 1

    # when: it is published
    client.post(f"/kb/articles/{article.pk}/edit/", _form(section, action="publish", note="go"))
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.published_at is not None

    # when: it is edited
    client.post(
        f"/kb/articles/{article.pk}/edit/",
        _form(section, title="Cara retur barang (baru)", body="Teks baru.", action="publish"),
    )
    article.refresh_from_db()
    versions = list(ArticleVersion.objects.filter(article=article).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.status for v in versions] == ["draft", "published", "published"]
    assert versions[1].editor == supervisor
    assert versions[1].note == "go"
    assert article.title == "Cara retur barang (baru)"
    page = client.get(f"/kb/articles/{article.pk}/")
    assert "Version history" in page.text
    assert page.text.count("Sari") >= 3
    assert "go" in page.text

    # when: version 1 is viewed and restored
    old = client.get(f"/kb/articles/{article.pk}/versions/1/")
    assert "<strong>kembali</strong>" in old.text
    assert "Restore version 1" in old.text
    restored = client.post(f"/kb/articles/{article.pk}/versions/1/restore/")
    # then
    assert restored.status_code == 302
    article.refresh_from_db()
    assert article.title == "Cara retur barang"
    assert article.body == "Kirim **kembali** barang dalam 7 hari."
    assert article.status == ArticleStatus.PUBLISHED
    latest = ArticleVersion.objects.filter(article=article).order_by("-number").first()
    assert latest is not None
    assert latest.number == 4
    assert latest.note == "Restored version 1"


def test_archive_and_invalid_input(client, supervisor, section):
    """Archive changes the status only; an empty title is shown on its field, nothing saved."""
    article = _article(section, "Ongkir", status=ArticleStatus.PUBLISHED)
    client.force_login(supervisor)

    client.post(f"/kb/articles/{article.pk}/status/", {"status": "archived"})
    article.refresh_from_db()
    invalid = client.post(f"/kb/articles/{article.pk}/edit/", _form(section, title="  "))

    assert article.status == ArticleStatus.ARCHIVED
    assert article.title == "Ongkir"
    assert invalid.status_code == 422
    assert ArticleVersion.objects.filter(article=article).count() == 2


def test_translation_is_prefilled_and_linked(client, supervisor, section):
    """The article page offers the missing language; the new form points at the original;
    both pages list the other; a second translation into the same language is refused."""
    original = _article(section, "Cara retur barang", tags=["retur"])
    client.force_login(supervisor)

    page = client.get(f"/kb/articles/{original.pk}/")
    link = f"/kb/articles/new/?translation_of={original.pk}&amp;lang=en"
    assert link in page.text
    form = client.get(f"/kb/articles/new/?translation_of={original.pk}&lang=en")
    assert f'<option value="{original.pk}" selected>' in form.text
    assert '<option value="en" selected>' in form.text

    data = _form(section, lang="en", translation_of=original.pk, title="How to return an item")
    response = client.post("/kb/articles/new/", data)

    translation = Article.objects.get(lang="en")
    assert response.status_code == 302
    assert translation.translation_of == original
    assert "How to return an item" in client.get(f"/kb/articles/{original.pk}/").text
    assert "Cara retur barang" in client.get(f"/kb/articles/{translation.pk}/").text
    again = client.post("/kb/articles/new/", data | {"title": "Returns"})
    assert again.status_code == 422
    assert "already has a translation" in again.text
    assert Article.objects.count() == 2


# --- attachments ----------------------------------------------------------------------


def test_attachments_upload_and_serve(client, supervisor, agent, section, settings):
    """An image is stored and its Markdown shown; an .exe and a file over the limit are
    refused; any signed-in agent can fetch the file."""
    settings.SAPA_KB_MAX_ATTACHMENT_BYTES = 1000
    article = _article(section, "Ongkir")
    client.force_login(supervisor)
    url = f"/kb/articles/{article.pk}/attachments/"

    ok = client.post(url, {"file": SimpleUploadedFile("peta.png", PNG, content_type="image/png")})
    exe = SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/x-msdownload")
    refused_type = client.post(url, {"file": exe}, follow=True)
    big = SimpleUploadedFile("besar.png", PNG + b"\x00" * 1000, content_type="image/png")
    refused_size = client.post(url, {"file": big}, follow=True)

    assert ok.status_code == 302
    attachment = ArticleAttachment.objects.get()
    assert attachment.filename == "peta.png"
    assert attachment.uploaded_by == supervisor
    assert "PDF and text files only" in refused_type.text
    assert "too large" in refused_size.text
    page = client.get(f"/kb/articles/{article.pk}/")
    assert f"![peta.png](/help/files/{attachment.pk}/peta.png)" in page.text
    client.force_login(agent)
    served = client.get(f"/kb/files/{attachment.pk}/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG
    client.logout()
    assert client.get(f"/kb/files/{attachment.pk}/").status_code == 302


# --- the list -------------------------------------------------------------------------


def test_list_filters_and_columns(client, agent, section):
    """Status, language, audience and text filters; views and helpful share shown."""
    public = _article(section, "Ongkir ke Medan", body="Tarif ongkir Medan.", status="published")
    _article(section, "Skrip internal", internal=True)
    Article.objects.filter(pk=public.pk).update(view_count=42, helpful_yes=3, helpful_no=1)
    client.force_login(agent)

    drafts = client.get("/kb/?status=draft").text
    internal = client.get("/kb/?internal=yes").text
    found = client.get("/kb/?q=ongkir").text
    english = client.get("/kb/?lang=en").text
    everything = client.get("/kb/").text

    assert "Skrip internal" in drafts
    assert "Ongkir ke Medan" not in drafts
    assert "Skrip internal" in internal
    assert "Ongkir ke Medan" not in internal
    assert "Ongkir ke Medan" in found
    assert "Skrip internal" not in found
    assert "No article matches." in english
    assert "Pengiriman \u203a Ongkos kirim" in everything
    assert "42" in everything
    assert "75%" in everything


def test_list_queries_do_not_grow_with_articles(client, agent, section):
    """The list costs the same number of queries for 2 and for 6 articles."""
    client.force_login(agent)
    counts = []
    for batch in (2, 4):
        for n in range(batch):
            original = _article(section, f"Artikel {batch}-{n}")
            _article(section, f"Article {batch}-{n}", lang="en", translation_of=original)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/kb/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_script_in_a_title_is_escaped(client, supervisor, section):
    """A title is text everywhere: the list, the page, the picker."""
    title = "<script>alert(1)</script> Ongkir"
    article = _article(section, title, body="Ongkir murah.", status="published")
    client.force_login(supervisor)
    for url in ("/kb/", f"/kb/articles/{article.pk}/", "/kb/insert/?q=ongkir"):
        text = client.get(url).text
        assert "<script>alert(1)" not in text, url
        assert "&lt;script&gt;alert(1)" in text, url


# --- categories -----------------------------------------------------------------------


def test_categories_and_sections_are_added_renamed_and_reordered(client, supervisor, section):
    """Renaming keeps the slug (public addresses stay); positions order the tree."""
    client.force_login(supervisor)
    category = section.category

    client.post("/kb/categories/", {"name": "Pembayaran", "name_en": "Payment", "position": 0})
    client.post(f"/kb/categories/{category.pk}/", {"name": "Kurir", "name_en": "", "position": 5})
    client.post(f"/kb/categories/{category.pk}/sections/", {"name": "Lacak paket", "position": 0})
    client.post(
        f"/kb/sections/{section.pk}/",
        {"name": "Tarif", "name_en": "Rates", "position": 9, "category": category.pk},
    )

    category.refresh_from_db()
    section.refresh_from_db()
    assert list(Category.objects.values_list("name", "position")) == [
        ("Pembayaran", 0),
        ("Kurir", 5),
    ]
    assert category.slug == "pengiriman"
    assert (section.name, section.name_en, section.position, section.slug) == (
        "Tarif",
        "Rates",
        9,
        "ongkos-kirim",
    )
    assert list(Section.objects.filter(category=category).values_list("name", flat=True)) == [
        "Lacak paket",
        "Tarif",
    ]
    page = client.get("/kb/categories/").text
    assert page.index("Pembayaran") < page.index("Kurir")


# --- the report -----------------------------------------------------------------------


def _event(kind, **fields):
    return Event.objects.create(kind=kind, **fields)


def test_report_counts_searches_unanswered_queries_and_deflection(client, supervisor, section):
    """Unanswered searches group by their analysed terms; a session that opened a suggestion
    and sent nothing is deflected; old events fall outside the period."""
    article = _article(section, "Ongkir", status="published")
    other = _article(section, "Retur", status="published")
    for _n in range(3):
        _event(EventKind.VIEW, article=article)
    _event(EventKind.VIEW, article=other)
    _event(EventKind.SEARCH, query="Ongkir  Medan?", normalised="ongkir medan", results=0)
    _event(EventKind.SEARCH, query="ongkir medan", normalised="ongkir medan", results=2)
    _event(EventKind.SEARCH, query="bayar cod", normalised="bayar cod", results=1)
    _event(EventKind.SEARCH, query="retur", normalised="retur", results=3, answered=True)
    # Session a: suggestions shown, one opened, nothing sent → deflected.
    _event(EventKind.SEARCH, query="retur", normalised="retur", results=2, answered=True,
           session="a")  # fmt: skip
    _event(EventKind.SUGGESTION_OPENED, article=other, session="a")
    # Session b: suggestions shown and opened, then a request anyway.
    _event(EventKind.SEARCH, query="retur", normalised="retur", results=1, answered=True,
           session="b")  # fmt: skip
    _event(EventKind.SUGGESTION_OPENED, article=other, session="b")
    _event(EventKind.REQUEST_SUBMITTED, session="b")
    # Session c: suggestions shown, none opened, request sent.
    _event(EventKind.SEARCH, query="cod", normalised="cod", results=1, answered=True, session="c")
    _event(EventKind.REQUEST_SUBMITTED, session="c")
    # Session d: nothing suggested, request sent.
    _event(EventKind.SEARCH, query="zzz", normalised="zzz", results=0, session="d")
    _event(EventKind.REQUEST_SUBMITTED, session="d")
    old = _event(EventKind.SEARCH, query="lama", normalised="lama", results=0)
    Event.objects.filter(pk=old.pk).update(created_at=clock.now() - timedelta(days=40))
    Feedback.objects.create(article=article, helpful=True, visitor="v1")
    Feedback.objects.create(article=article, helpful=True, visitor="v2")
    Feedback.objects.create(article=other, helpful=False, visitor="v1", comment="kurang jelas")
    client.force_login(supervisor)

    report = deflection_report(days=30)
    page = client.get("/kb/report/?days=30")

    assert (report.views, report.searches, report.unanswered_searches) == (4, 8, 4)
    assert [(q.normalised, q.count) for q in report.top_unanswered] == [
        ("ongkir medan", 2),
        ("zzz", 1),
        ("bayar cod", 1),
    ]
    assert report.top_unanswered[0].example in {"Ongkir  Medan?", "ongkir medan"}
    deflection = report.deflection
    assert (deflection.with_suggestions, deflection.opened, deflection.deflected) == (3, 2, 1)
    assert (deflection.submitted, deflection.submitted_after_suggestions) == (3, 2)
    assert deflection.rate_percent == 33
    assert [(row.title, row.yes, row.no) for row in report.most_helpful] == [("Ongkir", 2, 0)]
    assert [(row.title, row.yes, row.no) for row in report.least_helpful] == [("Retur", 0, 1)]
    assert [(row.title, row.count) for row in report.most_viewed] == [("Ongkir", 3), ("Retur", 1)]
    assert page.status_code == 200
    assert "ongkir medan" in page.text
    assert "lama" not in page.text
    assert "33%" in page.text
    assert 'data-figure="deflected">1<' in page.text
    assert deflection_report(days=90).unanswered_searches == 5


def test_report_is_one_query_per_figure(supervisor, section, django_assert_num_queries):
    """The report costs a fixed number of aggregate queries, whatever the event count."""
    for n in range(20):
        _event(EventKind.SEARCH, query=f"q{n}", normalised=f"q{n}", results=0, session=f"s{n}")
        _event(EventKind.REQUEST_SUBMITTED, session=f"s{n}")
    with django_assert_num_queries(6):
        deflection_report(days=7)


# --- the composer's article picker ----------------------------------------------------


def test_insert_fragment_lists_matching_articles_with_public_urls(client, agent, section):
    """Published public articles come with the line to insert; internal ones only to read;
    drafts are not offered."""
    public = _article(section, "Ongkir ke Medan", body="Tarif ongkir ke Medan.", status="published")
    internal = _article(
        section,
        "Ongkir: catatan internal",
        body="Ongkir khusus.",
        status="published",
        internal=True,
    )
    _article(section, "Ongkir draf", body="Ongkir draf.")
    client.force_login(agent)

    response = client.get("/kb/insert/?q=ongkir")
    empty = client.get("/kb/insert/?q=")

    line = f"Ongkir ke Medan: {settings.SAPA_BASE_URL}{article_url(public)}"
    assert response.status_code == 200
    assert f'data-kb-insert="{line}"' in response.text
    assert f'href="/kb/articles/{internal.pk}/"' in response.text
    assert response.text.count("data-kb-insert=") == 1
    assert "Ongkir draf" not in response.text
    assert empty.text.strip() == ""


def test_ticket_composer_offers_the_article_picker(client, supervisor):
    """The reply composer carries the picker that targets the reply textarea."""
    result = inbound("paket belum sampai", email="rina@example.com", name="Rina")
    client.force_login(supervisor)

    page = client.get(f"/tickets/{result.ticket_id}/")

    assert page.status_code == 200
    assert 'hx-get="/kb/insert/"' in page.text
    assert 'data-kb-target="reply-text"' in page.text
