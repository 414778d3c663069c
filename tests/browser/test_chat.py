"""The chat widget on a shop page, end to end against a real Sapa: the bot checks an order
after verifying the visitor, hands over on request, and an agent in the console answers
live."""

import json
import uuid

from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS, Console, Site, wait_live

_MAKE_WIDGET = """
import json
from sapa.bot.config import BotSettingsChanges, get_settings, save_settings
from sapa.channels.chat.config import WidgetSettings, save_widget
from sapa.core.actors import Actor

actor = Actor.system("browser-tests")
save_settings(BotSettingsChanges(enabled=True, channels=("chat",), handoff_team_id=TEAM,
              vip_tag="vip", business_hours="", reply_minutes=5), actor=actor)
widget = save_widget(WidgetSettings(name="Situs toko", title="Toko Buku Sapa", team_id=TEAM),
                     actor=actor)
print(json.dumps({"key": widget.key}))
"""


def _make_widget(site: Site) -> str:
    script = _MAKE_WIDGET.replace("TEAM", str(site.teams["a"]))
    return str(json.loads(site.cli("shell", "-c", script).strip().splitlines()[-1])["key"])


def _order(site: Site, number: str) -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:6]
    email = f"rina.{suffix}@contoh.id"
    where = f"Paket diterima di gudang Cakung ({suffix})"
    site.put_order(
        number,
        {
            "customer": {"name": "Rina Kusuma", "email": email},
            "status": "shipped",
            "total_minor": 150000,
            "currency": "IDR",
            "placed_at": "2026-11-18T10:00:00+07:00",
            "shipments": [
                {
                    "carrier": "JNE",
                    "tracking_number": f"JP{suffix.upper()}",
                    "status": "in_transit",
                    "events": [
                        {"at": "2026-11-20T14:05:00+07:00", "status": "in_transit",
                         "description": where, "location": "Jakarta Timur"},
                    ],
                }
            ],
        },
    )  # fmt: skip
    return email, where


def _say(page: Page, text: str) -> None:
    page.locator("textarea").fill(text)
    page.locator("textarea").press("Enter")
    expect(page.locator(".msg-visitor").filter(has_text=text).last).to_be_visible()


def test_visitor_checks_an_order_then_talks_to_an_agent(console: Console, site: Site) -> None:
    key = _make_widget(site)
    email, where = _order(site, "10045")
    # given: Ani has the console open (she counts as online) ...
    ani = console.as_agent("ani")
    wait_live(ani)
    # ... and a visitor opens the shop's page with the widget
    visitor = console.browser.new_context(
        base_url=site.base_url, locale="id-ID", timezone_id="Asia/Jakarta",
        viewport={"width": 1280, "height": 860},
    )  # fmt: skip
    console.contexts.append(visitor)
    page = visitor.new_page()
    page.on("pageerror", lambda error: console.page_errors.append(f"widget: {error}"))
    page.goto(f"/chat/demo/?key={key}")
    page.locator(".launcher").click()
    expect(page.locator("textarea")).to_be_visible()

    # when: they ask where order 10045 is
    _say(page, "min pesanan 10045 udh sampe mana ya?")
    # then: the bot asks for the order's email or phone first, telling nothing yet
    question = page.locator(".msg-bot").last
    expect(question).to_contain_text("email")
    expect(page.locator(".msg-bot").filter(has_text=where)).to_have_count(0)

    # when: they give the order's email
    _say(page, email)
    # then: the bot tells the status with the shipment's latest event
    expect(page.locator(".msg-bot").last).to_contain_text(where)
    expect(page.locator(".msg-bot").last).to_contain_text("10045")

    # when: they ask for a person
    _say(page, "mau ngomong sama orang aja")
    # then: the bot says who will answer, and is silent from now on
    expect(page.locator(".msg-bot").last).to_contain_text("Tim Pengiriman")
    page.screenshot(path=str(SCREENSHOTS / "chat-e2e-visitor-handoff.png"))

    # then: the chat is in Ani's inbox, live, and its page has the transcript and the note
    row = ani.locator(".ticket-row", has_text="pesanan 10045")
    expect(row).to_be_visible()
    row.locator("a.row-main").click()
    ani.wait_for_url("**/tickets/*/")
    bot_answer = ani.locator(".entry.direction-outbound").filter(has_text=where)
    expect(bot_answer).to_have_count(1)
    note = ani.locator(".entry.direction-note")
    expect(note).to_contain_text("10045")
    expect(note).to_contain_text("mau ngomong sama orang aja")
    # the intent the bot read in each of the customer's messages
    first = ani.locator(".entry.direction-inbound").filter(has_text="udh sampe mana")
    expect(first.locator(".intent-pill")).to_contain_text("Status pesanan")
    last = ani.locator(".entry.direction-inbound").filter(has_text="orang aja")
    expect(last.locator(".intent-pill")).to_contain_text("agen")
    ani.screenshot(path=str(SCREENSHOTS / "chat-e2e-agent-ticket.png"), full_page=True)

    # when: Ani answers
    wait_live(ani)
    answer = "Halo Kak Rina, saya Ani. Paketnya sudah di Jakarta, besok diantar ya."
    ani.fill("#reply-text", answer)
    with ani.expect_navigation():
        ani.click("#panel-reply button[type=submit]")
    # then: the visitor sees it live, from Ani
    reply = page.locator(".msg-agent").last
    expect(reply).to_contain_text(answer)
    expect(reply).to_contain_text("Ani")
    page.screenshot(path=str(SCREENSHOTS / "chat-e2e-visitor-answered.png"))
