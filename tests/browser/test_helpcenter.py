"""The public help center and the customer portal in a real browser, against the real server:
a customer searches in slang, reads and rates an article, sends a request after seeing a
suggested article, signs in with the emailed link and finds their tickets from every channel
(and nobody else's); the pages stay light on a phone and pass an accessibility check.

Selectors lean on addresses, names and roles rather than on wording, so the checks hold
whatever the Indonesian translations say.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect

from tests.browser.conftest import AXE, SCREENSHOTS, WAIT_MS, Console, Site, Story, make_story
from tests.browser.test_console import _RUN_AXE, WCAG_TAGS
from tests.channels.email.servers import SmtpCapture

SHOP_ADDRESS = "halo@toko-sapa.test"
PHONE = {"width": 375, "height": 812}
PAGE_WEIGHT_LIMIT = 100 * 1024
RETURN_ARTICLE = "Cara mengembalikan barang (retur)"
SHOP_REPLY = "Halo Kak, paketnya sudah di Jakarta Timur, besok sampai ya."
ARTICLES = [
    {
        "id": "retur",
        "lang": "id",
        "category": "Pengembalian",
        "section": "Retur barang",
        "title": RETURN_ARTICLE,
        "body": (
            "Barang yang rusak atau tidak sesuai pesanan bisa dikembalikan dalam 7 hari "
            "sejak diterima.\n\n## Langkah retur\n\n1. Buka **Pesanan saya** dan pilih "
            "pesanannya.\n2. Klik **Ajukan retur**, pilih barang dan alasannya, lalu unggah "
            "foto barang.\n3. Kirim barang ke gudang kami dengan kurir pilihan Anda.\n\n"
            "Dana dikembalikan paling lambat 3 hari kerja setelah barang kami terima."
        ),
        "tags": ["retur", "pengembalian"],
        "examples": ["gimana cara balikin barang", "mau retur barang rusak"],
    },
    {
        "id": "lacak",
        "lang": "id",
        "category": "Pesanan & Pengiriman",
        "section": "Pengiriman",
        "title": "Melacak paket pesanan",
        "body": (
            "Nomor resi muncul di **Pesanan saya** begitu paket diserahkan ke kurir. "
            "Klik **Lacak** untuk melihat posisi paket."
        ),
        "tags": ["resi", "kurir"],
    },
    {
        "id": "bayar",
        "lang": "id",
        "category": "Pembayaran",
        "section": "Metode pembayaran",
        "title": "Metode pembayaran yang tersedia",
        "body": "Kami menerima transfer bank, virtual account, QRIS, dan kartu kredit.",
        "tags": ["bayar", "qris"],
    },
]


@dataclass
class HelpCenter:
    """The module's world: the server, its mail catcher, two customers and the browser."""

    site: Site
    mail: SmtpCapture
    browser: Browser
    # Has an order and an earlier WhatsApp ticket; sends the web request in the story.
    customer: Story
    # Someone else, whose ticket the customer must never see.
    stranger_ticket_number: int
    contexts: list[BrowserContext] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    # Filled by the story, read by the later checks.
    web_ticket_number: int = 0
    signed_in: object = None

    def new_page(self, *, phone: bool = False, storage_state: object = None) -> Page:
        size = PHONE if phone else {"width": 1280, "height": 900}
        context = self.browser.new_context(
            base_url=self.site.base_url,
            locale="id-ID",
            timezone_id="Asia/Jakarta",
            viewport=size,
            is_mobile=phone,
            has_touch=phone,
            storage_state=storage_state,  # type: ignore[arg-type]
        )
        context.set_default_timeout(WAIT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))
        return page


