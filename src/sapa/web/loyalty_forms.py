"""Forms of the after-sale pages: they parse; sapa.loyalty.actions validates and writes."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sapa.loyalty.actions import Discount, SettingsDraft
from sapa.loyalty.models import AfterSaleSettings, DiscountKind
from sapa.loyalty.texts import DEFAULT_TEXTS, Template

_TEXT_ROWS = 3


def _text(label: Any, template: Template, language: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": _TEXT_ROWS, "placeholder": DEFAULT_TEXTS[(template, language)]}
        ),
    )


def _number(label: Any, *, minimum: int = 0, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": minimum}),
    )


class AfterSaleSettingsForm(forms.Form):
    thank_you_enabled = forms.BooleanField(
        label=_("Thank the customer when an order is delivered"), required=False
    )
    thank_you_text_id = _text(_("Thank-you (Indonesian)"), Template.THANK_YOU, "id")
    thank_you_text_en = _text(_("Thank-you (English)"), Template.THANK_YOU, "en")
    thank_you_promo = forms.BooleanField(
        label=_("Give a promo code with the thank-you"), required=False
    )
    promo_text_id = _text(_("Sentence about the code (Indonesian)"), Template.PROMO, "id")
    promo_text_en = _text(_("Sentence about the code (English)"), Template.PROMO, "en")
    discount_kind = forms.ChoiceField(label=_("Discount"), choices=DiscountKind.choices)
    discount_percent = _number(_("Percentage off"), minimum=0)
    discount_minor = _number(_("Amount off (Rupiah)"), minimum=0)
    code_valid_days = _number(_("Codes valid for (days)"), minimum=0)
    min_order_minor = _number(_("Minimum order (Rupiah)"), minimum=0, help_text=_("0: any order."))
    code_prefix = forms.CharField(
        label=_("Code prefix"),
        required=False,
        max_length=20,
        help_text=_("Letters and digits before the random part, e.g. “SAPA”. Empty: none."),
    )
    review_enabled = forms.BooleanField(label=_("Ask for a review after delivery"), required=False)
    review_after_days = _number(_("Days after delivery"), minimum=0)
    review_text_id = _text(_("Review request (Indonesian)"), Template.REVIEW, "id")
    review_text_en = _text(_("Review request (English)"), Template.REVIEW, "en")
    win_back_enabled = forms.BooleanField(
        label=_("Write to customers who went quiet"), required=False
    )
    win_back_after_days = _number(
        _("Days without an order or a message"),
        minimum=0,
        help_text=_("Only customers with at least one order; once per quiet spell."),
    )
    win_back_text_id = _text(_("Win-back (Indonesian)"), Template.WIN_BACK, "id")
    win_back_text_en = _text(_("Win-back (English)"), Template.WIN_BACK, "en")
    win_back_promo = forms.BooleanField(
        label=_("Give a promo code with the win-back"), required=False
    )

    def __init__(self, *args: Any, config: AfterSaleSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.update({name: getattr(config, name) for name in self.fields})

    def draft(self) -> SettingsDraft:
        data = self.cleaned_data
        return SettingsDraft(**{name: data[name] for name in self.fields})

    def text_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """(Indonesian, English) pairs of text fields, for a two-column layout."""
        return [
            (self[f"{stem}_id"], self[f"{stem}_en"])
            for stem in ("thank_you_text", "promo_text", "review_text", "win_back_text")
        ]


class ManualCodeForm(forms.Form):
    discount_kind = forms.ChoiceField(label=_("Discount"), choices=DiscountKind.choices)
    discount_percent = forms.IntegerField(
        label=_("Percentage off"), required=False, min_value=1, max_value=100
    )
    discount_minor = forms.IntegerField(label=_("Amount off (Rupiah)"), required=False, min_value=1)
    valid_days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=365, initial=30
    )
    min_order_minor = forms.IntegerField(label=_("Minimum order (Rupiah)"), min_value=0, initial=0)
    note = forms.CharField(label=_("Why (kept with the code)"), required=False, max_length=300)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("discount_kind")
        if kind == DiscountKind.PERCENT and data.get("discount_percent") is None:
            self.add_error("discount_percent", _("Give the percentage."))
        if kind == DiscountKind.AMOUNT and data.get("discount_minor") is None:
            self.add_error("discount_minor", _("Give the amount."))
        return data

    def discount(self, *, currency: str) -> Discount:
        data = self.cleaned_data
        is_percent = data["discount_kind"] == DiscountKind.PERCENT
        return Discount(
            percent=data["discount_percent"] if is_percent else None,
            amount_minor=None if is_percent else data["discount_minor"],
            currency=currency,
            min_order_minor=data["min_order_minor"],
            valid_days=data["valid_days"],
        )
