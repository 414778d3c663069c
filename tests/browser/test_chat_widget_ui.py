"""The chat widget on its own, in a real browser, against a stand-in for the Sapa server.

The shop page (http://shop.test) and Sapa (http://sapa.test) are answered by Playwright
routes: widget.js and widget.css come from the repository, the JSON endpoints and the
websocket from `FakeSapa`, which records what the widget sent. That keeps these tests about
the widget (rendering, accessibility, the protocol's client side) and leaves the real
server to the end-to-end test. The strings are the real ones (English msgids, so the
checks do not depend on the translations).
"""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, ViewportSize, WebSocketRoute, expect

from sapa.channels.chat.strings import widget_strings
from tests.browser.conftest import AXE, SCREENSHOTS, WAIT_MS
from tests.browser.test_console import _RUN_AXE, WCAG_TAGS

WIDGET_DIR = Path(__file__).resolve().parents[2] / "src/sapa/channels/chat/static/chat"
SAPA = "http://sapa.test"
SHOP = "http://shop.test"
KEY = "wk_test"
TOKEN = "visitor-token-1"
SIZE_LIMIT_BYTES = 50 * 1024
SHOP_PAGE = f"""<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Toko Uji</title>
<style>* {{ color: red !important; font-size: 40px !important; }}
button {{ display: none !important; }}</style>
</head><body><main><h1>Toko Uji</h1><a href="#katalog">Katalog</a></main>
<script src="{SAPA}/chat/widget.js" data-sapa-key="{KEY}" async></script></body></html>"""
CORS = {
    "Access-Control-Allow-Origin": SHOP,
    "Access-Control-Allow-Headers": "Content-Type, X-Sapa-Visitor",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
}


def message(id: int, author: str, text: str, **extra: Any) -> dict[str, Any]:
    names = {"visitor": "", "bot": "Sapa Bot", "agent": "Sari", "system": ""}
    return {"id": id, "client_id": None, "author": author, "name": names[author], "text": text,
            "created_at": "2026-11-24T10:00:00+07:00", "attachments": [], "buttons": [],
            **extra}  # fmt: skip


@dataclass
class FakeSapa:
    """The server side of the protocol, scripted by the test."""

    strings: dict[str, str]
    session_status: int = 200
    conversation: dict[str, Any] | None = None
    prechat_fields: list[str] = field(default_factory=list)
    visitor: dict[str, str] = field(
        default_factory=lambda: {"name": "", "email": "budi@contoh.id", "whatsapp": ""}
    )
    availability: dict[str, Any] = field(
        default_factory=lambda: {"online": True, "message": "Biasanya membalas dalam 15 menit"}
    )
    failures: dict[str, int] = field(default_factory=dict)  # path -> answers to fail with 503
    answers: dict[str, tuple[int, Any]] = field(default_factory=dict)  # path -> (status, body)
    events: list[dict[str, Any]] = field(default_factory=list)  # for the next long-poll
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    sockets: list[WebSocketRoute] = field(default_factory=list)
    socket_urls: list[str] = field(default_factory=list)
    socket_sent: list[dict[str, Any]] = field(default_factory=list)
    next_id: int = 100

    def session(self) -> dict[str, Any]:
        return {
            "token": TOKEN,
            "visitor": self.visitor,
            "lang": "en",
            "strings": self.strings,
            "widget": {"title": "Toko Uji", "colour": "#0f766e",
                       "prechat": {"fields": self.prechat_fields, "required": False},
                       "max_upload_bytes": 1024,
                       "upload_types": ["image/png", "application/pdf"]},
            "availability": self.availability,
            "conversation": self.conversation,
            "ws_url": "/ws/chat/",
            "events_url": "/chat/v1/events",
        }  # fmt: skip

    def sent(self, path: str) -> list[Any]:
        return [body for _method, p, body in self.requests if p == path]

    def handle(self, route: Route) -> None:
        request = route.request
        url = urlsplit(request.url)
        if url.path in ("/chat/widget.js", "/static/chat/widget.css"):
            name = url.path.rsplit("/", 1)[1]
            kind = "text/javascript" if name.endswith(".js") else "text/css"
            route.fulfill(body=(WIDGET_DIR / name).read_bytes(), content_type=kind, headers=CORS)
            return
        if request.method == "OPTIONS":
            route.fulfill(status=204, headers=CORS)
            return
        body: Any = None
        if request.post_data and "json" in (request.headers.get("content-type") or ""):
            body = json.loads(request.post_data)
        elif url.query:
            body = parse_qs(url.query)
        self.requests.append((request.method, url.path, body))
        assert request.headers.get("x-sapa-visitor") in ("", TOKEN), request.headers
        status, answer = self.answer(url.path, body)
        if status == 204:
            route.fulfill(status=204, headers=CORS)
        else:
            route.fulfill(status=status, json=answer, headers=CORS)

    def answer(self, path: str, body: Any) -> tuple[int, Any]:
        if self.failures.get(path):
            self.failures[path] -= 1
            return 503, {"detail": "Server sedang sibuk."}
        if path in self.answers:
            return self.answers[path]
        if path == "/chat/v1/session":
            return self.session_status, self.session() if self.session_status == 200 else {
                "detail": "no"
            }
        if path == "/chat/v1/messages":
            self.next_id += 1
            sent = message(self.next_id, "visitor", body["text"], client_id=body["client_id"])
            return 201, {"message": sent}
        if path == "/chat/v1/events":
            events, self.events = self.events, []
            return 200, {"events": events, "after": self.next_id}
        return 204, None

    def on_socket(self, ws: WebSocketRoute) -> None:
        self.sockets.append(ws)
        self.socket_urls.append(ws.url)
        ws.on_message(lambda data: self.socket_sent.append(json.loads(data)))

    def push(self, event: dict[str, Any]) -> None:
        self.sockets[-1].send(json.dumps(event))


