"""Forms of the SLA settings pages: they parse; the actions in sapa.sla.actions validate the
rules and write."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sapa.channels.kinds import Channel
from sapa.conversations.models import Priority
from sapa.sla.actions import CalendarDraft, PolicyDraft, TargetMinutes
from sapa.sla.models import DEFAULT_HOURS, BusinessCalendar, SlaMetric, SlaPolicy, Zone

# Priorities as the policy page lists them: urgent first.
PRIORITY_ORDER = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    zone = forms.ChoiceField(label=_("Time zone"), choices=Zone.choices)
    hours = forms.CharField(
        label=_("Business hours"),
        max_length=300,
        required=False,
        help_text=_("E.g. “mon-sat 08:00-17:00” or “sen-jum 08:00-12:00; sen-jum 13:00-17:00”. "
                    "Empty: around the clock."),
    )  # fmt: skip
    is_default = forms.BooleanField(label=_("Default calendar"), required=False)

    def __init__(self, *args: Any, calendar: BusinessCalendar | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if calendar is not None:
            self.initial.update(
                name=calendar.name,
                zone=calendar.zone,
                hours=calendar.hours,
                is_default=calendar.is_default,
            )
        else:
            self.initial.setdefault("hours", DEFAULT_HOURS)

    def draft(self) -> CalendarDraft:
        data = self.cleaned_data
        return CalendarDraft(
            name=data["name"],
            zone=Zone(data["zone"]),
            hours=data["hours"],
            is_default=data["is_default"],
        )


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), max_length=200)


def _minutes_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=1, widget=forms.NumberInput(attrs={"min": 1})
    )


class PolicyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    calendar = forms.ModelChoiceField(
        BusinessCalendar.objects.order_by("-is_default", "name"),
        label=_("Calendar"),
        empty_label=None,
    )
    position = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        initial=10,
        help_text=_("Policies are tried from the lowest number; the first that fits applies."),
    )
    customer_tags = forms.CharField(
        label=_("Customer tags"),
        required=False,
        max_length=500,
        help_text=_("Only for customers with one of these tags, e.g. “vip”. Empty: everyone."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any channel."),
    )
    warn_before_minutes = forms.IntegerField(
        label=_("Warn before due (business minutes)"), min_value=0, initial=30
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, policy: SlaPolicy | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for priority in PRIORITY_ORDER:
            for metric in SlaMetric:
                self.fields[self.target_name(priority, metric)] = _minutes_field(
                    f"{priority.label}: {metric.label}"
                )
        if policy is not None:
            self.initial.update(
                name=policy.name,
                calendar=policy.calendar_id,
                position=policy.position,
                customer_tags=" ".join(policy.customer_tags),
                channels=policy.channels,
                warn_before_minutes=policy.warn_before_minutes,
                is_active=policy.is_active,
            )
            for target in policy.targets.all():
                for metric in SlaMetric:
                    self.initial[self.target_name(target.priority, metric)] = target.minutes_for(
                        metric
                    )

    @staticmethod
    def target_name(priority: str, metric: str) -> str:
        return f"target_{priority}_{metric}"

    def target_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(priority label, [first response, next response, resolution]) for the table."""
        return [
            (
                str(priority.label),
                [self[self.target_name(priority, metric)] for metric in SlaMetric],
            )
            for priority in PRIORITY_ORDER
        ]

    def draft(self) -> PolicyDraft:
        data = self.cleaned_data
        targets = {}
        for priority in PRIORITY_ORDER:
            minutes = [data.get(self.target_name(priority, metric)) for metric in SlaMetric]
            if any(value is not None for value in minutes):
                targets[priority.value] = TargetMinutes(*minutes)
        return PolicyDraft(
            name=data["name"],
            calendar=data["calendar"],
            position=data["position"],
            is_active=data["is_active"],
            customer_tags=tuple(t for t in re.split(r"[\s,]+", data["customer_tags"]) if t),
            channels=tuple(data["channels"]),
            warn_before_minutes=data["warn_before_minutes"],
            targets=targets,
        )
