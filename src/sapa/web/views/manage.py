"""Team settings for supervisors and admins: agents, teams, macros, tags."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sapa.web.requests import request_agent


def _page(request: HttpRequest, section: str) -> HttpResponse:
    request_agent(request)
    return render(request, "web/manage/placeholder.html", {"section": section})


@login_required
def agents(request: HttpRequest) -> HttpResponse:
    return _page(request, "agents")


@login_required
def agent_edit(request: HttpRequest, agent_id: int) -> HttpResponse:
    return _page(request, "agents")


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    return _page(request, "teams")


@login_required
def macros(request: HttpRequest) -> HttpResponse:
    return _page(request, "macros")


@login_required
def macro_edit(request: HttpRequest, macro_id: int) -> HttpResponse:
    return _page(request, "macros")


@login_required
def tags(request: HttpRequest) -> HttpResponse:
    return _page(request, "tags")
