"""Forms of the walk-in screen and of the Stores and kiosks page: they parse (the due time
of a promise with sapa.promises.when); sapa.channels.walkin checks the rules and writes."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Agent, Role, Team
from sapa.channels.walkin.actions import Visitor, VisitRequest
from sapa.channels.walkin.locations import LocationSettings
from sapa.channels.walkin.models import LocationKind, StoreLocation, VisitOutcome
from sapa.conversations.models import Ticket
from sapa.core import clock
from sapa.promises.exceptions import InvalidDue
from sapa.promises.when import parse_due


class VisitForm(forms.Form):
    """One visit. `customer` is the customer picked from the search (hidden); without it,
    name and phone or email make (or find) the customer."""

    visit_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    customer = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone / WhatsApp"), max_length=40, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    location = forms.ModelChoiceField(
        StoreLocation.objects.filter(is_active=True).order_by("name"),
        label=_("Where"),
        empty_label=None,
    )
    text = forms.CharField(
        label=_("What they asked or told"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=VisitOutcome.choices,
        initial=VisitOutcome.RESOLVED,
        widget=forms.RadioSelect,
    )
    ticket = forms.TypedChoiceField(label=_("Ticket"), coerce=int, required=False, empty_value=None)
    promise_text = forms.CharField(label=_("Promise"), max_length=500, required=False)
    promise_due = forms.CharField(label=_("By when"), max_length=100, required=False)

    def __init__(
        self,
        *args: Any,
        open_tickets: list[Ticket] | tuple[Ticket, ...] = (),
        location: StoreLocation | None = None,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("visit_key", uuid.uuid4().hex)
        if location is not None:
            initial.setdefault("location", location.pk)
        super().__init__(*args, **kwargs)
        ticket = self.fields["ticket"]
        assert isinstance(ticket, forms.TypedChoiceField)
        ticket.choices = [("", _("A new ticket"))] + [
            (t.pk, f"#{t.number} {t.subject}"[:90]) for t in open_tickets
        ]
        self.fields["location"].widget.attrs["autocomplete"] = "off"
        self.fields["text"].widget.attrs["autofocus"] = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        phrase = str(data.get("promise_due") or "").strip()
        data["promise_due_at"] = None
        if phrase:
            try:
                data["promise_due_at"] = parse_due(phrase, now=clock.now())
            except InvalidDue as error:
                self.add_error("promise_due", str(error.message))
        return data

    def request(self) -> VisitRequest:
        data = self.cleaned_data
        return VisitRequest(
            location=data["location"],
            visitor=Visitor(
                customer_id=data.get("customer"),
                name=data.get("name") or "",
                phone=data.get("phone") or "",
                email=data.get("email") or "",
            ),
            text=data["text"],
            outcome=data["outcome"],
            key=data["visit_key"],
            ticket_id=data.get("ticket"),
            promise_text=data.get("promise_text") or "",
            promise_due=data.get("promise_due_at"),
        )


class LocationForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("Short and stable, e.g. JKT-01; kiosks send it."),
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=LocationKind.choices)
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    team = forms.ModelChoiceField(
        Team.objects.order_by("name"),
        label=_("Team for its tickets"),
        required=False,
        empty_label=_("No team"),
    )
    follow_up_owner = forms.ModelChoiceField(
        Agent.objects.filter(is_active=True)
        .exclude(role=Role.CLERK)
        .order_by("first_name", "username"),
        label=_("Keeps the clerks' promises"),
        required=False,
        empty_label=_("Nobody"),
        help_text=_("Clerks may promise customers something only when someone follows it up."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, location: StoreLocation | None = None, **kwargs: Any) -> None:
        if location is not None:
            kwargs.setdefault(
                "initial",
                {
                    "code": location.code,
                    "name": location.name,
                    "kind": location.kind,
                    "address": location.address,
                    "team": location.team_id,
                    "follow_up_owner": location.follow_up_owner_id,
                    "is_active": location.is_active,
                },
            )
        super().__init__(*args, **kwargs)

    def settings(self) -> LocationSettings:
        data = self.cleaned_data
        return LocationSettings(
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            address=data.get("address") or "",
            team_id=data["team"].pk if data.get("team") else None,
            follow_up_owner_id=data["follow_up_owner"].pk if data.get("follow_up_owner") else None,
            is_active=bool(data.get("is_active")),
        )


class KioskForm(forms.Form):
    name = forms.CharField(label=_("Kiosk name"), max_length=100)