@pytest.fixture(scope="module")
def help_center(
    site: Site, browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HelpCenter]:
    """Articles imported with `sapa kb import`, a shop mailbox whose SMTP server is a local
    capture (the portal's sign-in mail goes out through the first active mailbox), and two
    customers made through the HTTP API. The mailbox is disabled again at the end."""
    articles = tmp_path_factory.mktemp("kb") / "articles.jsonl"
    articles.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    site.cli("kb", "import", str(articles), "--no-embed")
    customer = make_story(site, "Putri Anggraini")
    status, reply = site.api(
        "POST", f"tickets/{customer.whatsapp_ticket_id}/replies", {"text": SHOP_REPLY}
    )
    assert status == 201, reply
    stranger = make_story(site, "Joko Susilo")
    stranger_ticket = site.ticket(stranger.whatsapp_ticket_id)
    with SmtpCapture() as mail:
        smtp = f"smtp+plain://{mail.host}:{mail.port}"
        site.cli("email", "mailbox", "add", SHOP_ADDRESS, "--name", "Toko Sapa", "--smtp", smtp)
        world = HelpCenter(
            site=site,
            mail=mail,
            browser=browser,
            customer=customer,
            stranger_ticket_number=int(stranger_ticket["number"]),
        )
        try:
            yield world
        finally:
            for context in world.contexts:
                context.close()
            site.cli("email", "mailbox", "disable", SHOP_ADDRESS)
    assert not world.page_errors, f"JavaScript errors: {world.page_errors}"


def _sign_in_link(mail: SmtpCapture, to: str, seen: int) -> str:
    """The path of the sign-in link in the newest mail to `to` after the first `seen`."""
    messages = mail.wait_for(seen + 1, timeout=WAIT_MS / 1000)
    mine = [m for m in messages[seen:] if to in m.rcpt_tos]
    assert mine, f"no sign-in mail to {to}: {[m.rcpt_tos for m in messages]}"
    body = mine[-1].message.get_body(preferencelist=("plain",))
    assert body is not None
    found = re.search(r"https?://\S+/help/portal/masuk/[\w-]+/", body.get_content())
    assert found, body.get_content()
    # The mail names SAPA_BASE_URL's host; the test server listens on another port.
    return urlsplit(found.group(0)).path


def _status(page: Page, path: str) -> int:
    response = page.goto(path)
    assert response is not None
    return response.status