@pytest.fixture
def sapa() -> FakeSapa:
    return FakeSapa(strings=widget_strings("en"))


@pytest.fixture
def open_shop(browser: Browser, sapa: FakeSapa) -> Iterator[Any]:
    """Opens the shop page with the widget; every page's JavaScript errors fail the test."""
    contexts = []
    errors: list[str] = []

    def open_page(viewport: ViewportSize | None = None, *, websocket: bool = True) -> Page:
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800})
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.route(
            f"{SHOP}/**", lambda route: route.fulfill(body=SHOP_PAGE, content_type="text/html")
        )
        page.route(f"{SAPA}/**", sapa.handle)
        if websocket:
            page.route_web_socket(re.compile(r"^ws://sapa\.test/ws/chat/"), sapa.on_socket)
        else:
            page.add_init_script("delete window.WebSocket")
        page.goto(f"{SHOP}/produk")
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == []


def until(page: Page, condition: Callable[[], Any]) -> None:
    """Wait for something the routes record (their handlers run while Playwright waits)."""
    for _ in range(WAIT_MS // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("timed out")


def shown(page: Page) -> None:
    """Wait until the widget has loaded its CSS and shows the launcher."""
    expect(page.locator(".launcher")).to_be_visible()


def test_the_widget_is_small_and_never_writes_html() -> None:
    """widget.js and widget.css together stay under 50 KB, and the script has no innerHTML,
    outerHTML, insertAdjacentHTML, document.write or eval: text is only ever text."""
    # given: the two files
    script = (WIDGET_DIR / "widget.js").read_text(encoding="utf-8")
    size = len(script.encode()) + (WIDGET_DIR / "widget.css").stat().st_size

    # then
    assert size < SIZE_LIMIT_BYTES
    for forbidden in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
    ):
        assert forbidden not in script


def test_every_string_the_widget_shows_comes_from_the_server() -> None:
    """Each key widget.js looks up is in widget_strings, in both languages, and none is
    empty; the two languages have the same keys and the same placeholders."""
    # given
    script = (WIDGET_DIR / "widget.js").read_text(encoding="utf-8")
    used = set(re.findall(r'\bt\("([a-z_]+)"[,)]', script))
    used |= {f"field_{name}" for name in ("name", "email", "whatsapp")} | {"whatsapp_hint"}

    # when
    indonesian, english = widget_strings("id"), widget_strings("en")

    # then
    assert used - set(english) == set()
    assert set(indonesian) == set(english)
    assert all(english.values())
    assert all(indonesian.values())
    for key, text in english.items():
        assert re.findall(r"\{\w+\}", indonesian[key]) == re.findall(r"\{\w+\}", text), key


