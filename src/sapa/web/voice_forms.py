"""Forms of the Phone pages and of "Log a call" on a ticket: they parse; the actions in
sapa.channels.voice.actions check the rules and write."""

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Team
from sapa.channels.voice.actions import DepartmentSettings, LineSettings, ManualCall
from sapa.channels.voice.models import (
    MAX_VOICEMAIL_SECONDS,
    CallDirection,
    CallOutcome,
    Department,
    RouteKind,
    VoiceLanguage,
    VoiceLine,
)
from sapa.core import clock
from sapa.promises.exceptions import InvalidDue
from sapa.promises.when import parse_due
from sapa.sla.models import BusinessCalendar


def _pk(value: Any) -> int | None:
    return value.pk if value is not None else None


class LineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    number = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        help_text=_("The number customers call, e.g. 021-5000-1234 or +62 21 5000 1234."),
    )
    auth_token = forms.CharField(
        label=_("Auth token"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "From the provider's console; it checks that each request comes from the "
            "provider. Never shown again; leave empty to keep the stored one."
        ),
    )
    team = forms.ModelChoiceField(
        Team.objects.order_by("name"),
        label=_("Team for new tickets"),
        required=False,
        empty_label=_("No team"),
    )
    calendar = forms.ModelChoiceField(
        BusinessCalendar.objects.order_by("-is_default", "name"),
        label=_("Opening hours"),
        required=False,
        empty_label=_("The default calendar"),
        help_text=_("Outside these hours (and on the calendar's holidays) callers get voicemail."),
    )
    default_department = forms.ModelChoiceField(
        Department.objects.filter(is_active=True).order_by("name"),
        label=_("Department for “talk to a person”"),
        required=False,
        empty_label=_("None: voicemail"),
    )
    language = forms.ChoiceField(label=_("Language"), choices=VoiceLanguage.choices)
    greeting = forms.CharField(
        label=_("Greeting (Indonesian)"),
        max_length=300,
        required=False,
        help_text=_("Said before the menu, e.g. “Terima kasih telah menghubungi Toko Buku.”"),
    )
    greeting_en = forms.CharField(label=_("Greeting (English)"), max_length=300, required=False)
    voicemail_max_seconds = forms.IntegerField(
        label=_("Longest voicemail (seconds)"), min_value=5, max_value=MAX_VOICEMAIL_SECONDS
    )
    transcribe_voicemail = forms.BooleanField(
        label=_("Ask the provider for a transcript of each voicemail"), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, line: VoiceLine | None = None, **kwargs: Any) -> None:
        if line is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": line.name,
                    "number": line.number,
                    "team": line.team_id,
                    "calendar": line.calendar_id,
                    "default_department": line.default_department_id,
                    "language": line.language,
                    "greeting": line.greeting,
                    "greeting_en": line.greeting_en,
                    "voicemail_max_seconds": line.voicemail_max_seconds,
                    "transcribe_voicemail": line.transcribe_voicemail,
                    "is_active": line.is_active,
                },
            )
        else:
            kwargs.setdefault(
                "initial",
                {
                    "voicemail_max_seconds": MAX_VOICEMAIL_SECONDS,
                    "transcribe_voicemail": True,
                    "is_active": True,
                },
            )
        super().__init__(*args, **kwargs)

    def settings(self) -> LineSettings:
        data = self.cleaned_data
        return LineSettings(
            name=data["name"],
            number=data["number"],
            auth_token=data["auth_token"],
            team_id=_pk(data["team"]),
            calendar_id=_pk(data["calendar"]),
            default_department_id=_pk(data["default_department"]),
            language=data["language"],
            greeting=data["greeting"],
            greeting_en=data["greeting_en"],
            voicemail_max_seconds=data["voicemail_max_seconds"],
            transcribe_voicemail=data["transcribe_voicemail"],
            is_active=data["is_active"],
        )


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    phone_number = forms.CharField(
        label=_("Phone number to put callers through to"), max_length=32, required=False
    )
    queue_name = forms.CharField(
        label=_("Or: provider queue"),
        max_length=64,
        required=False,
        help_text=_("Callers wait in this queue; agents take them from the provider's app."),
    )
    team = forms.ModelChoiceField(
        Team.objects.order_by("name"),
        label=_("Team"),
        required=False,
        empty_label=_("No team"),
        help_text=_("Menu entries that hand over to this team come here."),
    )
    ring_seconds = forms.IntegerField(label=_("Ring for (seconds)"), min_value=5, max_value=120)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, department: Department | None = None, **kwargs: Any) -> None:
        initial: dict[str, Any] = {"ring_seconds": 25, "is_active": True}
        if department is not None:
            initial = {
                "name": department.name,
                "phone_number": department.phone_number,
                "queue_name": department.queue_name,
                "team": department.team_id,
                "ring_seconds": department.ring_seconds,
                "is_active": department.is_active,
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def settings(self) -> DepartmentSettings:
        data = self.cleaned_data
        return DepartmentSettings(
            name=data["name"],
            phone_number=data["phone_number"],
            queue_name=data["queue_name"],
            team_id=_pk(data["team"]),
            ring_seconds=data["ring_seconds"],
            is_active=data["is_active"],
        )


class RouteForm(forms.Form):
    """A hand-off entry's destination as one choice: "" (its team's department),
    "voicemail", or "department:<pk>"."""

    destination = forms.CharField(max_length=40, required=False)

    def route(self) -> tuple[str, int | None]:
        value = self.cleaned_data["destination"]
        if value == RouteKind.VOICEMAIL:
            return RouteKind.VOICEMAIL, None
        if value.startswith("department:") and value.removeprefix("department:").isdigit():
            return RouteKind.DIAL, int(value.removeprefix("department:"))
        return "", None


MANUAL_OUTCOMES = (
    (CallOutcome.ANSWERED, _("Talked")),
    (CallOutcome.MISSED, _("No answer")),
    (CallOutcome.VOICEMAIL, _("Left a voicemail")),
)


class CallLogForm(forms.Form):
    """ "Log a call" beside the composer: defaults ready for one more click."""

    direction = forms.ChoiceField(
        label=_("Call"), choices=CallDirection.choices, initial=CallDirection.INBOUND
    )
    duration_minutes = forms.IntegerField(
        label=_("Minutes"), min_value=0, max_value=24 * 60, initial=5
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=MANUAL_OUTCOMES, initial=CallOutcome.ANSWERED
    )
    summary = forms.CharField(label=_("Summary"), max_length=4000, required=False)
    promise_text = forms.CharField(label=_("Promised"), max_length=500, required=False)
    promise_due = forms.CharField(label=_("By when"), max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        phrase = data.get("promise_due", "").strip()
        data["promise_due_at"] = None
        if data.get("promise_text", "").strip() and not phrase:
            self.add_error("promise_due", _("Say by when, e.g. “besok 17:00”."))
        elif phrase:
            if not data.get("promise_text", "").strip():
                self.add_error("promise_text", _("Say what was promised."))
            try:
                data["promise_due_at"] = parse_due(phrase, now=clock.now())
            except InvalidDue as error:
                self.add_error("promise_due", str(error.message))
        return data

    def call(self) -> ManualCall:
        data = self.cleaned_data
        due: datetime | None = data["promise_due_at"]
        return ManualCall(
            direction=data["direction"],
            duration_minutes=data["duration_minutes"],
            outcome=data["outcome"],
            summary=data["summary"],
            promise_text=data["promise_text"] if due else "",
            promise_due_at=due,
        )
