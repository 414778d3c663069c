"""Reviews in a real browser against the real server: a customer writes one through the
signed link; the widget on a shop's page renders a published review (with a script and an
image tag in its text) and the shop's reply inside a shadow root as text, the host page's
CSS does not reach in, and it passes axe."""

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from playwright.sync_api import Browser, expect

from tests.browser.conftest import AXE, SCREENSHOTS, Site
from tests.browser.test_console import _RUN_AXE, WCAG_TAGS

ATTACK = '<img src=x onerror="window.__sapaXss=1"><script>window.__sapaXss=2</script>'
_PUBLISH = """
from sapa.core.actors import Actor
from sapa.reviews import actions
from sapa.reviews.models import Review
review = Review.objects.get(pk={pk})
actions.approve_review(review, actor=Actor.system("browser-tests"))
actions.reply_to_review(review, text="Terima kasih, Kak!", actor=Actor.system("browser-tests"))
"""


def _delivered_order(site: Site, suffix: str) -> str:
    number = f"INV-R{suffix}"
    site.put_order(
        number,
        {"customer": {"name": "Rina Kurniawati", "email": f"rina.{suffix.lower()}@contoh.id"},
         "status": "delivered", "total_minor": 89000, "currency": "IDR",
         "placed_at": "2025-11-01T10:00:00+07:00",
         "items": [{"sku": "BK-1", "name": "Laskar Pelangi", "quantity": 1,
                    "unit_price_minor": 89000}]},
    )  # fmt: skip
    return number


def _published_review(site: Site) -> str:
    """A delivered order, its review sent by the shop and published with a reply."""
    suffix = uuid.uuid4().hex[:6].upper()
    number = _delivered_order(site, suffix)
    text = f"Buku sampai dengan aman {suffix} {ATTACK}"
    status, body = site.api(
        "POST", "reviews", {"order_number": number, "stars": 4, "title": "Mantap", "text": text}
    )
    assert status == 201, body
    site.cli("shell", "-c", _PUBLISH.format(pk=body["id"]))
    return suffix


def test_a_customer_reviews_an_order_through_the_link(site: Site, browser: Browser) -> None:
    # given: the link the shop puts in its email
    number = _delivered_order(site, uuid.uuid4().hex[:6].upper())
    status, body = site.api("GET", f"orders/{number}/review-link")
    assert status == 200, body
    context = browser.new_context(locale="en-GB", base_url=site.base_url)
    page = context.new_page()
    # when: four stars and a few words
    page.goto(urlsplit(body["url"]).path)
    expect(page.get_by_text("1\u00d7 Laskar Pelangi")).to_be_visible()
    page.locator("label[for=id_stars_1]").click()
    page.get_by_label("Your review").fill("Bukunya sampai dengan aman, terima kasih!")
    page.get_by_role("button", name="Send review").click()
    # then
    expect(page.get_by_role("status")).to_contain_text("Thank you for your review!")
    expect(page.locator("#id_stars_1")).to_be_checked()
    context.close()


def test_the_widget_renders_published_reviews_as_text(site: Site, browser: Browser) -> None:
    # given: a shop page that embeds the widget, with CSS that would restyle everything
    suffix = _published_review(site)
    page_html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Toko Uji</title><style>* {{ color: red !important; font-size: 40px !important; }}</style>
</head><body><main><h1>Toko Uji</h1>
<script src="{site.base_url}/r/widget.js" data-sapa-reviews data-limit="3" async></script>
</main></body></html>"""
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    review = page.locator(".sapa-reviews-host .review", has_text=suffix)
    # when
    with _shop_server(page_html) as shop_url:
        page.goto(shop_url)
        expect(review).to_be_visible()
    # then: in a shadow root, the text as text, the reply under it, the page's CSS kept out
    expect(review.locator(".review-text")).to_contain_text("<script>window.__sapaXss=2</script>")
    expect(review.locator(".stars")).to_have_attribute("aria-label", "4 out of 5 stars")
    expect(review.locator(".reply-text")).to_have_text("Terima kasih, Kak!")
    expect(page.locator(".sapa-reviews-host .heading")).to_have_text("Customer reviews")
    assert page.evaluate("() => window.__sapaXss") is None
    shadow_tags = "() => document.querySelector('.sapa-reviews-host').shadowRoot"
    assert page.evaluate(shadow_tags + ".querySelectorAll('img, script').length") == 0
    colour = review.locator(".review-text").evaluate("(el) => getComputedStyle(el).color")
    assert colour != "rgb(255, 0, 0)"
    # and it passes axe's WCAG 2.1 A/AA checks
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(_RUN_AXE, WCAG_TAGS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reviews-widget.png"), full_page=True)
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=2, ensure_ascii=False)
    assert errors == []
    context.close()


@contextmanager
def _shop_server(html: str) -> Iterator[str]:
    """The shop's page from its own loopback server: another origin than Sapa's (the
    widget's requests are really cross-origin), and both on loopback (Chromium blocks a
    public page from reaching a loopback address)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