def test_a_customer_finds_an_answer_asks_and_follows_their_tickets(
    help_center: HelpCenter,
) -> None:
    """Slang search with instant results, an article rated helpful, a request sent after a
    suggestion, then the emailed sign-in link: "Tiket saya" shows the web request and the
    earlier WhatsApp ticket, the ticket page opens, and another customer's number is a 404."""
    world, customer = help_center, help_center.customer
    page = world.new_page()

    # given: the help center's home
    page.goto("/help/id/")
    expect(page.locator("html")).to_have_attribute("lang", "id")

    # when: the customer types a question the way people chat
    page.locator("#help-q").press_sequentially("gmn cara retur brg", delay=20)
    # then: results appear under the box without leaving the page (htmx)
    instant = page.locator("#instant-results")
    first = instant.locator("a.result-title").first
    expect(first).to_have_text(RETURN_ARTICLE)
    assert urlsplit(page.url).path == "/help/id/"

    # when: they open it and say it helped
    first.click()
    page.wait_for_url("**/help/id/artikel/*-*/")
    expect(page.locator("article h1")).to_have_text(RETURN_ARTICLE)
    page.locator("#feedback button[name=helpful][value=yes]").click()
    # then: the vote is thanked, on the same article
    page.wait_for_url("**/help/id/artikel/*-*/#feedback")
    expect(page.locator("#feedback-title[role=status]")).to_be_visible()
    expect(page.locator("#feedback button")).to_have_count(0)

    # when: they still want to write, and type a subject on the request form
    page.locator(".still-need-help a[href='/help/id/permintaan/']").click()
    page.wait_for_url("**/help/id/permintaan/")
    page.fill("#id_name", customer.name)
    page.fill("#id_email", customer.email)
    page.locator("#id_subject").press_sequentially("retur barang rusak", delay=20)
    # then: an article that may answer it is suggested while they type
    suggestion = page.locator("#suggestions .suggestion-list a").first
    expect(suggestion).to_have_text(RETURN_ARTICLE)
    # and the honeypot stays out of sight (but not display:none, which bots skip)
    honeypot = page.locator(".hp-field")
    assert honeypot.evaluate("(el) => getComputedStyle(el).display") != "none"
    assert honeypot.bounding_box()["x"] < -1000  # type: ignore[index]

    # when: they send the request anyway
    page.fill("#id_message", "Kak, bukunya sampai dengan sampul sobek. Bisa diretur?")
    page.locator("form[action='/help/id/permintaan/'] button[type=submit]").click()
    # then: it is received with a ticket number
    number = page.locator("[role=status] strong")
    expect(number).to_have_text(re.compile(r"^#\d+$"))
    world.web_ticket_number = int(number.inner_text().lstrip("#"))

    # when: they ask for a sign-in link with the same address
    seen = len(world.mail.messages)
    page.goto("/help/portal/masuk/")
    page.fill("#id_email", customer.email)
    page.locator("form[action='/help/portal/masuk/'] button[type=submit]").click()
    expect(page.locator("#sent-title")).to_be_visible()
    # and open the emailed link, then confirm
    link = _sign_in_link(world.mail, customer.email, seen)
    page.goto(link)
    expect(page.locator("#magic-title")).to_be_visible()
    page.locator("main form button[type=submit]").click()

    # then: "Tiket saya" lists the web request and the earlier WhatsApp ticket
    page.wait_for_url("**/help/portal/")
    whatsapp_number = int(world.site.ticket(customer.whatsapp_ticket_id)["number"])
    rows = page.locator(".portal-tickets tbody tr")
    expect(rows).to_have_count(2)
    web_row = rows.filter(
        has=page.locator(f"a[href='/help/portal/tiket/{world.web_ticket_number}/']")
    )
    whatsapp_row = rows.filter(has=page.locator(f"a[href='/help/portal/tiket/{whatsapp_number}/']"))
    expect(web_row).to_contain_text("retur barang rusak")
    expect(whatsapp_row).to_contain_text(re.compile("whatsapp", re.IGNORECASE))
    world.signed_in = page.context.storage_state()

    # when: they open the web request
    web_row.locator("a").first.click()
    page.wait_for_url(f"**/help/portal/tiket/{world.web_ticket_number}/")
    # then: their message is there, shown as theirs
    expect(page.locator("#ticket-title")).to_contain_text("retur barang rusak")
    expect(page.locator(".portal-message-inbound .message-text")).to_contain_text("sampul sobek")

    # when: they put another customer's ticket number in the address
    status = _status(page, f"/help/portal/tiket/{world.stranger_ticket_number}/")
    # then: it is not found, exactly as a number that does not exist
    assert status == 404
    expect(page.locator("body")).not_to_contain_text("Joko")
    assert _status(page, "/help/portal/tiket/999999/") == 404


def _weigh(page: Page, path: str) -> tuple[int, dict[str, int]]:
    """Load `path` fresh and add up the bytes on the wire (headers and encoded bodies) of
    every response but images."""
    responses: list[Response] = []

    def keep(response: Response) -> None:
        responses.append(response)

    page.on("response", keep)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", keep)
    sizes: dict[str, int] = {}
    for response in responses:
        if response.request.resource_type == "image":
            continue
        measured = response.request.sizes()
        sizes[response.url] = measured["responseBodySize"] + measured["responseHeadersSize"]
    return sum(sizes.values()), sizes


def _article_path(page: Page) -> str:
    page.goto("/help/id/cari/?q=retur")
    return str(page.locator("a.result-title").first.get_attribute("href"))


@pytest.mark.parametrize("page_name", ["help-home", "help-article"])
def test_help_pages_are_light_on_a_phone(help_center: HelpCenter, page_name: str) -> None:
    """Under 100 KB on the wire, images aside, with an empty cache; screenshotted at phone
    width under var/screenshots/."""
    path = "/help/id/" if page_name == "help-home" else _article_path(help_center.new_page())
    fresh = help_center.new_page(phone=True)  # a new context: an empty cache

    total, sizes = _weigh(fresh, path)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    fresh.screenshot(path=SCREENSHOTS / f"{page_name}-phone.png", full_page=True)
    (SCREENSHOTS / f"weight-{page_name}.json").write_text(
        json.dumps({"total_bytes": total, "responses": sizes}, indent=2)
    )
    assert len(sizes) >= 2, sizes  # the page and its stylesheet at least
    assert total < PAGE_WEIGHT_LIMIT, json.dumps(sizes, indent=2)
    # and nothing is wider than the phone's screen
    assert fresh.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _signed_in(help_center: HelpCenter, *, phone: bool = False) -> Page:
    if help_center.signed_in is None:
        pytest.fail("the story test (first in this module) signs the customer in")
    return help_center.new_page(phone=phone, storage_state=help_center.signed_in)


