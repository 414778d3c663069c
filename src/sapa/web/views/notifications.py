"""The agent's notifications: assigned to me, mentioned, my customer replied."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sapa.conversations.actions.notifications import mark_notifications_read
from sapa.conversations.models import Notification
from sapa.web.requests import request_agent

LIST_SIZE = 50


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    agent = request_agent(request)
    notifications = list(
        Notification.objects.filter(agent=agent)
        .select_related("ticket")
        .order_by("-created_at")[:LIST_SIZE]
    )
    return render(request, "web/notifications/list.html", {"notifications": notifications})


@login_required
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    """The unread count beside the bell (refreshed live)."""
    agent = request_agent(request)
    unread = Notification.objects.filter(agent=agent, read_at__isnull=True).count()
    return HttpResponse(str(unread) if unread else "")


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    agent = request_agent(request)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    mark_notifications_read(agent, ids=ids or None)
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("web:notifications")
