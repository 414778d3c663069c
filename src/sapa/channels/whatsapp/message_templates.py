"""The catalogue of message templates (what may be sent once a customer's 24-hour window
has closed): fetched from the business account, updated by Meta's review webhooks, and
sent from a ticket by an agent.

Sapa fills body variables only ({{1}} {{2}}, or named ones). A template that needs more (a
media header, a header variable, a button with a variable URL) is listed with the reason
and not offered in the composer.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sapa.accounts.permissions import Permission, require
from sapa.channels.kinds import Channel
from sapa.channels.whatsapp.exceptions import TemplateNotSendable, TemplateSyncFailed
from sapa.channels.whatsapp.graph import GraphClient, GraphError
from sapa.channels.whatsapp.models import (
    TemplateStatus,
    WhatsAppAccount,
    WhatsAppTemplate,
)
from sapa.channels.whatsapp.parsing import TemplateUpdate
from sapa.conversations.actions import reply
from sapa.conversations.models import Message, Ticket
from sapa.core import clock
from sapa.core.actions import pending_event, record_events
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput

FIELDS = "id,name,language,status,category,components,rejected_reason"
PAGE_SIZE = 100
MAX_PAGES = 50
MAX_PARAMETER_CHARS = 1024
_VARIABLE = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
_KNOWN_STATUSES = {s.value for s in TemplateStatus}


def variables_in(text: str) -> list[str]:
    """The variables of a template text, in order of first use: ["1", "2"] or names."""
    return list(dict.fromkeys(_VARIABLE.findall(text)))


def _unsupported_reason(components: list[Any]) -> str:
    """Why Sapa cannot fill this template (a code, see WhatsAppTemplate.UNSUPPORTED), or ""."""
    for component in components:
        if not isinstance(component, dict):
            continue
        kind = str(component.get("type", "")).upper()
        if kind == "HEADER":
            if str(component.get("format", "TEXT")).upper() != "TEXT":
                return "media_header"
            if variables_in(str(component.get("text", ""))):
                return "header_variable"
        elif kind == "BUTTONS":
            for button in component.get("buttons") or []:
                if isinstance(button, dict) and variables_in(str(button.get("url", ""))):
                    return "button_variable"
        elif kind not in ("BODY", "FOOTER"):
            return "other_component"
    return ""


def _template_fields(data: dict[str, Any]) -> dict[str, Any]:
    listed = data.get("components")
    components: list[Any] = listed if isinstance(listed, list) else []
    body = next(
        (
            str(c.get("text", ""))
            for c in components
            if isinstance(c, dict) and str(c.get("type", "")).upper() == "BODY"
        ),
        "",
    )
    status = str(data.get("status", "")).upper()
    return {
        "category": str(data.get("category", ""))[:32],
        "status": status if status in _KNOWN_STATUSES else TemplateStatus.OTHER,
        "external_id": str(data.get("id", ""))[:64],
        "components": components,
        "parameter_names": variables_in(body),
        "unsupported_reason": _unsupported_reason(components),
        "rejected_reason": str(data.get("rejected_reason") or "")[:200]
        if str(data.get("rejected_reason") or "").upper() != "NONE"
        else "",
    }


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _fetch_all(account: WhatsAppAccount) -> list[dict[str, Any]]:
    """Every template of the business account, page after page (by the `after` cursor, so
    every call goes to the configured Graph API and nowhere else)."""
    client = GraphClient(account)
    found: list[dict[str, Any]] = []
    params = {"fields": FIELDS, "limit": str(PAGE_SIZE)}
    for _page in range(MAX_PAGES):
        answer = client.get(f"{account.business_account_id}/message_templates", params)
        data = answer.get("data")
        found += [t for t in data if isinstance(t, dict)] if isinstance(data, list) else []
        paging = _mapping(answer.get("paging"))
        after = _mapping(paging.get("cursors")).get("after")
        if not paging.get("next") or not after:
            break
        params = {**params, "after": str(after)}
    return found


@dataclass(frozen=True)
class SyncResult:
    created: int
    updated: int
    removed: int


def sync_templates(account: WhatsAppAccount, *, actor: Actor) -> SyncResult:
    """Replace the account's catalogue with what Meta lists now. Raises TemplateSyncFailed
    (the error is also kept on the account, shown in the console); the catalogue is then
    left as it was. Raises PermissionDenied for an agent who may not manage channels."""
    require(actor, Permission.MANAGE_CHANNELS)
    try:
        listed = _fetch_all(account)
    except GraphError as error:
        WhatsAppAccount.objects.filter(pk=account.pk).update(last_sync_error=error.message[:2000])
        raise TemplateSyncFailed(
            _("The templates could not be fetched from WhatsApp: %(error)s")
            % {"error": error.message[:300]}
        ) from error
    now = clock.now()
    with transaction.atomic():
        existing = {(t.name, t.language): t for t in account.templates.select_for_update()}
        seen: set[tuple[str, str]] = set()
        created = updated = 0
        for data in listed:
            key = (str(data.get("name", ""))[:512], str(data.get("language", ""))[:16])
            if not all(key) or key in seen:
                continue
            seen.add(key)
            fields = {**_template_fields(data), "synced_at": now}
            row = existing.get(key)
            if row is None:
                WhatsAppTemplate.objects.create(
                    account=account, name=key[0], language=key[1], **fields
                )
                created += 1
            else:
                for name, value in fields.items():
                    setattr(row, name, value)
                row.save(update_fields=list(fields))
                updated += 1
        gone = [row.pk for key, row in existing.items() if key not in seen]
        WhatsAppTemplate.objects.filter(pk__in=gone).delete()
        account.templates_synced_at, account.last_sync_error = now, ""
        account.save(update_fields=["templates_synced_at", "last_sync_error"])
        result = SyncResult(created=created, updated=updated, removed=len(gone))
        record_events(
            actor,
            [
                pending_event(
                    "whatsapp.templates_synced",
                    account,
                    after={"created": created, "updated": updated, "removed": len(gone)},
                )
            ],
        )
    return result


def record_review(update: TemplateUpdate, *, accounts: list[WhatsAppAccount]) -> int:
    """Meta's review of a template (message_template_status_update): its new status on
    each of `accounts` of that business account. Returns how many rows changed."""
    status = update.event if update.event in _KNOWN_STATUSES else TemplateStatus.OTHER
    ids = [a.pk for a in accounts if a.business_account_id == update.business_account_id]
    rows = WhatsAppTemplate.objects.filter(account_id__in=ids)
    if update.template_id:
        rows = rows.filter(external_id=update.template_id)
    else:
        rows = rows.filter(name=update.name, language=update.language)
    reason = update.reason if update.reason.upper() != "NONE" else ""
    return rows.update(status=status, rejected_reason=reason[:200], synced_at=clock.now())


def _checked_parameters(template: WhatsAppTemplate, values: list[str]) -> list[str]:
    names = template.parameter_names
    if len(values) != len(names):
        raise InvalidInput(
            _("This template needs %(count)d values.") % {"count": len(names)},
            loc=["body", "parameters"],
        )
    cleaned = []
    for index, value in enumerate(values):
        text = " ".join(str(value).split())
        if not text:
            raise InvalidInput(_("Fill in every value."), loc=["body", "parameters", index])
        if len(text) > MAX_PARAMETER_CHARS:
            raise InvalidInput(
                _("A value can have at most %(count)d characters.")
                % {"count": MAX_PARAMETER_CHARS},
                loc=["body", "parameters", index],
            )
        cleaned.append(text)
    return cleaned


def rendered(template: WhatsAppTemplate, values: list[str]) -> str:
    """The template's body with `values` in its variables: the text the customer reads."""
    filled = dict(zip(template.parameter_names, values, strict=True))
    return _VARIABLE.sub(lambda m: filled.get(m.group(1), m.group(0)), template.body_text)


