"""Console forms of the customer journey: setting a stage by hand, the funnel's filters.
They parse; sapa.journey checks the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sapa.customers.models import LifecycleStage
from sapa.journey.actions import MAX_REASON_LENGTH
from sapa.journey.funnel import FIRST_CONTACT_CHANNELS, channel_label


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=LifecycleStage.choices)
    reason = forms.CharField(label=_("Reason"), max_length=MAX_REASON_LENGTH)


class JourneyReportForm(forms.Form):
    start = forms.DateField(
        label=pgettext_lazy("period", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=pgettext_lazy("period", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    channel = forms.ChoiceField(label=_("First contact"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channel = self.fields["channel"]
        assert isinstance(channel, forms.ChoiceField)
        # Labels in the reader's language, so built per form.
        channel.choices = [
            ("", channel_label("")),
            *((value, channel_label(value)) for value in FIRST_CONTACT_CHANNELS),
        ]