def test_portal_pages_fit_a_phone(help_center: HelpCenter) -> None:
    """The request form (with a suggestion), the signed-in customer's tickets and their
    WhatsApp ticket, screenshotted at phone width: the conversation reads as a chat, the
    customer's messages on the right and the shop's on the left."""
    page = _signed_in(help_center, phone=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    whatsapp_number = help_center.site.ticket(help_center.customer.whatsapp_ticket_id)["number"]
    for name, path in (
        ("help-request-phone", "/help/id/permintaan/"),
        ("portal-tickets-phone", "/help/portal/"),
        ("portal-ticket-phone", f"/help/portal/tiket/{whatsapp_number}/"),
    ):
        assert _status(page, path) == 200, path
        if name == "help-request-phone":
            page.locator("#id_subject").press_sequentially("cara retur", delay=20)
            expect(page.locator("#suggestions .suggestion-list a").first).to_be_visible()
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name

    customer_says = page.locator(".portal-message-inbound").first.bounding_box()
    shop_says = page.locator(".portal-message-outbound").first
    expect(shop_says.locator(".message-text")).to_contain_text(SHOP_REPLY)
    shop_box = shop_says.bounding_box()
    assert customer_says is not None
    assert shop_box is not None
    assert shop_box["x"] < customer_says["x"]
    assert customer_says["x"] + customer_says["width"] > shop_box["x"] + shop_box["width"]


@pytest.mark.parametrize("page_name", ["home", "article", "request", "tickets", "ticket"])
def test_help_pages_pass_an_accessibility_check(help_center: HelpCenter, page_name: str) -> None:
    """axe-core finds no serious or critical WCAG 2.1 A/AA violation on the help center's
    home (with instant results), an article, the request form (with a suggestion showing),
    and the signed-in customer's tickets and ticket."""
    if page_name in ("tickets", "ticket"):
        page = _signed_in(help_center)
        number = help_center.site.ticket(help_center.customer.whatsapp_ticket_id)["number"]
        page.goto("/help/portal/" if page_name == "tickets" else f"/help/portal/tiket/{number}/")
    else:
        page = help_center.new_page()
    if page_name == "home":
        page.goto("/help/id/")
        page.locator("#help-q").press_sequentially("retur", delay=20)
        expect(page.locator("#instant-results a.result-title").first).to_be_visible()
    elif page_name == "article":
        page.goto(_article_path(page))
    elif page_name == "request":
        page.goto("/help/id/permintaan/")
        page.locator("#id_subject").press_sequentially("cara retur", delay=20)
        expect(page.locator("#suggestions .suggestion-list a").first).to_be_visible()
    page.wait_for_load_state("networkidle")

    # (evaluated, not injected as a <script>: the page's CSP rightly refuses inline scripts)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(_RUN_AXE, WCAG_TAGS)

    report = {"violations": results["violations"], "needs_review": results["incomplete"]}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    Path(SCREENSHOTS / f"axe-help-{page_name}.json").write_text(json.dumps(report, indent=2))
    assert results["rules_passed"] > 10
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=2, ensure_ascii=False)


def test_an_agent_puts_an_article_link_into_a_reply(
    help_center: HelpCenter, console: Console
) -> None:
    """The composer's "Insert article": search the knowledge base, pick a result, and its
    title with its public address lands in the reply."""
    page = console.as_agent("budi")
    ticket_id = help_center.customer.whatsapp_ticket_id
    page.goto(f"{help_center.site.base_url}/tickets/{ticket_id}/")
    page.locator("#reply-text").fill("Halo Kak,")
    page.locator("#kb-insert-q").fill("retur")
    pick = page.locator("[data-kb-insert]").first
    expect(pick).to_be_visible()
    pick.click()
    expect(page.locator("#reply-text")).to_have_value(
        re.compile(r"^Halo Kak,\n.+: http://[^ ]+/help/id/artikel/\d+-[a-z0-9-]+/$")
    )
