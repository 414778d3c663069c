"""The agent console in a real browser, against a real server: live updates over the
websocket, presence and collisions, what another team's agent can never reach, hostile
customer markup, screenshots, and an accessibility check of the main pages."""

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    AXE,
    MACRO_NAME,
    SCREENSHOTS,
    Console,
    Site,
    Story,
    wait_live,
)

HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>"


def _email_from(story: Story, *, subject: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "channel": "email",
        "from": {"name": story.name, "email": story.email},
        "subject": subject,
        "text": text,
        **extra,
    }


def _outbound_texts(site: Site, ticket_id: int) -> list[str]:
    messages = site.ticket(ticket_id)["messages"]
    return [m["text"] for m in messages if m["direction"] == "outbound"]


def test_agent_works_a_ticket_that_arrives_live(
    console: Console, site: Site, make_customer: Callable[[str], Story]
) -> None:
    """An agent signs in, sees a new email ticket arrive in the inbox without reloading,
    opens it, sees the customer's order with its tracking and their WhatsApp ticket, replies
    with a macro and sets the ticket pending, @mentions a colleague in a note and assigns the
    ticket to them; the colleague's bell counts both, live, and their list shows them."""
    # given: a customer with an order on its way and an earlier WhatsApp conversation
    siti = make_customer("Siti Rahmawati")
    # given: Ani signs in through the form; Budi has his inbox open
    ani = console.new_page()
    console.sign_in(ani, "ani")
    budi = console.as_agent("budi")
    wait_live(ani)
    wait_live(budi)
    expect(budi.locator("#notification-count")).to_have_text("")
    ani.evaluate("window.sameDocument = true")

    # when: the customer writes by email
    created = site.inbound(
        **_email_from(siti, subject="Paket belum sampai", text="Halo, paket saya belum sampai.")
    )
    ticket_id = created["ticket_id"]

    # then: the ticket shows in Ani's inbox, live (the same document, no reload)
    row = ani.locator(f'.ticket-row[data-ticket-id="{ticket_id}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text("Paket belum sampai")
    assert ani.evaluate("window.sameDocument") is True

    # when: she opens it
    row.locator("a.row-main").click()
    ani.wait_for_url(f"**/tickets/{ticket_id}/")
    # then: the customer panel shows the order, its tracking, and the WhatsApp ticket
    panel = ani.locator(".customer-panel")
    expect(panel.locator("details.order").first).to_contain_text(siti.order_number)
    expect(panel.locator("ol.tracking").first).to_contain_text(siti.tracking_text)
    other = panel.locator(".other-tickets li").filter(
        has=ani.locator(f'a[href="/tickets/{siti.whatsapp_ticket_id}/"]')
    )
    expect(other).to_have_count(1)
    expect(other.locator(".channel.ch-whatsapp")).to_have_count(1)

    # when: she inserts the macro, sets "then: pending" and sends
    wait_live(ani)
    ani.select_option("#macro-select", label=MACRO_NAME)
    expected_reply = f"Halo Siti, pesanan {siti.order_number} sedang dalam perjalanan. Salam, Ani"
    expect(ani.locator("#reply-text")).to_have_value(expected_reply)
    ani.select_option("#reply-status", "pending")
    with ani.expect_navigation():
        ani.click("#panel-reply button[type=submit]")
    # then: the reply is in the timeline and the ticket is pending
    expect(ani.locator(".entry.direction-outbound .text-body")).to_have_text(expected_reply)
    expect(ani.locator(".ticket-head .status-pill")).to_have_class(
        re.compile(r"\bstatus-pending\b")
    )

    # when: she adds a note mentioning Budi
    ani.click("#tab-note")
    expect(ani.locator("#note-text")).to_be_focused()
    ani.fill("#note-text", "@budi tolong cek alamat pengirimannya ya")
    with ani.expect_navigation():
        ani.click("#panel-note button[type=submit]")
    # then: the note is in the timeline, and Budi's bell shows it without a reload
    expect(ani.locator(".entry.direction-note")).to_contain_text("@budi tolong cek")
    expect(budi.locator("#notification-count")).to_have_text("1")

    # when: she assigns the ticket to Budi from the sidebar
    budi_id = str(site.agents["budi"])
    with ani.expect_navigation():
        ani.select_option("#side-assignee", budi_id)
    # then: Budi is the assignee, the ticket stays pending, and Budi's bell counts two
    expect(ani.locator("#side-assignee")).to_have_value(budi_id)
    expect(ani.locator("#side-status")).to_have_value("pending")
    expect(budi.locator("#notification-count")).to_have_text("2")
    ticket = site.ticket(ticket_id)
    assert (ticket["status"], ticket["assignee"]["id"]) == ("pending", site.agents["budi"])
    assert _outbound_texts(site, ticket_id) == [expected_reply]

    # then: Budi's notification list has both, unread, about this ticket
    budi.goto("/notifications/")
    unread = budi.locator(".notifications li.unread")
    expect(unread).to_have_count(2)
    for index in range(2):
        expect(unread.nth(index)).to_contain_text(f"#{created['ticket_number']} Paket belum")
        expect(unread.nth(index)).to_contain_text("· Ani Lestari")
    kinds = unread.locator("strong").all_inner_texts()
    assert len(set(kinds)) == 2, kinds  # mentioned, assigned


def test_presence_and_a_customer_message_while_composing(
    console: Console, site: Site, make_customer: Callable[[str], Story]
) -> None:
    """Two agents on one ticket see each other (viewing, typing); when the customer writes
    while one of them has a draft, sending answers 409 with "send anyway", and the reply
    goes out only after that confirmation."""
    # given: a ticket, open for Ani
    dewi = make_customer("Dewi Anggraini")
    created = site.inbound(**_email_from(dewi, subject="Ganti alamat", text="Mau ganti alamat."))
    ticket_id = created["ticket_id"]
    url = f"/tickets/{ticket_id}/"
    ani = console.as_agent("ani")
    ani.goto(url)
    wait_live(ani)
    viewing, typing = ani.evaluate(
        "[document.body.dataset.tViewing, document.body.dataset.tTyping]"
    )
    assert (viewing, typing) == ("sedang melihat tiket ini", "sedang mengetik…")

    # when: Budi opens the same ticket
    budi = console.as_agent("budi")
    budi.goto(url)
    wait_live(budi)
    # then: each sees the other on it at once (not at the next 20-second heartbeat)
    expect(ani.locator("#presence")).to_be_visible()
    expect(ani.locator("#presence")).to_have_text(f"Budi Santoso {viewing}", timeout=5_000)
    expect(budi.locator("#presence")).to_have_text(f"Ani Lestari {viewing}", timeout=5_000)

    # when: Budi starts typing a reply
    budi.locator("#reply-text").press_sequentially("Baik kak")
    # then: Ani sees that he is typing
    expect(ani.locator("#presence")).to_have_text(f"Budi Santoso {typing}")

    # when: Ani writes a draft, and the customer writes again meanwhile
    draft = "Alamat sudah kami ubah, Kak."
    ani.fill("#reply-text", draft)
    later = site.inbound(
        **_email_from(
            dewi,
            subject="Ganti alamat",
            text="Eh, alamatnya yang di Depok saja.",
            ticket_id=ticket_id,
        )
    )
    assert later["ticket_id"] == ticket_id
    # then: the new message shows in her timeline, live, with a notice; her draft stays
    expect(ani.locator(f"#message-{later['message_id']}")).to_contain_text("di Depok saja")
    expect(ani.locator("#toast")).to_be_visible()
    expect(ani.locator("#reply-text")).to_have_value(draft)

    # when: she sends
    with ani.expect_navigation() as sent:
        ani.click("#panel-reply button[type=submit]")
    # then: 409, a warning and a "send anyway" button; nothing went out
    assert sent.value is not None
    assert sent.value.status == 409
    expect(ani.locator("#panel-reply .warning[role=alert]")).to_be_visible()
    expect(ani.locator("#panel-reply button[type=submit]")).to_have_text("Tetap kirim")
    expect(ani.locator("#reply-text")).to_have_value(draft)
    expect(ani.locator(f"#message-{later['message_id']}")).to_be_visible()
    assert _outbound_texts(site, ticket_id) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ani.screenshot(path=SCREENSHOTS / "ticket-send-anyway.png", full_page=True)

    # when: she confirms
    with ani.expect_navigation() as confirmed:
        ani.click("#panel-reply button[type=submit]")
    # then: the reply is sent, once
    assert confirmed.value is not None
    assert confirmed.value.status == 200
    expect(ani.locator(".entry.direction-outbound .text-body")).to_have_text(draft)
    assert _outbound_texts(site, ticket_id) == [draft]


_PROBE_WATCH = """async (ticketId) => {
  if (!window.probe) {
    const socket = new WebSocket(`ws://${location.host}/ws/console/`);
    window.probe = {socket, received: []};
    socket.addEventListener("message", (e) => window.probe.received.push(JSON.parse(e.data)));
    await new Promise((resolve, reject) => {
      socket.addEventListener("open", resolve);
      socket.addEventListener("error", reject);
    });
  }
  window.probe.socket.send(JSON.stringify({type: "watch", ticket_id: ticketId}));
}"""


def test_another_teams_ticket_cannot_be_opened_or_watched(
    console: Console, site: Site, make_customer: Callable[[str], Story]
) -> None:
    """An agent of team A gets a 404 for a team B ticket's page and fragments, and a
    websocket watch of it answers with an error and shares no presence either way; watching
    a ticket she may see does share it."""
    # given: a ticket of team B, and a ticket in the shared queue
    eko = make_customer("Eko Prasetyo")
    created = site.inbound(**_email_from(eko, subject="Refund", text="Dana belum kembali."))
    team_b_ticket = created["ticket_id"]
    site.change_ticket(team_b_ticket, team_id=site.teams["b"])
    queue_ticket = eko.whatsapp_ticket_id
    # given: Citra (team B) has both open
    citra = console.as_agent("citra")
    citra.goto(f"/tickets/{team_b_ticket}/")
    wait_live(citra)
    citra_queue = console.as_agent("citra")
    citra_queue.goto(f"/tickets/{queue_ticket}/")
    wait_live(citra_queue)

    # when: Ani (team A) opens the team B ticket by its URL
    ani = console.as_agent("ani")
    response = ani.goto(f"/tickets/{team_b_ticket}/")
    # then: not found, like a ticket that does not exist; its fragments too
    assert response is not None
    assert response.status == 404
    for fragment in ("timeline/", f"macros/{site.macro_id}/"):
        assert ani.request.get(f"/tickets/{team_b_ticket}/{fragment}").status == 404

    # when: she asks the websocket to watch it
    ani.goto("/inbox/")
    wait_live(ani)
    ani.evaluate(_PROBE_WATCH, team_b_ticket)
    # then: an error comes back
    ani.wait_for_function("() => window.probe.received.some((m) => m.type === 'error')")
    errors = ani.evaluate("window.probe.received.filter((m) => m.type === 'error')")
    assert errors == [{"type": "error", "error": "ticket_not_found", "ticket_id": team_b_ticket}]
    # when: Citra types on the team B ticket
    citra.locator("#reply-text").press_sequentially("Sedang kami cek")

    # when: she then watches the queue ticket, and Citra types there
    ani.evaluate(_PROBE_WATCH, queue_ticket)
    expect(citra_queue.locator("#presence")).to_contain_text("Ani Lestari")
    citra_queue.locator("#reply-text").press_sequentially("Halo")
    ani.wait_for_function(
        "() => window.probe.received.some((m) => m.type === 'ticket.presence'"
        " && m.state === 'typing')"
    )
    # then: she heard Citra only on the ticket she may see, and Citra never saw her on the
    # team B ticket
    presence = ani.evaluate(
        "window.probe.received.filter((m) => m.type === 'ticket.presence')"
        ".map((m) => [m.ticket_id, m.agent_id])"
    )
    assert set(map(tuple, presence)) == {(queue_ticket, site.agents["citra"])}
    expect(citra.locator("#presence")).to_be_hidden()
    expect(citra.locator("#presence")).to_have_text("")


_INERT_CHECK = """(selector) => {
  const scope = document.querySelector(selector);
  const handlers = [...scope.querySelectorAll("*")].flatMap((el) =>
    [...el.attributes].filter((a) => a.name.startsWith("on"))
      .map((a) => el.tagName + " " + a.name));
  return {scripts: scope.querySelectorAll("script").length, handlers};
}"""


def test_hostile_customer_markup_stays_harmless(console: Console, site: Site) -> None:
    """Script and event-handler markup from a customer (as text, as HTML, in the subject and
    name) shows as text or inert markup on the inbox, the ticket and the customer page, also
    when the timeline is refreshed live: no dialog opens, no script reaches the DOM."""
    # given: a customer whose name, subject, text and HTML carry markup (team B: Citra's)
    sender = {"name": f"Mallory {HOSTILE}", "email": f"mallory.{uuid.uuid4().hex[:6]}@contoh.id"}
    subject = f"Tolong {HOSTILE}"
    as_text = site.inbound(channel="email", subject=subject, text=HOSTILE, **{"from": sender})
    ticket_id = as_text["ticket_id"]
    as_html = site.inbound(
        channel="email", subject=subject, html=HOSTILE, ticket_id=ticket_id, **{"from": sender}
    )
    site.change_ticket(ticket_id, team_id=site.teams["b"])
    citra = console.as_agent("citra")
    dialogs: list[str] = []
    citra.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # when: Citra looks at her inbox, the ticket and the customer
    citra.goto("/inbox/")
    row = citra.locator(f'.ticket-row[data-ticket-id="{ticket_id}"]')
    expect(row.locator(".row-subject")).to_have_text(subject)
    expect(row.locator(".row-customer")).to_have_text(sender["name"])
    citra.goto(f"/tickets/{ticket_id}/")
    wait_live(citra)
    # then: the text is shown as written; the HTML lost its script and handler
    expect(citra.locator(f"#message-{as_text['message_id']} .text-body")).to_have_text(HOSTILE)
    html_body = citra.locator(f"#message-{as_html['message_id']} .html-body")
    expect(html_body).to_be_attached()
    assert "alert" not in html_body.inner_html()
    expect(citra.locator("#ticket-title")).to_contain_text(subject)
    expect(citra.locator("#customer-name")).to_have_text(sender["name"])

    # when: another hostile HTML message arrives while the page is open (htmx swaps it in)
    live = site.inbound(
        channel="email", html=f"<p>lagi</p>{HOSTILE}", ticket_id=ticket_id, **{"from": sender}
    )
    expect(citra.locator(f"#message-{live['message_id']} .html-body")).to_contain_text("lagi")
    citra.wait_for_function("() => [...document.images].every((image) => image.complete)")
    # then: nothing in the timeline, the head or the customer panel can run
    for scope in ("#timeline", ".ticket-head", ".customer-panel"):
        assert citra.evaluate(_INERT_CHECK, scope) == {"scripts": 0, "handlers": []}, scope

    # when: she opens the customer's page
    citra.goto(f"/customers/{as_text['customer_id']}/")
    citra.wait_for_function("() => [...document.images].every((image) => image.complete)")
    # then: the history shows the markup as text, inert
    expect(citra.locator("main h1")).to_have_text(sender["name"])
    expect(citra.locator(".history")).to_contain_text(HOSTILE)
    assert citra.evaluate(_INERT_CHECK, "main") == {"scripts": 0, "handlers": []}
    assert dialogs == []


PAGES = ["login", "inbox", "ticket", "customer"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                           resultTypes: ["violations", "incomplete"]});
  const summary = (findings) => findings.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html,
                                summary: n.failureSummary})),
  }));
  return {
    rules_passed: results.passes.length,
    violations: summary(results.violations),
    incomplete: summary(results.incomplete),
  };
}"""


def _open(page_name: str, console: Console, make_customer: Callable[[str], Story]) -> Page:
    if page_name == "login":
        page = console.new_page()
        page.goto("/login/")
        return page
    # A customer with an order, tracking, two tickets on two channels and a reply.
    rina = make_customer("Rina Kartika")
    created = console.site.inbound(
        **_email_from(rina, subject="Ukuran kaos", text="Kak, kaosnya ada ukuran XL?")
    )
    status, _reply = console.site.api(
        "POST", f"tickets/{created['ticket_id']}/replies", {"text": "Ada, Kak. Mau dikirim?"}
    )
    assert status == 201
    page = console.as_agent("ani")
    page.goto(
        {
            "inbox": "/inbox/",
            "ticket": f"/tickets/{created['ticket_id']}/",
            "customer": f"/customers/{rina.customer_id}/",
        }[page_name]
    )
    wait_live(page)
    return page


@pytest.mark.parametrize("page_name", PAGES)
def test_main_pages_pass_an_accessibility_check(
    page_name: str, console: Console, make_customer: Callable[[str], Story]
) -> None:
    """axe-core finds no serious or critical WCAG 2.1 A/AA violation on the sign-in page,
    the inbox, a ticket and a customer page (each is also saved as a screenshot under
    var/screenshots/, with axe's findings, lesser and needing review, as JSON beside it)."""
    # given: the page, fully loaded
    page = _open(page_name, console, make_customer)
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{page_name}.png", full_page=True)

    # when: axe-core checks it
    # (evaluated, not injected as a <script>: the page's CSP rightly refuses inline scripts)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(_RUN_AXE, WCAG_TAGS)
    violations = results["violations"]

    # then: it ran its rules, and found nothing serious
    report = {"violations": violations, "needs_review": results["incomplete"]}
    (SCREENSHOTS / f"axe-{page_name}.json").write_text(json.dumps(report, indent=2))
    assert results["rules_passed"] > 10
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=2, ensure_ascii=False)
