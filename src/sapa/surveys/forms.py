"""The survey page's form: the score on the survey's scale, the optional effort score beside
a CSAT, and a comment."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sapa.surveys.actions import Answer
from sapa.surveys.actions.answers import COMMENT_MAX_CHARS
from sapa.surveys.models import SCALES, SurveyKind, SurveyResponse


def _choices(kind: str) -> list[tuple[int, str]]:
    low, high = SCALES[kind]
    return [(value, str(value)) for value in range(low, high + 1)]


class AnswerForm(forms.Form):
    score = forms.TypedChoiceField(
        coerce=int, error_messages={"required": _("Choose a score.")}, label=_("Score")
    )
    ces_score = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Effort")
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Anything you would like to tell us? (optional)"),
    )

    def __init__(self, survey: SurveyResponse, *args: Any, ask_ces: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        score = self.fields["score"]
        assert isinstance(score, forms.TypedChoiceField)
        score.choices = _choices(survey.kind)
        if ask_ces:
            ces = self.fields["ces_score"]
            assert isinstance(ces, forms.TypedChoiceField)
            ces.choices = [("", ""), *_choices(SurveyKind.CES)]
        else:
            del self.fields["ces_score"]

    def answer(self) -> Answer:
        data = self.cleaned_data
        return Answer(score=data["score"], comment=data["comment"], ces_score=data.get("ces_score"))
