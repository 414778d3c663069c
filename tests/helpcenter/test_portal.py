"""The customer portal: sign-in by emailed link, "Tiket saya", replies and the request form."""

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sapa.accounts.models import Role
from sapa.channels.kinds import Channel
from sapa.conversations.actions import add_note, reply
from sapa.conversations.models import Direction, Message, Ticket
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.customers.models import Customer, Identity
from sapa.helpcenter.models import PortalLink
from sapa.helpcenter.portal.sessions import SESSION_KEY
from sapa.helpcenter.tasks import delete_expired_sign_in_links
from sapa.kb.actions import ArticleDraft, save_article, save_category, save_section
from sapa.kb.models import ArticleStatus, Event, EventKind
from tests.builders import inbound
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


class EnglishClient(Client):
    """A visitor whose browser prefers English: the assertions below read English text."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(headers={"accept-language": "en"}, **kwargs)


@pytest.fixture
def client() -> Client:
    return EnglishClient()


LOGIN = reverse("help:portal_login")
HOME = reverse("help:portal_home")
REQUEST = reverse("help:portal_request", kwargs={"lang": "en"})
SUGGEST = reverse("help:portal_suggest", kwargs={"lang": "en"})
TOKEN = "formtoken-abcdefghij"


def _link_from_outbox() -> str:
    """The path of the sign-in link in the one mail sent."""
    assert len(mail.outbox) == 1
    found = re.search(r"^(https?://\S+)$", mail.outbox[0].body, re.MULTILINE)
    assert found is not None
    url = urlsplit(found.group(1))
    assert f"{url.scheme}://{url.netloc}" == settings.SAPA_BASE_URL
    assert url.path.startswith("/help/portal/masuk/")
    return url.path


def _ask_link(client: Client, email: str) -> Any:
    """POST the sign-in form; the mail it sends on commit goes out at once."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(LOGIN, {"email": email})


def _signed_in_client(email: str = "budi@example.com") -> Client:
    client = EnglishClient()
    _ask_link(client, email)
    path = _link_from_outbox()
    mail.outbox.clear()
    response = client.post(path)
    assert response.status_code == 302
    return client


def _request_data(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Sari Dewi",
        "email": "sari@example.com",
        "subject": "Paket belum sampai",
        "message": "Pesanan saya sudah seminggu belum sampai.",
        "website": "",
        "form_token": TOKEN,
        **overrides,
    }


def test_magic_link_signs_in_once() -> None:
    """A link mailed to a known address signs in once; the second use fails."""
    # given
    inbound("Halo, mau tanya", email="budi@example.com")
    client = EnglishClient()
    # when
    response = _ask_link(client, "Budi@Example.com")
    # then
    assert response.status_code == 200
    assert "We have sent a sign-in link if the email address is registered." in response.text
    path = _link_from_outbox()
    assert client.get(path).status_code == 200  # a confirmation page: nothing used up yet
    assert client.post(path).headers["Location"] == HOME
    customer = Customer.objects.get(identities__value="budi@example.com")
    assert client.session[SESSION_KEY]["customer_id"] == customer.pk
    assert client.get(HOME).status_code == 200

    other = EnglishClient()
    assert other.post(path).status_code == 400
    assert SESSION_KEY not in other.session
    assert other.get(path).status_code == 400


