"""One customer, every channel: a customer known by email writes later on WhatsApp and
then walks into the store, and the console shows one customer with one history.

The email and WhatsApp messages come in through the inbound API (the adapters' own formats
are covered by their contract tests); the store visit is logged by an agent on the walk-in
screen in the browser, two clicks after finding the customer by phone.
"""

import uuid

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, Console, Site

_STORE = """
from sapa.channels.walkin.locations import LocationSettings, save_location
from sapa.channels.walkin.models import StoreLocation
from sapa.core.actors import Actor
if not StoreLocation.objects.filter(code="JKT01").exists():
    save_location(LocationSettings(code="JKT01", name="Toko Kemang", address="Jl. Kemang Raya 8"),
                  actor=Actor.system("browser-tests"))
"""


def test_email_whatsapp_and_a_store_visit_are_one_customer(console: Console, site: Site) -> None:
    # given: a customer who wrote by email and left her phone number with an order
    suffix = uuid.uuid4().hex[:6]
    email = f"dewi.{suffix}@contoh.id"
    phone = f"+62813{uuid.uuid4().int % 10**8:08d}"
    site.cli("shell", "-c", _STORE)
    by_email = site.inbound(
        channel="email", **{"from": {"name": "Dewi Anggraini", "email": email}},
        subject="Stok novel", text="Halo, novel Bumi Manusia masih ada stok?",
    )  # fmt: skip
    site.put_order(
        f"INV-{suffix.upper()}",
        {"customer": {"name": "Dewi Anggraini", "email": email, "phone": phone},
         "status": "paid", "total_minor": 120000, "placed_at": "2026-11-20T10:00:00+07:00"},
    )  # fmt: skip
    # when: she writes on WhatsApp from that number
    by_whatsapp = site.inbound(
        channel="whatsapp", **{"from": {"name": "Dewi", "phone": phone}},
        text="Kak, pesanan saya bisa diambil di toko?",
    )  # fmt: skip
    assert by_whatsapp["customer_id"] == by_email["customer_id"]

    # and: walks into the store, where an agent finds her by phone and logs the visit
    page = console.as_agent("ani")
    page.goto(f"{site.base_url}/walkin/")
    page.fill("#walkin-q", phone)
    page.locator("form.walkin-search button[type=submit]").click()
    page.locator("a.log-button").first.click()
    page.fill("textarea[name=text]", "Ambil pesanan di toko, sekalian tanya jilid kedua.")
    page.locator("input[name=outcome]").first.check()
    page.locator("form.walkin-form button.save").click()
    expect(page.locator("[role=status], .messages").first).to_be_visible()

    # then: the customer page shows one history with all three channels
    page.goto(f"{site.base_url}/customers/{by_email['customer_id']}/")
    history = page.locator("ol.history")
    expect(history.locator(".ch-email").first).to_be_visible()
    expect(history.locator(".ch-whatsapp").first).to_be_visible()
    expect(history.locator(".ch-walkin").first).to_be_visible()
    expect(history).to_contain_text("novel Bumi Manusia")
    expect(history).to_contain_text("diambil di toko")
    expect(history).to_contain_text("jilid kedua")
    identities = page.locator(".customer-side .identities")
    expect(identities).to_contain_text(email)
    expect(identities).to_contain_text(phone)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "customer-one-history.png", full_page=True)
    status, timeline = site.api("GET", f"customers/{by_email['customer_id']}/timeline")
    assert status == 200
    channels = {
        item["data"].get("channel") for item in timeline["items"] if item["kind"] == "message"
    }
    assert {"email", "whatsapp", "walkin"} <= channels
