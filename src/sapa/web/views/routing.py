"""Routing in the console: an agent's presence switch, and each team's assignment policy."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapa.accounts.models import Presence, Team
from sapa.accounts.permissions import Permission
from sapa.accounts.presence import set_presence
from sapa.core import exceptions
from sapa.core.actors import Actor
from sapa.routing.actions import TeamRoutingChanges, configure_team_routing
from sapa.routing.models import AssignmentPolicy, TeamRouting
from sapa.routing.queries import team_loads
from sapa.web.form_errors import apply_error
from sapa.web.requests import request_agent
from sapa.web.routing_forms import PresenceForm, TeamRoutingForm
from sapa.web.views.access import agent_with, found


@login_required
@require_POST
def presence(request: HttpRequest) -> HttpResponse:
    """The signed-in agent sets themself online, away or offline."""
    agent = request_agent(request)
    form = PresenceForm(request.POST)
    if form.is_valid():
        set_presence(agent, Presence(form.cleaned_data["presence"]), actor=Actor.for_agent(agent))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "web:inbox")


@login_required
def team_routing(request: HttpRequest, team_id: int) -> HttpResponse:
    """A team's assignment policy, overflow and re-assignment, with its agents' load."""
    manager = agent_with(request, Permission.MANAGE_TEAM)
    team = found(Team.objects.all(), team_id)
    current = TeamRouting.objects.filter(team=team).first()
    initial = {
        "policy": current.policy if current else AssignmentPolicy.MANUAL,
        "overflow_team": current.overflow_team_id if current else None,
        "overflow_after_minutes": current.overflow_after_minutes if current else 0,
        "reassign_when_offline": current.reassign_when_offline if current else True,
    }
    form = TeamRoutingForm(request.POST or None, initial=initial, team=team)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = TeamRoutingChanges(
            policy=AssignmentPolicy(data["policy"]),
            overflow_team=data["overflow_team"],
            overflow_after_minutes=data["overflow_after_minutes"],
            reassign_when_offline=data["reassign_when_offline"],
        )
        try:
            configure_team_routing(team, changes, actor=Actor.for_agent(manager))
        except exceptions.InvalidInput as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Routing of %(team)s saved.") % {"team": team.name})
            return redirect("web:manage_team_routing", team_id=team.pk)
    context = {"section": "teams", "team": team, "form": form, "loads": team_loads(team.pk)}
    return render(
        request, "web/manage/team_routing.html", context, status=422 if form.errors else 200
    )
