"""The email channel in the console: mailboxes, the quarantine of email that could not be
taken in, and the original of any email as it arrived.

Mailboxes and the quarantine need MANAGE_CHANNELS (anyone else gets 403). The original of
an email that became a ticket message is for whoever may see that ticket; the original of
one that did not (quarantined, ignored, a bounce) is for MANAGE_CHANNELS only. An email
the agent may not open answers 404, like one that does not exist.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.models import Agent
from sapa.accounts.permissions import Permission, has_permission
from sapa.channels.email import actions as email
from sapa.channels.email.config import save_mailbox
from sapa.channels.email.models import InboundEmail, InboundStatus, Mailbox
from sapa.conversations.queries import visible_tickets
from sapa.core import exceptions
from sapa.core.actors import Actor
from sapa.core.cursors import newest_first_page
from sapa.web.mailbox_forms import MailboxForm, shown_server_url
from sapa.web.requests import request_agent
from sapa.web.views.access import agent_with
from sapa.web.views.access import found as _found

PAGE_SIZE = 50
# The quarantine's tabs: which statuses each shows (None: every email).
QUARANTINE_TABS: dict[str, tuple[Any, tuple[str, ...] | None]] = {
    "quarantined": (gettext_lazy("Quarantined"), (InboundStatus.QUARANTINED,)),
    "discarded": (gettext_lazy("Discarded"), (InboundStatus.DISCARDED,)),
    "all": (gettext_lazy("All email"), None),
}
# What may be run through the road again: what was kept aside, not what became a message.
REPROCESSABLE = (InboundStatus.QUARANTINED, InboundStatus.DISCARDED)


def _channel_admin(request: HttpRequest) -> Agent:
    return agent_with(request, Permission.MANAGE_CHANNELS)


# --- mailboxes ----------------------------------------------------------------------


@dataclass(frozen=True)
class MailboxRow:
    """A mailbox with its server URLs as shown: without passwords."""

    mailbox: Mailbox
    imap: str
    smtp: str

    @classmethod
    def of(cls, mailbox: Mailbox) -> "MailboxRow":
        return cls(
            mailbox=mailbox,
            imap=shown_server_url(mailbox.imap_url, "imap"),
            smtp=shown_server_url(mailbox.smtp_url, "smtp"),
        )


@login_required
@require_GET
def mailboxes(request: HttpRequest) -> HttpResponse:
    """Every mailbox with its servers (without passwords) and how its last poll went."""
    _channel_admin(request)
    boxes = Mailbox.objects.select_related("team").order_by("address")
    rows = [MailboxRow.of(mailbox) for mailbox in boxes]
    return render(request, "web/manage/mailboxes.html", {"section": "mailboxes", "mailboxes": rows})


def _mailbox_page(
    request: HttpRequest, agent: Agent, form: MailboxForm, mailbox: Mailbox | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_mailbox(form.settings(), actor=Actor.for_agent(agent), mailbox=mailbox)
        except exceptions.InvalidInput as error:
            field = str(error.loc[0]) if error.loc else ""
            form.add_error(field if field in form.fields else None, str(error.message))
        else:
            messages.success(
                request, _("Mailbox %(address)s was saved.") % {"address": saved.address}
            )
            return redirect("web:manage_mailboxes")
    context = {"section": "mailboxes", "mailbox": mailbox, "form": form}
    status = 422 if form.errors else 200
    return render(request, "web/manage/mailbox.html", context, status=status)


@login_required
def mailbox_new(request: HttpRequest) -> HttpResponse:
    agent = _channel_admin(request)
    return _mailbox_page(request, agent, MailboxForm(request.POST or None), None)


@login_required
def mailbox_edit(request: HttpRequest, mailbox_id: int) -> HttpResponse:
    """Edit a mailbox; one set by SAPA_EMAIL_MAILBOXES is shown, and changed only there."""
    agent = _channel_admin(request)
    mailbox = _found(Mailbox.objects.select_related("team"), mailbox_id)
    if mailbox.from_environment:
        if request.method == "POST":
            raise PermissionDenied()
        row = MailboxRow.of(mailbox)
        context = {"section": "mailboxes", "mailbox": mailbox, "row": row, "form": None}
        return render(request, "web/manage/mailbox.html", context)
    form = MailboxForm(request.POST or None, mailbox=mailbox)
    return _mailbox_page(request, agent, form, mailbox)


# --- quarantine ---------------------------------------------------------------------


def _quarantine_tab(value: str) -> str:
    return value if value in QUARANTINE_TABS else "quarantined"


def _inbound_page(statuses: tuple[str, ...] | None, cursor: str) -> tuple[list[Any], str]:
    """One page of kept emails (InboundEmail with `ticket_pk` and `ticket_number`), newest
    first, without their raw bytes, and the cursor of the next page ("" on the last)."""
    rows = (
        InboundEmail.objects.select_related("mailbox")
        .defer("raw_compressed")
        .annotate(
            ticket_pk=F("ticket_message__ticket_id"),
            ticket_number=F("ticket_message__ticket__number"),
        )
    )
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    return newest_first_page(rows, cursor, at_field="received_at", size=PAGE_SIZE)


@login_required
@require_GET
def quarantine(request: HttpRequest) -> HttpResponse:
    """Email that could not be taken in, with why; re-processing, discarding, the original."""
    _channel_admin(request)
    tab = _quarantine_tab(request.GET.get("show", ""))
    rows, next_cursor = _inbound_page(QUARANTINE_TABS[tab][1], request.GET.get("cursor", ""))
    counted = (
        InboundEmail.objects.filter(status__in=REPROCESSABLE)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["status"]: row["n"] for row in counted}
    tabs = [
        (key, label, counts.get(statuses[0], 0) if statuses else None)
        for key, (label, statuses) in QUARANTINE_TABS.items()
    ]
    context = {
        "section": "quarantine",
        "tab": tab,
        "tabs": tabs,
        "rows": rows,
        "next_cursor": next_cursor,
        "reprocessable": [str(status) for status in REPROCESSABLE],
    }
    return render(request, "web/manage/quarantine.html", context)


def _back_to_tab(request: HttpRequest) -> HttpResponse:
    tab = _quarantine_tab(request.POST.get("show", ""))
    return redirect(f"{reverse('web:email_quarantine')}?show={tab}")


def _report(request: HttpRequest, outcome: email.IngestOutcome) -> None:
    """The outcome of a re-processed email as a message on the next page."""
    names = {"reason": outcome.reason, "number": outcome.ticket_number or ""}
    if outcome.status == InboundStatus.PROCESSED:
        messages.success(request, _("Taken in: it is now a message on ticket #%(number)s.") % names)
    elif outcome.status == InboundStatus.QUARANTINED:
        messages.warning(request, _("Still quarantined: %(reason)s") % names)
    elif outcome.status == InboundStatus.DUPLICATE:
        messages.info(request, _("This email was taken in before: %(reason)s") % names)
    else:
        label = InboundStatus(outcome.status).label
        messages.info(request, _("Result: %(status)s. %(reason)s") % {**names, "status": label})


@login_required
@require_POST
def quarantine_reprocess(request: HttpRequest, inbound_email_id: int) -> HttpResponse:
    agent = _channel_admin(request)
    found = _found(InboundEmail.objects.select_related("mailbox"), inbound_email_id)
    if found.status not in REPROCESSABLE:
        messages.error(request, _("Only quarantined or discarded email can be re-processed."))
        return _back_to_tab(request)
    _report(request, email.reprocess(found, actor=Actor.for_agent(agent)))
    return _back_to_tab(request)


@login_required
@require_POST
def quarantine_discard(request: HttpRequest, inbound_email_id: int) -> HttpResponse:
    agent = _channel_admin(request)
    found = _found(InboundEmail.objects.defer("raw_compressed"), inbound_email_id)
    if found.status != InboundStatus.QUARANTINED:
        messages.error(request, _("Only quarantined email can be discarded."))
        return _back_to_tab(request)
    email.discard(found, actor=Actor.for_agent(agent))
    messages.success(request, _("The email was discarded; its original is kept."))
    return _back_to_tab(request)


# --- originals ----------------------------------------------------------------------


def _may_read(agent: Agent, ticket_id: int | None) -> bool:
    if ticket_id is None:
        return has_permission(agent, Permission.MANAGE_CHANNELS)
    return visible_tickets(agent).filter(pk=ticket_id).exists()


@login_required
@require_GET
def original(request: HttpRequest, inbound_email_id: int) -> HttpResponse:
    """The email exactly as it arrived: as plain text to read in the browser (never as
    HTML), or with ?download=1 as an .eml file for a mail program."""
    agent = request_agent(request)
    found = (
        InboundEmail.objects.annotate(ticket_pk=F("ticket_message__ticket_id"))
        .filter(pk=inbound_email_id)
        .first()
    )
    if found is None or not _may_read(agent, found.ticket_pk):
        raise Http404()
    raw = found.raw
    filename = f"email-{found.pk}.eml"
    if request.GET.get("download"):
        response = HttpResponse(raw, content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        text = raw.decode("utf-8", errors="replace")
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}.txt"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
