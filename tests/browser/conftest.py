"""Fixtures of the browser tests: one real Sapa server and one Chromium for the package.

The server is `sapa run --no-worker --no-demo` in a subprocess (uvicorn, so the console's
websocket works), with its own var dir and SQLite database. DATABASE_URL and REDIS_URL are
left out of its environment on purpose: the browser tests then behave the same in the
PostgreSQL CI run as on a laptop (the realtime layer is in-memory, inside that one
process). Its data is set up the way an operator or a shop would: the `sapa` CLI (first
admin, API token, and `sapa shell` calling actions for teams, agents and a macro) and the
HTTP API (inbound messages, orders, ticket changes); nothing here writes models directly.

Chromium is Debian's (/usr/bin/chromium; `playwright install` is never used). Without it the
tests fail, never skip: CI installs it.

Both are package-scoped, not session-scoped: Playwright's sync API marks an event loop as
running in this thread while it is started, and Django refuses database access under a
running loop, so it must be stopped before the rest of the suite runs.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

CHROMIUM = Path(os.environ.get("SAPA_TEST_CHROMIUM", "/usr/bin/chromium"))
# Without the networking flags Chromium keeps trying to reach the internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
# axe-core, vendored with its licence (MPL-2.0) from the npm package axe-core.
AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"
ADMIN_PASSWORD = "rahasia-admin-123"
AGENT_PASSWORD = "Kata-sandi-agen-2024"
WAIT_MS = 15_000

# username: (first name, last name, team key)
AGENTS = {
    "ani": ("Ani", "Lestari", "a"),
    "budi": ("Budi", "Santoso", "a"),
    "citra": ("Citra", "Wijaya", "b"),
}
MACRO_NAME = "Pesanan sedang dikirim"
MACRO_BODY = (
    "Halo {{ customer.first_name }}, pesanan {{ order.number }} sedang dalam perjalanan. "
    "Salam, {{ agent.first_name }}"
)

# Teams, agents and a macro, through the actions (the same road the console takes).
_SETUP = f"""
import json
from sapa.accounts.actions import add_agent_to_team, create_agent, create_team
from sapa.accounts.models import Role
from sapa.conversations.actions import MacroDraft, create_macro
from sapa.core.actors import Actor

actor = Actor.system("browser-tests")
teams = {{
    "a": create_team("Tim Pengiriman", slug="pengiriman", actor=actor),
    "b": create_team("Tim Pembayaran", slug="pembayaran", actor=actor),
}}
agents = {{}}
for username, (first, last, team) in {AGENTS!r}.items():
    agent = create_agent(username, email=username + "@toko.test", password={AGENT_PASSWORD!r},
                         role=Role.AGENT, actor=actor, first_name=first, last_name=last)
    add_agent_to_team(agent, teams[team], actor=actor)
    agents[username] = agent.pk
macro = create_macro(MacroDraft(name={MACRO_NAME!r}, body={MACRO_BODY!r}, language="id"),
                     actor=actor)
