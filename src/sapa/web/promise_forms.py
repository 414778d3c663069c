"""The promise form beside the composer: it parses the due time; the actions in
sapa.promises.actions check the rules and write."""

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Agent
from sapa.core import clock
from sapa.promises.exceptions import InvalidDue
from sapa.promises.when import parse_due

# The follow-up offered by default, in the customer's language (content sent to the
# customer, like a macro, not console text).
DEFAULT_FOLLOW_UPS = {
    "id": "Apakah pesanan Anda sudah diterima?",
    "en": "Has your order arrived?",
}
# Quick due buttons: (what when.py reads, the label).
QUICK_DUES = (
    ("hari ini 17:00", _("Today 17:00")),
    ("besok 17:00", _("Tomorrow 17:00")),
    ("lusa", _("In two days")),
)


def default_follow_up(language: str) -> str:
    return DEFAULT_FOLLOW_UPS.get(language, DEFAULT_FOLLOW_UPS["id"])


class PromiseForm(forms.Form):
    """One submit makes the promise: the typed due ("besok 17:00"), a quick button
    (`due_quick`, which wins), or the date picker (`due_local`)."""

    text = forms.CharField(label=_("What was promised"), max_length=500)
    due = forms.CharField(label=_("By when"), max_length=100, required=False)
    due_quick = forms.CharField(max_length=100, required=False)
    due_local = forms.CharField(max_length=40, required=False)
    owner = forms.ModelChoiceField(Agent.objects.filter(is_active=True), label=_("Owner"))
    follow_up = forms.BooleanField(label=_("Ask the customer when it is due"), required=False)
    follow_up_text = forms.CharField(label=_("Follow-up message"), required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        phrase = (
            data.get("due_quick", "").strip()
            or data.get("due", "").strip()
            or data.get("due_local", "").strip()
        )
        if not phrase:
            self.add_error("due", _("Say by when, e.g. “besok 17:00”."))
            return data
        try:
            data["due_at"] = parse_due(phrase, now=clock.now())
        except InvalidDue as error:
            self.add_error("due", str(error.message))
        if data.get("follow_up") and not data.get("follow_up_text", "").strip():
            self.add_error("follow_up_text", _("Write the follow-up message, or untick it."))
        return data

    @property
    def due_at(self) -> datetime:
        value = self.cleaned_data["due_at"]
        assert isinstance(value, datetime)
        return value