def test_the_launcher_opens_an_accessible_panel(open_shop: Any, sapa: FakeSapa) -> None:
    """The launcher says what it does and whether the panel is open; opening moves focus
    to the message box, Escape closes and gives focus back; the host page's CSS does not
    reach inside (its `button { display: none }` leaves the launcher visible)."""
    # given
    page = open_shop()
    shown(page)
    launcher = page.locator(".launcher")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    expect(launcher).to_have_attribute("aria-label", sapa.strings["open_chat"])

    # when
    launcher.click()

    # then
    panel = page.locator("#sapa-panel")
    expect(panel).to_be_visible()
    expect(panel).to_have_attribute("role", "dialog")
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(launcher.locator("svg").first).to_be_hidden()  # the launcher now shows a cross
    expect(page.locator("[role=log]")).to_have_attribute("aria-live", "polite")
    expect(page.locator("textarea")).to_be_focused()
    assert page.locator("textarea").evaluate("el => getComputedStyle(el).fontSize") != "40px"
    assert sapa.sent("/chat/v1/session")[0]["key"] == KEY
    assert sapa.sent("/chat/v1/session")[0]["page_url"] == f"{SHOP}/produk"

    # when
    page.keyboard.press("Escape")

    # then
    expect(panel).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")


def test_message_text_is_shown_as_text_with_safe_links(open_shop: Any, sapa: FakeSapa) -> None:
    """Markup in a message stays text; http(s) URLs become links that open a new tab
    without a referrer; other schemes stay text; line breaks are kept."""
    # given: an agent message with markup, a URL and a javascript: one
    text = (
        '<img src=x onerror="window.hacked=1">\n'
        "Lihat https://toko.test/resi?no=1. javascript:alert(1)"
    )
    sapa.conversation = {"status": "open", "agent": {"name": "Sari"}, "agent_read_up_to": 0,
                         "messages": [message(5, "agent", text)]}  # fmt: skip

    # when
    page = open_shop()
    shown(page)
    page.locator(".launcher").click()

    # then
    bubble = page.locator('.msg[data-id="5"] .bubble')
    expect(bubble).to_have_text(text)
    assert bubble.locator("img").count() == 0
    assert page.evaluate("window.hacked") is None
    links = bubble.locator("a")
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "https://toko.test/resi?no=1")
    expect(links).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(links).to_have_attribute("target", "_blank")
    assert bubble.evaluate("el => getComputedStyle(el).whiteSpace") == "pre-wrap"


def test_a_message_that_fails_is_retried_with_the_same_client_id(
    open_shop: Any, sapa: FakeSapa
) -> None:
    """The visitor's message shows at once; when sending fails it says so and a tap sends
    it again with the same client_id; the server's copy then replaces it."""
    # given: the first attempt will fail
    sapa.failures["/chat/v1/messages"] = 1
    page = open_shop()
    shown(page)
    page.locator(".launcher").click()

    # when
    page.locator("textarea").fill("Halo, pesanan saya belum sampai")
    page.keyboard.press("Enter")

    # then
    retry = page.locator(".msg-visitor .retry")
    expect(retry).to_have_text(sapa.strings["not_sent"])
    expect(page.locator(".error")).to_have_text("Server sedang sibuk.")

    # when
    retry.click()

    # then
    expect(page.locator('.msg-visitor[data-id="101"]')).to_contain_text(
        "Halo, pesanan saya belum sampai"
    )
    expect(page.locator(".msg-visitor")).to_have_count(1)
    first, second = sapa.sent("/chat/v1/messages")
    assert first["client_id"] == second["client_id"]
    assert second == {
        "text": "Halo, pesanan saya belum sampai",
        "client_id": first["client_id"],
        "choice": None,
    }
    expect(page.locator("textarea")).to_have_value("")


