"""Automations in a real browser: a supervisor builds a trigger in the console ("if channel
is WhatsApp and text mentions refund → team Pembayaran, tag refund"), and a new inbound
WhatsApp message is routed by it, through the worker, as in production."""

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AGENT_PASSWORD, AXE, SCREENSHOTS, Console, Site
from tests.browser.test_console import _RUN_AXE, WCAG_TAGS

SUPERVISOR = "sari"

_MAKE_SUPERVISOR = f"""
from sapa.accounts.actions import add_agent_to_team, create_agent
from sapa.accounts.models import Agent, Role, Team
from sapa.core.actors import Actor

actor = Actor.system("browser-tests")
if not Agent.objects.filter(username={SUPERVISOR!r}).exists():
    sari = create_agent({SUPERVISOR!r}, email="sari@toko.test", password={AGENT_PASSWORD!r},
                        role=Role.SUPERVISOR, actor=actor, first_name="Sari",
                        last_name="Supervisor")
    add_agent_to_team(sari, Team.objects.get(slug="pembayaran"), actor=actor)
print("ok")
"""


@pytest.fixture(scope="module")
def worker(site: Site) -> Iterator[None]:
    """A supervisor of team Pembayaran, and `sapa worker` beside the test server (which runs
    with --no-worker): committed events reach the automations handler through the queue,
    as in production."""
    site.cli("shell", "-c", _MAKE_SUPERVISOR)
    with (site.log.parent / "worker.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sapa", "worker", "--no-imap-watch", "--threads", "1"],
            env=site.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(site: Site, ticket_id: int, check: Any, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    ticket = site.ticket(ticket_id)
    while not check(ticket) and time.monotonic() < deadline:
        time.sleep(0.3)
        ticket = site.ticket(ticket_id)
    worker_log = site.log.parent / "worker.log"
    tail = worker_log.read_text(errors="replace")[-3000:] if worker_log.exists() else ""
    assert check(ticket), f"{json.dumps(ticket, default=str)[:1500]}\n{tail}"
    return ticket


def test_a_supervisor_builds_a_trigger_that_routes_a_whatsapp_message(
    console: Console, site: Site, worker: None
) -> None:
    """Sari builds the trigger with the builder (rows added and removed by its script,
    operators fitting each field), saves it; a WhatsApp message "min mau refund dong"
    then lands in team Pembayaran with the tag refund, and the ticket's timeline shows
    the rule's run."""
    # given: Sari, a supervisor, opens Settings → Automations
    page = console.as_agent(SUPERVISOR)
    page.goto("/manage/automations/")
    expect(page.locator("#rules-trigger h2")).to_be_visible()

    # when: she starts a new trigger
    page.click("a[href='/manage/automations/new/trigger/']")
    page.wait_for_url("**/manage/automations/new/trigger/")
    page.fill("#id_name", "Refund lewat WhatsApp")
    page.check("input[name=events][value='message.received']")
    # condition 1: channel is WhatsApp (the value offered by the field's list)
    page.select_option("#c-0-field", "channel")
    expect(page.locator("#c-0-op")).to_have_value("is")
    expect(page.locator("#c-0-value")).to_have_attribute("list", "values-channel")
    page.fill("#c-0-value", "whatsapp")
    # condition 2: the text mentions refund (the operator follows the field)
    page.select_option("#c-1-field", "text")
    expect(page.locator("#c-1-op")).to_have_value("contains_any")
    page.fill("#c-1-value", "refund")
    # a third row, added and removed again
    page.click("[data-add-row=condition]")
    expect(page.locator("#condition-rows > li")).to_have_count(3)
    expect(page.locator("#c-2-field")).to_be_focused()
    page.locator("#condition-rows > li").nth(2).locator("[data-remove-row]").click()
    expect(page.locator("#condition-rows > li")).to_have_count(2)
    # then: team Pembayaran, and the tag refund
    page.select_option("#a-0-type", "set_team")
    expect(page.locator("#a-0-text")).to_be_hidden()
    page.fill("#a-0-value", "Tim Pembayaran")
    page.select_option("#a-1-type", "add_tags")
    page.fill("#a-1-value", "refund")
    page.click("[data-add-row=action]")
    page.select_option("#a-2-type", "send_reply")
    expect(page.locator("#a-2-text")).to_be_visible()
    page.locator("#action-rows > li").nth(2).locator("[data-remove-row]").click()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "automation-builder.png", full_page=True)
    page.click("form[data-rule-builder] button[type=submit]")

    # then: the rule is saved and its page shows it back
    page.wait_for_url("**/manage/automations/*/")
    expect(page.locator(".flash")).to_contain_text("Refund lewat WhatsApp")
    expect(page.locator("#c-0-value")).to_have_value("whatsapp")
    expect(page.locator("#a-0-value")).to_have_value("Tim Pembayaran")

    # when: a customer writes on WhatsApp
    arrived = site.inbound(
        channel="whatsapp",
        **{"from": {"name": "Rudi Hartono", "phone": "+6281377778888"}},
        text="min mau refund dong, barangnya rusak",
    )

    # then: the worker routes it by the trigger
    ticket = _wait_for(
        site,
        arrived["ticket_id"],
        lambda t: t["team"] is not None and "refund" in t["tags"],
    )
    assert ticket["team"]["id"] == site.teams["b"]
    assert ticket["tags"] == ["refund"]

    # and: the ticket's timeline shows the run
    page.goto(f"/tickets/{arrived['ticket_id']}/")
    expect(page.locator("#timeline")).to_contain_text("Refund lewat WhatsApp")
    page.screenshot(path=SCREENSHOTS / "automation-ticket.png", full_page=True)

    # and: the lists show the trigger
    page.goto("/manage/automations/")
    expect(page.locator("#rules-trigger")).to_contain_text("Refund lewat WhatsApp")
    page.screenshot(path=SCREENSHOTS / "automations.png", full_page=True)


@pytest.mark.parametrize("path", ["/manage/automations/", "/manage/automations/new/trigger/"])
def test_automation_pages_pass_an_accessibility_check(
    console: Console, site: Site, worker: None, path: str
) -> None:
    """axe-core finds no serious or critical WCAG 2.1 A/AA violation on the lists and the
    builder."""
    # given
    page = console.as_agent(SUPERVISOR)
    page.goto(path)
    page.wait_for_load_state("networkidle")

    # when
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(_RUN_AXE, WCAG_TAGS)

    # then
    name = "automations" if path.endswith("automations/") else "automation-builder"
    report = {"violations": results["violations"], "needs_review": results["incomplete"]}
    (SCREENSHOTS / f"axe-{name}.json").write_text(json.dumps(report, indent=2))
    assert results["rules_passed"] > 10
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=2, ensure_ascii=False)