def send_template(
    ticket: Ticket, *, template: WhatsAppTemplate, parameters: list[str], actor: Actor
) -> Message:
    """Send an approved template to the ticket's customer on WhatsApp, whether or not the
    24-hour window is open (what WhatsApp allows outside it). Raises TemplateNotSendable,
    InvalidInput (loc body.parameters), and what `reply` raises."""
    require(actor, Permission.REPLY)
    if not template.is_sendable or not template.account.is_active:
        raise TemplateNotSendable()
    values = _checked_parameters(template, parameters)
    parameters_json: list[dict[str, str]] = []
    numbered = all(name.isdigit() for name in template.parameter_names)
    for name, value in zip(template.parameter_names, values, strict=True):
        parameter = {"type": "text", "text": value}
        if not numbered:
            parameter["parameter_name"] = name
        parameters_json.append(parameter)
    components = [{"type": "body", "parameters": parameters_json}] if values else []
    meta: dict[str, object] = {
        "whatsapp_template": {
            "account_id": template.account_id,
            "template_id": template.pk,
            "name": template.name,
            "language": template.language,
            "components": components,
        }
    }
    text = rendered(template, values) or template.name
    return reply(
        ticket,
        text=text,
        actor=actor,
        channel=Channel.WHATSAPP,
        meta=meta,
        approved_template=True,
    )