def test_quick_replies_send_their_label_with_the_choice(open_shop: Any, sapa: FakeSapa) -> None:
    """The newest bot message's buttons show under it; a tap sends the label as text with
    the button's value as the choice, and the buttons go."""
    # given
    buttons = [
        {"label": "1. Cek status pesanan", "value": "1"},
        {"label": "2. Retur", "value": "2"},
    ]
    sapa.conversation = {"status": "open", "agent": None, "agent_read_up_to": 0, "messages": [
        message(7, "bot", "Ada yang bisa dibantu?", buttons=[{"label": "Lama", "value": "x"}]),
        message(8, "bot", "Pilih salah satu:", buttons=buttons),
    ]}  # fmt: skip
    page = open_shop()
    shown(page)
    page.locator(".launcher").click()
    expect(page.locator(".reply")).to_have_count(2)
    expect(page.locator('.msg[data-id="8"] [role=group] .reply').first).to_have_text(
        "1. Cek status pesanan"
    )

    # when
    page.locator(".reply").first.click()

    # then
    expect(page.locator('.msg-visitor[data-id="101"]')).to_contain_text("1. Cek status pesanan")
    expect(page.locator(".reply")).to_have_count(0)
    assert sapa.sent("/chat/v1/messages")[0]["choice"] == "1"
    assert sapa.sent("/chat/v1/messages")[0]["text"] == "1. Cek status pesanan"


def test_websocket_events_show_typing_messages_receipts_and_the_end(
    open_shop: Any, sapa: FakeSapa
) -> None:
    """Over the websocket (token and cursor in its URL): an agent typing shows, their
    message replaces the indicator, "Read" marks the visitor's message the agents saw, the
    panel tells the server what the visitor read, and a solved conversation offers the
    transcript (to the visitor's email) and a new conversation."""
    # given: a conversation with one visitor message
    sapa.conversation = {"status": "open", "agent": None, "agent_read_up_to": 0,
                         "messages": [message(10, "visitor", "Halo")]}  # fmt: skip
    page = open_shop()
    shown(page)
    page.locator(".launcher").click()
    until(page, lambda: sapa.sockets)
    query = parse_qs(urlsplit(sapa.socket_urls[0]).query)
    assert query == {"token": [TOKEN], "after": ["10"]}

    # when: an agent types, then answers, then reads, then solves
    sapa.push({"type": "typing", "typing": True, "name": "Sari"})
    expect(page.locator(".typing")).to_contain_text("Sari")
    sapa.push({"type": "message", "message": message(11, "agent", "Halo juga, Kak!")})
    expect(page.locator('.msg[data-id="11"]')).to_contain_text("Halo juga, Kak!")
    expect(page.locator(".typing")).to_be_hidden()
    sapa.push({"type": "read", "up_to": 10})
    expect(page.locator('.msg[data-id="10"] .state')).to_have_text(sapa.strings["read"])
    sapa.push({"type": "status", "status": "solved", "agent": {"name": "Sari"},
               "availability": {"online": True, "message": "Online"}})  # fmt: skip

    # then
    expect(page.locator(".agent")).to_contain_text("Sari")
    expect(page.locator(".ended")).to_be_visible()
    expect(page.locator("#sapa-transcript")).to_have_value("budi@contoh.id")
    until(page, lambda: {"type": "read", "up_to": 11} in sapa.socket_sent)

    # when: a new conversation
    page.locator(".ended .wide").click()

    # then
    expect(page.locator(".msg")).to_have_count(0)
    assert sapa.sent("/chat/v1/new") == [{}]


def test_without_websocket_the_widget_long_polls(open_shop: Any, sapa: FakeSapa) -> None:
    """Where WebSocket is missing, the widget asks /chat/v1/events with its cursor and shows
    what comes back; typing and read go over HTTP."""
    # given
    sapa.conversation = {"status": "open", "agent": None, "agent_read_up_to": 0,
                         "messages": [message(20, "visitor", "Ada orang?")]}  # fmt: skip
    sapa.events = [{"type": "message", "message": message(21, "agent", "Ada, Kak. Saya Sari.")}]

    # when
    page = open_shop(websocket=False)
    shown(page)
    page.locator(".launcher").click()

    # then
    expect(page.locator('.msg[data-id="21"]')).to_contain_text("Saya Sari")
    first_poll = sapa.sent("/chat/v1/events")[0]
    assert first_poll == {"after": ["20"], "wait": ["25"]}
    until(page, lambda: {"up_to": 21} in sapa.sent("/chat/v1/read"))


