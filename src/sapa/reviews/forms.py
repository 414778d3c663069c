"""The customer's review form on the public page. Only shapes are checked here; the rules
(plain text, lengths, names that are not addresses) are the action's."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import SapaError
from sapa.reviews.plain_text import DISPLAY_NAME_MAX_CHARS, TEXT_MAX_CHARS, TITLE_MAX_CHARS

STAR_CHOICES = [(n, str(n)) for n in range(5, 0, -1)]


class ReviewForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=STAR_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    title = forms.CharField(label=_("Title (optional)"), required=False, max_length=TITLE_MAX_CHARS)
    text = forms.CharField(
        label=_("Your review"),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What did you like? What could be better?"),
    )
    display_name = forms.CharField(
        label=_("Show my name as"),
        required=False,
        max_length=DISPLAY_NAME_MAX_CHARS,
        help_text=_("For example “Budi S.”. Never an email address or phone number."),
    )

    def apply_error(self, error: SapaError) -> None:
        """Put a domain error on the field its `loc` names, else on the form."""
        loc = [str(part) for part in getattr(error, "loc", [])]
        field = loc[-1] if loc and loc[-1] in self.fields else None
        self.add_error(field, str(error.message))
