"""Forms of the routing settings and the presence switch."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Presence, Team
from sapa.routing.models import AssignmentPolicy


class PresenceForm(forms.Form):
    presence = forms.ChoiceField(label=_("Status"), choices=Presence.choices)


class TeamRoutingForm(forms.Form):
    policy = forms.ChoiceField(label=_("Assignment"), choices=AssignmentPolicy.choices)
    overflow_team = forms.ModelChoiceField(
        label=_("Overflow to team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("No overflow"),
    )
    overflow_after_minutes = forms.IntegerField(
        label=_("Overflow after (minutes waiting)"),
        min_value=0,
        max_value=7 * 24 * 60,
        initial=0,
        help_text=_("0: never."),
    )
    reassign_when_offline = forms.BooleanField(
        label=_("Route an agent's open tickets again when they go offline"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: object, team: Team, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["overflow_team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Team.objects.exclude(pk=team.pk).order_by("name")
