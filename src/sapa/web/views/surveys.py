"""The survey report in the console: per agent CSAT, satisfied share and CES, NPS overall,
experience ratings, for a period and optionally one team (supervisors and admins)."""

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from sapa.accounts.models import Team
from sapa.accounts.permissions import Permission
from sapa.core import clock
from sapa.surveys.reports import survey_report
from sapa.web.views.access import agent_with

PERIOD_DAYS = (7, 30, 90, 365)
DEFAULT_DAYS = 30


def _period_choices() -> list[tuple[int, str]]:
    return [(days, gettext("Last %(days)s days") % {"days": days}) for days in PERIOD_DAYS]


class SurveyReportForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"), coerce=int, choices=_period_choices, required=False
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("All teams"),
    )

    def period_days(self) -> int:
        if self.is_valid() and self.cleaned_data["days"]:
            return int(self.cleaned_data["days"])
        return DEFAULT_DAYS

    def team_id(self) -> int | None:
        team = self.cleaned_data.get("team") if self.is_valid() else None
        return team.pk if team is not None else None


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """Survey results of the period (answers given in it)."""
    agent_with(request, Permission.VIEW_REPORTS)
    form = SurveyReportForm(request.GET)
    days = form.period_days()
    since = clock.now() - timedelta(days=days)
    context = {
        "form": form,
        "days": days,
        "report": survey_report(since, team_id=form.team_id()),
    }
    return render(request, "web/surveys/report.html", context)
