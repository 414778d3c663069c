"""A customer answers a CSAT survey from the emailed link, in a real browser, against the
real server: the ticket is solved through the API, the worker's steps (the event handlers,
then the outreach sweep) run through `sapa shell`, and the link is read from the email Sapa
wrote. The page is checked with axe-core too.

Selectors lean on names, ids and roles rather than on wording, so the checks hold whatever
the Indonesian translations say.
"""

import json
import re
import uuid
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.browser.conftest import AXE, SCREENSHOTS, WAIT_MS, Site
from tests.browser.test_console import _RUN_AXE, WCAG_TAGS

# What the worker does after a ticket is solved, run at once: the handlers of the ticket's
# status change (the surveys handler plans the CSAT), then the outreach sweep sends it.
# Delay and quiet hours are switched off so the test does not depend on the time of day.
_SEND_SURVEY = """
import json
from django.conf import settings
settings.SAPA_CSAT_DELAY_MINUTES = 0
settings.SAPA_QUIET_HOURS = ""
settings.SAPA_BASE_URL = {base_url!r}
from sapa.conversations.models import Message
from sapa.core.event_dispatch import dispatch
from sapa.core.models import Event
from sapa.engagement.outreach import send_due
events = Event.objects.filter(subject_type="ticket", subject_id={ticket_id},
                              verb="ticket.status_changed").order_by("pk")
dispatch(list(events))
send_due()
message = Message.objects.get(ticket_id={ticket_id}, direction="outbound",
                              meta__outreach_kind="survey_csat")
print(json.dumps({{"text": message.text, "channel": message.channel, "to": message.to_address}}))
"""

_STORED = """
import json
from sapa.surveys.models import SurveyResponse
response = SurveyResponse.objects.get(ticket_id={ticket_id}, kind="csat")
print(json.dumps({{"score": response.score, "comment": response.comment,
                  "sentiment": response.comment_sentiment, "via": response.answered_via,
                  "answered": response.answered_at is not None}}))
"""

COMMENT = "Pelayanannya cepat dan ramah, terima kasih banyak!"


def _last_json(output: str) -> dict[str, object]:
    return dict(json.loads(output.strip().splitlines()[-1]))


def test_a_customer_answers_a_csat_survey_from_the_emailed_link(
    site: Site, browser: Browser, tmp_path: Path
) -> None:
    # given: an email customer's ticket, answered and solved by the shop
    email = f"wulan.{uuid.uuid4().hex[:6]}@contoh.id"
    created = site.inbound(
        channel="email",
        **{"from": {"name": "Wulan Sari", "email": email}},
        subject="Buku belum sampai",
        text="Halo, buku pesanan saya belum sampai, mohon dicek.",
    )
    ticket_id = created["ticket_id"]
    site.change_ticket(ticket_id, status="solved")

    # when: the worker plans and sends the survey, and the customer reads the email
    sent = _last_json(site.cli("shell", "-c", _SEND_SURVEY.format(
        base_url=site.base_url, ticket_id=ticket_id)))  # fmt: skip
    assert (sent["channel"], sent["to"]) == ("email", email)
    found = re.search(rf"{re.escape(site.base_url)}/s/[^\s]+/", str(sent["text"]))
    assert found, sent["text"]
    link = found.group(0)

    # and opens the link, picks a score, writes a comment and sends it
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", "id")
    scale = page.locator("fieldset#score-group")
    expect(scale.get_by_role("radio")).to_have_count(5)
    page.locator("label[for=score-4]").click()
    expect(page.locator("#score-4")).to_be_checked()
    page.fill("#id_comment", COMMENT)

    # (the page passes an accessibility check before it is sent)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(_RUN_AXE, WCAG_TAGS)
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=2, ensure_ascii=False)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "survey-form.png", full_page=True)
    page.locator("form.survey-form button[type=submit]").click()

    # then: the thank-you page shows the answer, and it is stored with its sentiment
    page.wait_for_url("**/thanks/")
    expect(page.locator("#answer-score")).to_have_text("4 / 5")
    expect(page.locator("#answer-comment")).to_have_text(COMMENT)
    page.screenshot(path=tmp_path / "survey-thanks.png", full_page=True)
    page.screenshot(path=SCREENSHOTS / "survey-thanks.png", full_page=True)
    stored = _last_json(site.cli("shell", "-c", _STORED.format(ticket_id=ticket_id)))
    assert stored == {
        "score": 4,
        "comment": COMMENT,
        "sentiment": "positive",
        "via": "link",
        "answered": True,
    }
    assert errors == []
    context.close()