def test_the_prechat_form_shows_field_errors_and_can_be_skipped(
    open_shop: Any, sapa: FakeSapa
) -> None:
    """Before the first message the pre-chat fields are asked; the server's error shows
    under its field; "skip" goes straight to the message box."""
    # given
    sapa.prechat_fields = ["name", "email", "whatsapp"]
    sapa.visitor = {"name": "", "email": "", "whatsapp": ""}
    sapa.answers["/chat/v1/profile"] = (
        400,
        {"detail": [{"loc": ["body", "email"], "msg": "Alamat email tidak valid."}]},
    )
    page = open_shop()
    shown(page)
    page.locator(".launcher").click()
    expect(page.locator(".composer")).to_be_hidden()
    expect(page.locator("#sapa-field-name")).to_be_focused()

    # when
    page.locator("#sapa-field-email").fill("bukan-email")
    page.locator(".prechat button[type=submit]").click()

    # then
    expect(page.locator("#sapa-field-email-error")).to_have_text("Alamat email tidak valid.")
    expect(page.locator("#sapa-field-email")).to_have_attribute("aria-invalid", "true")
    assert sapa.sent("/chat/v1/profile") == [{"name": "", "email": "bukan-email", "whatsapp": ""}]

    # when
    page.locator(".prechat .secondary").click()

    # then
    expect(page.locator(".prechat")).to_be_hidden()
    expect(page.locator("textarea")).to_be_focused()


def test_offline_notice_and_phone_layout(open_shop: Any, sapa: FakeSapa) -> None:
    """Outside business hours the panel says when to expect an answer; on a phone the panel
    fills the screen. Both pass axe's WCAG 2.1 A/AA checks (screenshots saved)."""
    # given
    sapa.availability = {"online": False, "message": "Kami buka lagi Senin pukul 08.00 WIB."}
    page = open_shop({"width": 390, "height": 844})
    shown(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "chat-widget-closed-phone.png")

    # when
    page.locator(".launcher").click()

    # then
    expect(page.locator(".notice")).to_contain_text("Kami buka lagi Senin pukul 08.00 WIB.")
    # (the opening transition may still be finishing: compare to the pixel)
    page.wait_for_function(
        "() => document.querySelector('#sapa-chat').shadowRoot"
        ".querySelector('#sapa-panel').getAnimations({subtree: true}).length === 0"
    )
    box = page.locator("#sapa-panel").bounding_box()
    assert box is not None
    assert {k: round(v) for k, v in box.items()} == {"x": 0, "y": 0, "width": 390, "height": 844}
    page.screenshot(path=SCREENSHOTS / "chat-widget-offline-phone.png")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(_RUN_AXE, WCAG_TAGS)
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=2, ensure_ascii=False)


def test_a_refused_origin_renders_nothing(open_shop: Any, sapa: FakeSapa) -> None:
    """When the key may not be used on this site (403), the widget stays away."""
    # given
    sapa.session_status = 403

    # when
    page = open_shop()
    page.wait_for_load_state("networkidle")

    # then
    assert sapa.sent("/chat/v1/session")
    expect(page.locator("#sapa-chat")).to_have_count(0)


def test_a_returning_visitor_sends_the_stored_token(open_shop: Any, sapa: FakeSapa) -> None:
    """The token is kept per key in localStorage and sent again on the next page; the open
    panel stays open within the tab."""
    # given
    page = open_shop()
    shown(page)
    page.locator(".launcher").click()

    # when
    page.reload()
    shown(page)

    # then
    tokens = [body["token"] for body in sapa.sent("/chat/v1/session")]
    assert tokens == [None, TOKEN]
    assert page.evaluate(f"localStorage.getItem('sapa-chat:{KEY}')") == TOKEN
    expect(page.locator("#sapa-panel")).to_be_visible()
