"""SLA settings in the console (supervisors and admins: MANAGE_TEAM): business calendars
with their holidays, policies with targets per priority, and the breach report. Writes go
through sapa.sla.actions."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from sapa.accounts.permissions import Permission
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, SapaError
from sapa.sla import actions
from sapa.sla.models import BusinessCalendar, Holiday, SlaPolicy
from sapa.sla.queries import breach_report, holidays_in, list_calendars, list_policies
from sapa.web.form_errors import apply_error
from sapa.web.sla_forms import CalendarForm, HolidayForm, PolicyForm
from sapa.web.views.access import agent_with, found

REPORT_DAYS = 30


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    agent_with(request, Permission.MANAGE_TEAM)
    until = clock.now()
    context = {
        "section": "sla",
        "calendars": list_calendars(),
        "policies": list_policies(),
        "report": breach_report(until - timedelta(days=REPORT_DAYS), until),
        "report_days": REPORT_DAYS,
    }
    return render(request, "web/manage/sla.html", context)


def _form_error(form: CalendarForm | PolicyForm, error: InvalidInput) -> None:
    apply_error(form, error)


def _calendar_page(
    request: HttpRequest, form: CalendarForm, calendar: BusinessCalendar | None
) -> HttpResponse:
    agent = agent_with(request, Permission.MANAGE_TEAM)
    if request.method == "POST" and form.is_valid():
        actor = Actor.for_agent(agent)
        try:
            if calendar is None:
                saved = actions.create_calendar(form.draft(), actor=actor)
            else:
                saved = actions.update_calendar(calendar, form.draft(), actor=actor)
        except InvalidInput as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Calendar %(name)s was saved.") % {"name": saved.name})
            return redirect("web:manage_sla_calendar", calendar_id=saved.pk)
    year = _year(request.GET.get("year", ""))
    context = {
        "section": "sla",
        "calendar": calendar,
        "form": form,
        "year": year,
        "years": [year - 1, year, year + 1],
        "holidays": holidays_in(calendar, year) if calendar else [],
        "holiday_form": HolidayForm(),
    }
    status = 422 if form.errors else 200
    return render(request, "web/manage/sla_calendar.html", context, status=status)


def _year(raw: str) -> int:
    """The year asked for, within five years of now; else this year."""
    this_year = clock.now().year
    return int(raw) if raw.isdigit() and abs(int(raw) - this_year) <= 5 else this_year


@login_required
def calendar_new(request: HttpRequest) -> HttpResponse:
    agent_with(request, Permission.MANAGE_TEAM)
    return _calendar_page(request, CalendarForm(request.POST or None), None)


@login_required
def calendar_edit(request: HttpRequest, calendar_id: int) -> HttpResponse:
    agent_with(request, Permission.MANAGE_TEAM)
    calendar = found(BusinessCalendar.objects.all(), calendar_id)
    return _calendar_page(request, CalendarForm(request.POST or None, calendar=calendar), calendar)


@login_required
@require_POST
def holidays_import(request: HttpRequest, calendar_id: int) -> HttpResponse:
    agent = agent_with(request, Permission.MANAGE_TEAM)
    calendar = found(BusinessCalendar.objects.all(), calendar_id)
    year = _year(request.POST.get("year", ""))
    added = actions.import_holidays(calendar, years=[year], actor=Actor.for_agent(agent))
    messages.success(
        request,
        ngettext(
            "%(count)d holiday of %(year)d added.", "%(count)d holidays of %(year)d added.", added
        )
        % {"count": added, "year": year},
    )
    return redirect(f"{_calendar_url(calendar)}?year={year}")


def _calendar_url(calendar: BusinessCalendar) -> str:
    return reverse("web:manage_sla_calendar", args=[calendar.pk])


@login_required
@require_POST
def holiday_add(request: HttpRequest, calendar_id: int) -> HttpResponse:
    agent = agent_with(request, Permission.MANAGE_TEAM)
    calendar = found(BusinessCalendar.objects.all(), calendar_id)
    form = HolidayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the holiday a date and a name."))
        return redirect(_calendar_url(calendar))
    day = form.cleaned_data["date"]
    try:
        actions.add_holiday(
            calendar, day=day, name=form.cleaned_data["name"], actor=Actor.for_agent(agent)
        )
    except SapaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Holiday added."))
    return redirect(f"{_calendar_url(calendar)}?year={day.year}")


@login_required
@require_POST
def holiday_switch(request: HttpRequest, holiday_id: int) -> HttpResponse:
    agent = agent_with(request, Permission.MANAGE_TEAM)
    holiday = found(Holiday.objects.select_related("calendar"), holiday_id)
    is_active = request.POST.get("is_active") == "1"
    actions.set_holiday_active(holiday, is_active=is_active, actor=Actor.for_agent(agent))
    if is_active:
        messages.success(request, _("%(name)s is a holiday again.") % {"name": holiday.name})
    else:
        messages.success(request, _("%(name)s is now a working day.") % {"name": holiday.name})
    return redirect(f"{_calendar_url(holiday.calendar)}?year={holiday.date.year}")


@login_required
@require_POST
def holiday_remove(request: HttpRequest, holiday_id: int) -> HttpResponse:
    agent = agent_with(request, Permission.MANAGE_TEAM)
    holiday = found(Holiday.objects.select_related("calendar"), holiday_id)
    try:
        actions.remove_holiday(holiday, actor=Actor.for_agent(agent))
    except SapaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Holiday removed."))
    return redirect(f"{_calendar_url(holiday.calendar)}?year={holiday.date.year}")


def _policy_page(request: HttpRequest, form: PolicyForm, policy: SlaPolicy | None) -> HttpResponse:
    agent = agent_with(request, Permission.MANAGE_TEAM)
    if request.method == "POST" and form.is_valid():
        actor = Actor.for_agent(agent)
        try:
            if policy is None:
                saved = actions.create_policy(form.draft(), actor=actor)
            else:
                saved = actions.update_policy(policy, form.draft(), actor=actor)
        except InvalidInput as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Policy %(name)s was saved.") % {"name": saved.name})
            return redirect("web:manage_sla_policy", policy_id=saved.pk)
    context = {"section": "sla", "policy": policy, "form": form}
    status = 422 if form.errors else 200
    return render(request, "web/manage/sla_policy.html", context, status=status)


@login_required
def policy_new(request: HttpRequest) -> HttpResponse:
    agent_with(request, Permission.MANAGE_TEAM)
    return _policy_page(request, PolicyForm(request.POST or None), None)


@login_required
def policy_edit(request: HttpRequest, policy_id: int) -> HttpResponse:
    agent_with(request, Permission.MANAGE_TEAM)
    policy = found(SlaPolicy.objects.prefetch_related("targets"), policy_id)
    return _policy_page(request, PolicyForm(request.POST or None, policy=policy), policy)
