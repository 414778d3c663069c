"""Signed survey links: /s/<token>/ answers one survey without signing in.

The token names the response id only, signed with SECRET_KEY and a salt of its own, so a
token can answer its own survey and no other: changing the id breaks the signature, and a
forged token is a 404. It does not expire by itself; how long a survey may be answered and
changed is the answer action's rule (SAPA_SURVEY_ANSWER_DAYS, SAPA_SURVEY_CHANGE_DAYS).
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.http import urlencode

from sapa.surveys.models import SurveyResponse

SALT = "sapa.surveys.answer"


def token_for(response: SurveyResponse) -> str:
    return signing.Signer(salt=SALT).sign(str(response.pk))


def response_id_from(token: str) -> int | None:
    """The response id a token names, or None when it is not one of ours."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def survey_path(response: SurveyResponse, *, score: int | None = None) -> str:
    path = reverse("surveys:answer", kwargs={"token": token_for(response)})
    return f"{path}?{urlencode({'score': score})}" if score is not None else path


def survey_url(response: SurveyResponse, *, score: int | None = None) -> str:
    """The absolute address of the survey's answer page (SAPA_BASE_URL); with `score`, a
    one-click link that pre-selects that score (saving still needs the form's POST)."""
    return f"{settings.SAPA_BASE_URL}{survey_path(response, score=score)}"
