"""Signing in and out, changing one's password and language."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sapa.accounts.actions import set_agent_language, set_agent_password
from sapa.core.actors import Actor
from sapa.web.requests import request_agent


class LoginView(auth_views.LoginView):
    template_name = "web/auth/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    agent = request_agent(request)
    form = PasswordChangeForm(agent, request.POST or None)
    if request.method == "POST" and form.is_valid():
        set_agent_password(
            agent, password=form.cleaned_data["new_password1"], actor=Actor.for_agent(agent)
        )
        update_session_auth_hash(request, agent)
        messages.success(request, _("Your password was changed."))
        return redirect("web:inbox")
    return render(request, "web/auth/password_change.html", {"form": form})


@login_required
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    agent = request_agent(request)
    chosen = request.POST.get("language", "")
    if chosen in dict(settings.LANGUAGES):
        set_agent_language(agent, language=chosen, actor=Actor.for_agent(agent))
    return redirect(request.headers.get("referer") or "web:inbox")
