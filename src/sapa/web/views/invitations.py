"""The other end of an invitation: a new agent sets their password from the link."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from sapa.accounts.actions import set_agent_password
from sapa.accounts.models import Agent
from sapa.core.actors import Actor


def _invited_agent(uidb64: str, token: str) -> Agent | None:
    """The active agent the link was made for, if the link still works (it stops once the
    password is set or the agent signs in, and after PASSWORD_RESET_TIMEOUT)."""
    try:
        agent_id = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    agent = Agent.objects.filter(pk=agent_id, is_active=True).first()
    if agent is None or not default_token_generator.check_token(agent, token):
        return None
    return agent


@sensitive_post_parameters()
@never_cache
def set_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    agent = _invited_agent(uidb64, token)
    if agent is None:
        return render(request, "web/auth/set_password.html", {"valid_link": False}, status=404)
    form = SetPasswordForm(agent, request.POST or None)
    if request.method == "POST" and form.is_valid():
        set_agent_password(
            agent, password=form.cleaned_data["new_password1"], actor=Actor.for_agent(agent)
        )
        login(request, agent, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your password is set. Welcome to Sapa!"))
        return redirect("web:inbox")
    context = {"valid_link": True, "form": form, "invited": agent}
    return render(request, "web/auth/set_password.html", context)
