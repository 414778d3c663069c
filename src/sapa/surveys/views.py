"""The public survey page /s/<token>/: no sign-in, in the customer's language, with the
help center's look (its frame, the shop's name, logo and colour).

GET never records anything: mail scanners and link previews open links. `?score=4` (a
one-click link in a message) only pre-selects the score; saving is always the form's POST
(with its CSRF token). After the answer the customer sees a thank-you page and may change
the answer for SAPA_SURVEY_CHANGE_DAYS; after that the page is a read-only thank-you.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.helpcenter.branding import branding, public_language
from sapa.surveys import actions
from sapa.surveys.actions.answers import closes_at
from sapa.surveys.exceptions import SurveyClosed, SurveyNotFound
from sapa.surveys.forms import AnswerForm
from sapa.surveys.models import SCALES, SurveyKind, SurveyResponse
from sapa.surveys.queries import get_response_by_token

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
# What each end of a scale means.
_ENDS: dict[str, tuple[Promise, Promise]] = {
    SurveyKind.CSAT: (gettext_lazy("Very dissatisfied"), gettext_lazy("Very satisfied")),
    SurveyKind.NPS: (gettext_lazy("Not at all likely"), gettext_lazy("Extremely likely")),
    SurveyKind.CES: (gettext_lazy("Very difficult"), gettext_lazy("Very easy")),
}


@dataclass
class Scale:
    """One question as the page shows it: a group of big radio buttons."""

    name: str
    legend: str
    values: list[int]
    low_label: str
    high_label: str
    selected: int | None = None
    required: bool = True
    errors: list[str] = field(default_factory=list)


def _legend(kind: str) -> str:
    if kind == SurveyKind.NPS:
        return _("How likely are you to recommend %(shop)s to a friend or colleague?") % {
            "shop": settings.SAPA_SHOP_NAME
        }
    if kind == SurveyKind.CES:
        return _("How easy was it to get your problem solved?")
    return _("How satisfied are you with the help you received?")


def _scale(kind: str, name: str, form: AnswerForm, *, selected: int | None) -> Scale:
    low, high = SCALES[kind]
    low_label, high_label = _ENDS[kind]
    return Scale(
        name=name,
        legend=_legend(kind),
        values=list(range(low, high + 1)),
        low_label=str(low_label),
        high_label=str(high_label),
        selected=selected,
        required=name == "score",
        errors=[str(e) for e in form.errors.get(name, [])],
    )


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _survey_or_404(token: str) -> SurveyResponse:
    try:
        return get_response_by_token(token)
    except SurveyNotFound as error:
        raise Http404() from error


def _page(
    request: HttpRequest,
    survey: SurveyResponse,
    template: str,
    context: Callable[[], dict[str, Any]],
    *,
    status: int = 200,
) -> HttpResponse:
    """Render in the survey's language (or the one the visitor switched to with ?lang=);
    `context` is built inside it, so its sentences are in that language."""
    lang = public_language(request.GET.get("lang") or survey.language)
    other = "en" if lang == "id" else "id"
    with translation.override(lang):
        request.LANGUAGE_CODE = lang
        response = render(
            request,
            template,
            {
                "lang": lang,
                "brand": branding(),
                "survey": survey,
                "other_lang": other,
                "other_lang_name": LANGUAGE_NAMES[other],
                "switch_url": f"{request.path}?{urlencode({'lang': other})}",
                **context(),
            },
            status=status,
        )
    response["Content-Language"] = lang
    # The token is in the address: no Referer to the logo's host or anywhere else. Not
    # "no-referrer": browsers then send `Origin: null` with the form, which fails CSRF.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _thanks(request: HttpRequest, survey: SurveyResponse, *, status: int = 200) -> HttpResponse:
    def context() -> dict[str, Any]:
        return {
            "can_change": actions.is_open(survey) and survey.answered_at is not None,
            "closes_at": closes_at(survey),
            "high": SCALES[survey.kind][1],
            "answer_path": reverse("surveys:answer", kwargs={"token": _token(request)}),
        }

    return _page(request, survey, "surveys/thanks.html", context, status=status)


def _token(request: HttpRequest) -> str:
    match = request.resolver_match
    assert match is not None
    return str(match.kwargs["token"])


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The survey's form (GET, pre-filled with the answer so far or ?score=), and saving it
    (POST). A closed survey shows its read-only thank-you (409 for a POST)."""
    survey = _survey_or_404(token)
    if not actions.is_open(survey):
        return _thanks(request, survey, status=409 if request.method == "POST" else 200)
    ask_ces = survey.kind == SurveyKind.CSAT and settings.SAPA_SURVEY_ASK_CES
    ces = _ces_of(survey) if ask_ces else None
    status = 200
    if request.method == "POST":
        form = AnswerForm(survey, request.POST, ask_ces=ask_ces)
        if form.is_valid():
            actor = Actor.customer(label=f"customer:{survey.customer_id}")
            try:
                actions.answer_survey(survey, form.answer(), actor=actor)
            except SurveyClosed:
                survey.refresh_from_db()
                return _thanks(request, survey, status=409)
            except InvalidInput as error:
                name = str(error.loc[-1]) if error.loc else ""
                form.add_error(name if name in form.fields else None, str(error.message))
            else:
                thanks = reverse("surveys:thanks", kwargs={"token": token})
                lang = request.GET.get("lang")
                return redirect(f"{thanks}?{urlencode({'lang': lang})}" if lang else thanks)
        status = 422
        selected_score = _as_int(request.POST.get("score"))
        selected_ces = _as_int(request.POST.get("ces_score"))
    else:
        form = AnswerForm(survey, ask_ces=ask_ces)
        preselected = _as_int(request.GET.get("score"))
        selected_score = survey.score if preselected is None else preselected
        selected_ces = ces.score if ces is not None else None

    def context() -> dict[str, Any]:
        scales = [_scale(survey.kind, "score", form, selected=selected_score)]
        if ask_ces:
            scales.append(_scale(SurveyKind.CES, "ces_score", form, selected=selected_ces))
        comment = form["comment"].value() if form.is_bound else survey.comment
        return {"form": form, "scales": scales, "comment": comment or ""}

    return _page(request, survey, "surveys/answer.html", context, status=status)


def _ces_of(survey: SurveyResponse) -> SurveyResponse | None:
    if survey.ticket_id is None:
        return None
    return SurveyResponse.objects.filter(ticket_id=survey.ticket_id, kind=SurveyKind.CES).first()


@never_cache
@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    """After the answer: what was recorded, and until when it may be changed."""
    survey = _survey_or_404(token)
    if survey.answered_at is None:
        return redirect("surveys:answer", token=token)
    return _thanks(request, survey)
