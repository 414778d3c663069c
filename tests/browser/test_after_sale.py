"""After the sale, in the agent's console: an agent opens a ticket and sees where the
customer stands — their journey stage, the order with its tracking, their last CSAT answer
and the promo code the thank-you gave them.

Everything is set up the way it happens in production: the shop pushes a delivered order
through the API, the customer writes by email, the ticket is solved, and the worker's steps
(the event handlers, the outreach sweep) run through `sapa shell` (the test server runs
without a worker). The CSAT answer goes through the same action the survey page uses.
"""

import json
import re
import uuid
from datetime import timedelta

from playwright.sync_api import expect

from sapa.core import clock
from tests.browser.conftest import SCREENSHOTS, Console, Site, wait_live

# The worker's part, at once: what committed events cause (after-sale sequence, journey
# stage, CSAT planning), then the outreach sweep. Quiet hours off: any time of day works.
_WORKER = """
import json
from django.conf import settings
settings.SAPA_CSAT_DELAY_MINUTES = 0
settings.SAPA_QUIET_HOURS = ""
from sapa.core.event_dispatch import dispatch
from sapa.core.models import Event
from sapa.engagement.outreach import send_due
dispatch(list(Event.objects.filter(pk__gt={after}).order_by("pk")))
send_due()
print(json.dumps({{"last_event": Event.objects.order_by("-pk").values_list("pk", flat=True)[0]}}))
"""

_ANSWER = """
import json
from sapa.core.actors import Actor
from sapa.surveys.actions.answers import Answer, answer_survey
from sapa.surveys.models import SurveyResponse
response = SurveyResponse.objects.get(ticket_id={ticket_id}, kind="csat")
answer_survey(response, Answer(score=4, comment={comment!r}), actor=Actor.customer("survey"))
from sapa.loyalty.models import PromoCode
codes = list(PromoCode.objects.filter(customer_id={customer_id}).values_list("code", flat=True))
print(json.dumps({{"codes": codes}}))
"""

_LAST_EVENT = """
from sapa.core.models import Event
print(Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
"""


def _last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_an_agent_sees_stage_orders_tracking_csat_and_promo_codes(
    console: Console, site: Site
) -> None:
    # given: a customer whose order was delivered yesterday, tracked by JNE
    suffix = uuid.uuid4().hex[:6].upper()
    email = f"rahma.{suffix.lower()}@contoh.id"
    now = clock.now()
    placed, delivered = now - timedelta(days=4), now - timedelta(days=1)
    before = int(_last_line(site.cli("shell", "-c", _LAST_EVENT)))
    order = site.put_order(
        f"INV-{suffix}",
        {
            "customer": {"name": "Rahma Putri", "email": email},
            "status": "delivered",
            "total_minor": 185000,
            "placed_at": placed.isoformat(),
            "status_at": delivered.isoformat(),
            "items": [{"name": "Laskar Pelangi", "quantity": 1, "unit_price_minor": 185000}],
            "shipments": [{
                "carrier": "JNE", "tracking_number": f"JNE{suffix}", "status": "delivered",
                "events": [
                    {"at": (placed + timedelta(days=1)).isoformat(), "status": "in_transit",
                     "description": f"Paket tiba di gudang Cakung {suffix}",
                     "location": "Jakarta Timur"},
                    {"at": delivered.isoformat(), "status": "delivered",
                     "description": "Paket diterima oleh yang bersangkutan"},
                ],
            }],
        },
    )  # fmt: skip
    # and: she asked something by email, the shop answered and solved it
    first = site.inbound(
        channel="email", **{"from": {"name": "Rahma Putri", "email": email}},
        subject="Terima kasih", text="Bukunya sudah sampai, mau tanya jilid berikutnya ada?",
    )  # fmt: skip
    site.change_ticket(first["ticket_id"], status="solved")
    site.cli("shell", "-c", _WORKER.format(after=before))
    answered = json.loads(_last_line(site.cli("shell", "-c", _ANSWER.format(
        ticket_id=first["ticket_id"], customer_id=order["customer_id"],
        comment="Cepat dan ramah, mantap!"))))  # fmt: skip
    assert len(answered["codes"]) == 1, answered
    code = answered["codes"][0]
    # and: she writes again
    second = site.inbound(
        channel="email", **{"from": {"name": "Rahma Putri", "email": email}},
        subject="Kode promo", text="Kode promonya bisa dipakai untuk buku apa saja?",
    )  # fmt: skip

    # when: an agent opens the new ticket
    page = console.as_agent("ani")
    page.goto(f"{site.base_url}/tickets/{second['ticket_id']}/")
    wait_live(page)

    # then: the panel shows her stage, the order with tracking, the CSAT and the open code
    panel = page.locator("aside.customer-panel")
    expect(panel.locator(".stage-pill").first).to_have_class(re.compile(r"\bstage-purchase\b"))
    orders = panel.locator("section[aria-labelledby=orders-title]")
    expect(orders).to_contain_text(f"INV-{suffix}")
    expect(orders).to_contain_text(f"JNE{suffix}")
    expect(orders).to_contain_text(f"Paket tiba di gudang Cakung {suffix}")
    expect(panel.locator(".survey-last-csat")).to_contain_text("4/5")
    expect(panel.locator(".survey-last-csat")).to_contain_text("Cepat dan ramah")
    expect(panel.locator(".promo-code-list")).to_contain_text(code)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "ticket-after-sale-panel.png", full_page=True)
