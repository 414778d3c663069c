"""Errors of the surveys domain (mapped to HTTP by sapa.api.errors)."""

from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import Conflict, NotFound


class SurveyNotFound(NotFound):
    code = "survey_not_found"
    default_message = _("No such survey.")


class SurveyClosed(Conflict):
    """The survey can no longer be answered, or its answer no longer changed."""

    code = "survey_closed"
    default_message = _("This survey is closed; thank you for your answer.")