def test_unknown_email_gets_the_same_answer_and_no_mail() -> None:
    """The answer does not say which addresses are customers'."""
    inbound("Halo", email="budi@example.com")
    known = _ask_link(EnglishClient(), "budi@example.com")
    unknown = _ask_link(EnglishClient(), "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["budi@example.com"]
    assert PortalLink.objects.count() == 1


def test_expired_link_fails(settings: Any) -> None:
    """A link older than SAPA_PORTAL_LINK_MINUTES signs nobody in."""
    settings.SAPA_PORTAL_LINK_MINUTES = 30
    inbound("Halo", email="budi@example.com")
    with clock.frozen_at(clock.now() - timedelta(minutes=31)):
        _ask_link(EnglishClient(), "budi@example.com")
    client = EnglishClient()
    response = client.post(_link_from_outbox())
    assert response.status_code == 400
    assert "expired or was already used" in response.text
    assert SESSION_KEY not in client.session
    assert PortalLink.objects.get().used_at is None


def test_old_sign_in_links_are_deleted_a_day_after_expiry() -> None:
    inbound("Halo", email="budi@example.com")
    with clock.frozen_at(clock.now() - timedelta(days=2)):
        _ask_link(EnglishClient(), "budi@example.com")
    _ask_link(EnglishClient(), "budi@example.com")
    assert delete_expired_sign_in_links.call_local() == 1
    assert PortalLink.objects.count() == 1


def test_link_requests_are_rate_limited() -> None:
    """Past five links an hour for one address, no more mail goes out."""
    inbound("Halo", email="budi@example.com")
    client = EnglishClient()
    for _attempt in range(5):
        assert _ask_link(client, "budi@example.com").status_code == 200
    response = _ask_link(client, "budi@example.com")
    assert response.status_code == 429
    assert len(mail.outbox) == 5


def test_sign_out() -> None:
    inbound("Halo", email="budi@example.com")
    client = _signed_in_client()
    assert client.get(reverse("help:portal_logout")).status_code == 405
    response = client.post(reverse("help:portal_logout"))
    assert response.headers["Location"] == LOGIN
    assert client.get(HOME).headers["Location"] == LOGIN


def test_not_signed_in_is_sent_to_sign_in() -> None:
    result = inbound("Halo", email="budi@example.com")
    client = EnglishClient()
    assert client.get(HOME).headers["Location"] == LOGIN
    ticket_page = reverse("help:portal_ticket", kwargs={"number": result.ticket_number})
    assert client.get(ticket_page).headers["Location"] == LOGIN


def test_my_tickets_lists_every_channel_of_the_customer_only() -> None:
    """An email ticket and a WhatsApp ticket of one customer show; another's does not."""
    # given: one customer known by email and WhatsApp (the WhatsApp message named both)
    email_ticket = inbound("Pesanan belum sampai", email="budi@example.com", subject="Paket")
    whatsapp_ticket = inbound(
        "Mau ganti alamat", channel=Channel.WHATSAPP, email="budi@example.com", phone="081234567890"
    )
    others = inbound("Rahasia orang lain", email="ani@example.com", subject="Punya Ani")
    assert email_ticket.customer_id == whatsapp_ticket.customer_id != others.customer_id
    assert Identity.objects.filter(customer_id=email_ticket.customer_id).count() == 2
    # when
    response = _signed_in_client().get(HOME)
    # then
    assert response.status_code == 200
    assert f"#{email_ticket.ticket_number}" in response.text
    assert f"#{whatsapp_ticket.ticket_number}" in response.text
    assert "WhatsApp" in response.text
    assert f"#{others.ticket_number}<" not in response.text
    assert "Punya Ani" not in response.text


def test_my_tickets_takes_the_same_queries_for_more_tickets() -> None:
    inbound("Satu", email="budi@example.com", thread_by_recency=False)
    client = _signed_in_client()
    with CaptureQueriesContext(connection) as one:
        assert client.get(HOME).status_code == 200
    for text in ("Dua", "Tiga", "Empat"):
        inbound(text, email="budi@example.com", thread_by_recency=False)
    with CaptureQueriesContext(connection) as four:
        response = client.get(HOME)
    assert response.text.count("/help/portal/tiket/") == 8
    assert len(four) == len(one)


def test_ticket_page_hides_internal_notes() -> None:
    """Both sides of the conversation show, internal notes never."""
    result = inbound("Paket saya di mana?", email="budi@example.com", subject="Paket")
    ticket = Ticket.objects.get(pk=result.ticket_id)
    agent = AgentFactory(role=Role.AGENT, first_name="Rina")
    add_note(ticket, text="CATATAN INTERNAL: pelanggan rewel", actor=Actor.for_agent(agent))
    reply(ticket, text="Paket sedang dikirim ulang.", actor=Actor.for_agent(agent))

    response = _signed_in_client().get(
        reverse("help:portal_ticket", kwargs={"number": result.ticket_number})
    )

    assert response.status_code == 200
    assert "Paket saya di mana?" in response.text
    assert "Paket sedang dikirim ulang." in response.text
    assert "Rina" in response.text
    assert "CATATAN INTERNAL" not in response.text


def test_another_customers_ticket_is_not_found() -> None:
    """Another customer's number and a missing number give the same 404."""
    inbound("Halo", email="budi@example.com")
    others = inbound("Rahasia", email="ani@example.com")
    client = _signed_in_client()
    theirs = client.get(reverse("help:portal_ticket", kwargs={"number": others.ticket_number}))
    missing = client.get(reverse("help:portal_ticket", kwargs={"number": 999_999}))
    assert theirs.status_code == missing.status_code == 404
    assert "Rahasia" not in theirs.text
    before = Message.objects.count()
    posted = client.post(
        reverse("help:portal_ticket", kwargs={"number": others.ticket_number}), {"text": "hai"}
    )
    assert posted.status_code == 404
    assert Message.objects.count() == before


def test_reply_adds_a_web_message_to_the_ticket() -> None:
    result = inbound("Halo", email="budi@example.com")
    client = _signed_in_client()
    page = reverse("help:portal_ticket", kwargs={"number": result.ticket_number})

    response = client.post(
        page,
        {"text": "Ini foto paketnya", "attachments": [SimpleUploadedFile("paket.txt", b"isi")]},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == page
    added = Message.objects.filter(ticket_id=result.ticket_id).latest("id")
    assert (added.text, added.channel, added.direction) == (
        "Ini foto paketnya",
        Channel.WEB,
        Direction.INBOUND,
    )
    assert added.author_customer_id == result.customer_id
    assert [a.filename for a in added.attachments.all()] == ["paket.txt"]
    assert "paket.txt" in client.get(page).text


def test_request_form_creates_a_web_ticket_and_counts_the_request() -> None:
    """A request opens a web ticket for the customer found by email and is counted."""
    # given
    known = inbound("Halo", email="sari@example.com", name="Sari Dewi")
    client = EnglishClient()
    page = client.get(REQUEST)
    assert page.status_code == 200
    assert 'name="form_token"' in page.text
    # when
    response = client.post(REQUEST, _request_data())
    # then
    assert response.status_code == 200
    ticket = Ticket.objects.get(origin_channel=Channel.WEB)
    assert f"#{ticket.number}" in response.text
    assert ticket.customer_id == known.customer_id
    assert ticket.subject == "Paket belum sampai"
    assert ticket.messages.get().text == "Pesanan saya sudah seminggu belum sampai."
    assert Event.objects.filter(kind=EventKind.REQUEST_SUBMITTED, session=TOKEN).count() == 1
    # the same form sent twice (a double click) makes no second ticket
    client.post(REQUEST, _request_data())
    assert Ticket.objects.filter(origin_channel=Channel.WEB).count() == 1
    assert Event.objects.filter(kind=EventKind.REQUEST_SUBMITTED).count() == 1


def test_request_form_is_prefilled_when_signed_in() -> None:
    inbound("Halo", email="budi@example.com")
    response = _signed_in_client().get(REQUEST)
    assert 'value="budi@example.com"' in response.text


def test_honeypot_pretends_success_and_creates_nothing() -> None:
    response = EnglishClient().post(REQUEST, _request_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "we received your request" in response.text
    assert Ticket.objects.count() == 0
    assert Customer.objects.count() == 0


def test_request_rate_limit(settings: Any) -> None:
    settings.SAPA_PORTAL_REQUESTS_PER_HOUR = 2
    client = EnglishClient()
    for n in range(2):
        token = f"{TOKEN}-{n}"
        assert client.post(REQUEST, _request_data(form_token=token)).status_code == 200
    response = client.post(REQUEST, _request_data(form_token=f"{TOKEN}-x"))
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert Ticket.objects.count() == 2


def test_oversized_attachment_is_rejected(settings: Any) -> None:
    settings.SAPA_MAX_ATTACHMENT_BYTES = 10
    big = SimpleUploadedFile("besar.pdf", b"x" * 11, content_type="application/pdf")
    response = EnglishClient().post(REQUEST, _request_data(attachments=[big]))
    assert response.status_code == 200
    assert "besar.pdf is too large" in response.text
    assert Ticket.objects.count() == 0


def test_too_many_attachments_are_rejected(settings: Any) -> None:
    settings.SAPA_MAX_ATTACHMENTS = 1
    files = [SimpleUploadedFile(f"f{n}.txt", b"isi") for n in range(2)]
    response = EnglishClient().post(REQUEST, _request_data(attachments=files))
    assert "Attach at most 1 files." in response.text
    assert Ticket.objects.count() == 0


def test_script_in_subject_stays_inert() -> None:
    """A <script> in a subject is shown as text on the customer's pages."""
    client = EnglishClient()
    client.post(
        REQUEST,
        _request_data(email="budi@example.com", subject="<script>alert(1)</script>"),
    )
    ticket = Ticket.objects.get()
    assert ticket.subject == "<script>alert(1)</script>"
    signed_in = _signed_in_client()
    for path in (HOME, reverse("help:portal_ticket", kwargs={"number": ticket.number})):
        text = signed_in.get(path).text
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.fixture
def article(settings: Any) -> Any:
    settings.SAPA_EMBEDDINGS = "off"
    actor = Actor.for_agent(AgentFactory(role=Role.ADMIN, username="editor"))
    category = save_category(actor, name="Pengiriman")
    section = save_section(actor, category, name="Lacak paket")
    draft = ArticleDraft(
        section=section,
        title="Cara melacak paket",
        body="Buka menu pesanan lalu pilih lacak paket untuk melihat posisi kiriman.",
        status=ArticleStatus.PUBLISHED,
    )
    return save_article(actor, draft)


def test_suggestions_link_matching_articles_with_the_form_token(article: Any) -> None:
    """Typing a subject suggests articles; the search is recorded for the form once."""
    response = EnglishClient().get(SUGGEST, {"subject": "lacak paket", "form_token": TOKEN})
    assert response.status_code == 200
    url = reverse(
        "help:article", kwargs={"lang": "id", "article_id": article.pk, "slug": article.slug}
    )
    assert f'href="{url}?s={TOKEN}"' in response.text
    EnglishClient().get(SUGGEST, {"subject": "lacak  paket", "form_token": TOKEN})
    searches = Event.objects.filter(kind=EventKind.SEARCH, session=TOKEN)
    assert [(e.source, e.results) for e in searches] == [("request_form", 1)]


def test_suggestions_need_a_few_characters(article: Any) -> None:
    response = EnglishClient().get(SUGGEST, {"subject": "la", "form_token": TOKEN})
    assert response.status_code == 200
    assert "href" not in response.text
    assert not Event.objects.filter(kind=EventKind.SEARCH).exists()


def test_posts_need_csrf() -> None:
    inbound("Halo", email="budi@example.com")
    client = Client(enforce_csrf_checks=True)
    assert client.post(LOGIN, {"email": "budi@example.com"}).status_code == 403
    assert client.post(REQUEST, _request_data()).status_code == 403
    assert len(mail.outbox) == 0
    assert Ticket.objects.count() == 1


def test_unknown_language_is_not_found() -> None:
    assert EnglishClient().get("/help/xx/permintaan/").status_code == 404


def test_pages_follow_the_url_language() -> None:
    assert (
        EnglishClient().get(reverse("help:portal_request", kwargs={"lang": "en"}))[
            "Content-Language"
        ]
        == "en"
    )
