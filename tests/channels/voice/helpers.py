"""Setting up a phone line through the actions, and playing the provider: signed webhook
requests, and reading the TwiML answers as the provider would."""

import itertools
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from django.urls import reverse

from sapa.accounts.models import Role
from sapa.channels.voice.actions import (
    DepartmentSettings,
    LineSettings,
    save_department,
    save_line,
)
from sapa.channels.voice.models import Department, VoiceLine
from sapa.channels.voice.signatures import compute_signature
from sapa.core.actors import Actor
from sapa.core.business_hours import JAKARTA
from sapa.sla.actions.calendars import CalendarDraft, create_calendar
from tests.factories import AgentFactory

TOKEN = "f3c2a1b0e9d8c7b6a5f4e3d2c1b0a9f8"
LINE_NUMBER = "+622150001234"
CALLER = "+6281234567890"
# A Monday, at 10:00 and at 21:00 in Jakarta (the line answers mon-fri 08:00-17:00).
OPEN = datetime(2026, 11, 23, 10, 0, tzinfo=JAKARTA)
CLOSED = datetime(2026, 11, 23, 21, 0, tzinfo=JAKARTA)

_sids = itertools.count(1)


def admin() -> Actor:
    return Actor.for_agent(AgentFactory(role=Role.ADMIN, username="phone-admin"))


def make_department(name: str, **fields: Any) -> Department:
    return save_department(DepartmentSettings(name=name, **fields), actor=admin())


def make_line(**fields: Any) -> VoiceLine:
    actor = admin()
    calendar = create_calendar(
        CalendarDraft(name=f"Telepon {next(_sids)}", hours="mon-fri 08:00-17:00"), actor=actor
    )
    settings_ = {
        "name": "Toko Buku",
        "number": LINE_NUMBER,
        "auth_token": TOKEN,
        "calendar_id": calendar.pk,
        **fields,
    }
    return save_line(LineSettings(**settings_), actor=actor)


def new_call_sid() -> str:
    return f"CA{next(_sids):032d}"


def call_params(call_sid: str, *, caller: str = CALLER, **extra: str) -> dict[str, str]:
    return {
        "CallSid": call_sid,
        "AccountSid": "AC00000000000000000000000000000000",
        "From": caller,
        "To": LINE_NUMBER,
        "Direction": "inbound",
        "CallStatus": "in-progress",
        **extra,
    }


def hook_path(line: VoiceLine, name: str, *args: object) -> str:
    return reverse(f"voice:{name}", args=[line.key, *args])


def post_signed(client: Client, url: str, params: dict[str, str], *, token: str = TOKEN) -> Any:
    """POST `params` to `url` (a path, or an absolute URL from TwiML) signed with `token`."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    signature = compute_signature(settings.SAPA_BASE_URL + path, params.items(), token)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def twiml(response: Any) -> ET.Element:
    """The TwiML document of a webhook answer (fails on anything but well-formed XML)."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - Sapa's own answer, not input
    assert root.tag == "Response"
    return root


def said(root: ET.Element) -> str:
    """Everything the response says, in order."""
    return " ".join((say.text or "") for say in root.iter("Say"))