print(json.dumps({{"teams": {{k: t.pk for k, t in teams.items()}}, "agents": agents,
                  "macro": macro.pk}}))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Site:
    """The running server, its API token, and the ids the setup made."""

    base_url: str
    env: dict[str, str]
    log: Path
    token: str = ""
    teams: dict[str, int] = field(default_factory=dict)
    agents: dict[str, int] = field(default_factory=dict)
    macro_id: int = 0

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "sapa", *args],
            env=self.env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, f"sapa {args[0]} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def api(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (loopback only)
            f"{self.base_url}/api/v1/{path}", data=data, method=method
        )
        request.add_header("content-type", "application/json")
        request.add_header("authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def inbound(self, **payload: Any) -> dict[str, Any]:
        """POST /api/v1/inbound; a unique external_id unless given."""
        payload.setdefault("external_id", f"<{uuid.uuid4()}@browser.test>")
        status, body = self.api("POST", "inbound", payload)
        assert status in (200, 201), body
        return dict(body)

    def ticket(self, ticket_id: int) -> dict[str, Any]:
        status, body = self.api("GET", f"tickets/{ticket_id}")
        assert status == 200, body
        return dict(body)

    def change_ticket(self, ticket_id: int, **changes: Any) -> dict[str, Any]:
        status, body = self.api("PATCH", f"tickets/{ticket_id}", changes)
        assert status == 200, body
        return dict(body)

    def put_order(self, number: str, order: dict[str, Any]) -> dict[str, Any]:
        status, body = self.api("PUT", f"orders/{number}", order)
        assert status in (200, 201), body
        return dict(body)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


def _wait_until_serving(site: Site, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sapa run exited with {process.returncode}:\n{site.log_tail()}")
        try:
            with urllib.request.urlopen(f"{site.base_url}/healthz", timeout=1):  # noqa: S310
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"sapa run did not answer on {site.base_url} in 90 s:\n{site.log_tail()}")


@pytest.fixture(scope="package")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`sapa run` on a free port: migrated, first admin created, then teams, agents and a
    macro through actions; stopped with Ctrl-C (SIGINT) at the end."""
    var_dir = tmp_path_factory.mktemp("sapa-var")
    # The server's own database, whatever the test run uses (see the module docstring).
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        SAPA_VAR_DIR=str(var_dir),
        SAPA_ADMIN_PASSWORD=ADMIN_PASSWORD,
        SAPA_LANGUAGE="id",
        PYTHONUNBUFFERED="1",
    )
    port = _free_port()
    site = Site(base_url=f"http://127.0.0.1:{port}", env=env, log=var_dir / "server.log")
    with site.log.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sapa", "run", "--no-worker", "--no-demo", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_until_serving(site, process)
        site.token = site.cli("token", "create", "--user", "admin").strip().splitlines()[-1]
        made = json.loads(site.cli("shell", "-c", _SETUP).strip().splitlines()[-1])
        site.teams, site.agents, site.macro_id = made["teams"], made["agents"], made["macro"]
        yield site
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser tests need Debian's "
            "chromium package (`apt-get install chromium`; CI installs it). "
            "Never `playwright install`."
        )
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class Console:
    """Opens browser contexts as agents; every page's JavaScript errors are collected."""

    site: Site
    browser: Browser
    signed_in: dict[str, Any]
    contexts: list[BrowserContext] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def new_page(self, storage_state: Any = None) -> Page:
        context = self.browser.new_context(
            base_url=self.site.base_url,
            locale="id-ID",
            timezone_id="Asia/Jakarta",
            viewport={"width": 1440, "height": 900},
            storage_state=storage_state,
        )
        context.set_default_timeout(WAIT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))
        return page

    def sign_in(self, page: Page, username: str) -> None:
        """Sign in through the login form and land in the inbox."""
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", AGENT_PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url("**/inbox/")

    def as_agent(self, username: str) -> Page:
        """A new context signed in as `username`, on the inbox (through the form the first
        time; later with the saved session cookie, which saves an Argon2 hash per context)."""
        page = self.new_page(self.signed_in.get(username))
        if username not in self.signed_in:
            self.sign_in(page, username)
            self.signed_in[username] = page.context.storage_state()
        else:
            page.goto("/inbox/")
        return page


@pytest.fixture(scope="package")
def _signed_in() -> dict[str, Any]:
    return {}


@pytest.fixture
def console(site: Site, browser: Browser, _signed_in: dict[str, Any]) -> Iterator[Console]:
    opened = Console(site=site, browser=browser, signed_in=_signed_in)
    yield opened
    for context in opened.contexts:
        context.close()
    assert not opened.page_errors, f"JavaScript errors: {opened.page_errors}"


def wait_live(page: Page) -> None:
    """Wait until the page's websocket is open (console.js sets body[data-live=on])."""
    page.wait_for_selector("body[data-live=on]", state="attached")


@dataclass
class Story:
    """A customer with an order on its way and an earlier WhatsApp ticket."""

    name: str
    email: str
    phone: str
    order_number: str
    tracking_text: str
    whatsapp_ticket_id: int
    customer_id: int


def make_story(site: Site, name: str) -> Story:
    """Through the API: an order with a shipment and tracking events, then a WhatsApp message
    from the same person (matched to the order's customer by email)."""
    suffix = uuid.uuid4().hex[:6].upper()
    email = f"{name.split()[0].lower()}.{suffix.lower()}@contoh.id"
    phone = f"+62812{uuid.uuid4().int % 10**8:08d}"
    order_number = f"INV-{suffix}"
    tracking_text = f"Paket tiba di gudang Cakung ({suffix})"
    order = site.put_order(
        order_number,
        {
            "customer": {"name": name, "email": email, "phone": phone},
            "status": "shipped",
            "total_minor": 249000,
            "currency": "IDR",
            "placed_at": "2025-11-01T10:00:00+07:00",
            "items": [{"sku": "KAOS-01", "name": "Kaos polos hitam", "quantity": 2,
                       "unit_price_minor": 124500}],
            "shipments": [{
                "carrier": "JNE", "tracking_number": f"JNE{suffix}", "status": "in_transit",
                "events": [
                    {"at": "2025-11-02T08:00:00+07:00", "status": "picked_up",
                     "description": "Paket diambil kurir", "location": "Bandung"},
                    {"at": "2025-11-03T09:30:00+07:00", "status": "in_transit",
                     "description": tracking_text, "location": "Jakarta Timur"},
                ],
            }],
        },
    )  # fmt: skip
    whatsapp = site.inbound(
        channel="whatsapp",
        **{"from": {"name": name, "phone": phone, "email": email}},
        text=f"Kak, pesanan {order_number} kapan sampai ya?",
    )
    assert whatsapp["customer_id"] == order["customer_id"]
    return Story(
        name=name,
        email=email,
        phone=phone,
        order_number=order_number,
        tracking_text=tracking_text,
        whatsapp_ticket_id=whatsapp["ticket_id"],
        customer_id=order["customer_id"],
    )


@pytest.fixture
def make_customer(site: Site) -> Callable[[str], Story]:
    return lambda name: make_story(site, name)
