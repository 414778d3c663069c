"""Changing the after-sale settings (admins, from the console)."""

from dataclasses import asdict, dataclass, fields

from django.db import transaction
from django.utils.translation import gettext as _

from sapa.accounts.permissions import require
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.loyalty.actions.codes import MAX_AMOUNT_MINOR
from sapa.loyalty.codes import PREFIX_PATTERN
from sapa.loyalty.models import AfterSaleSettings, DiscountKind
from sapa.loyalty.permissions import CHANGE_SETTINGS
from sapa.loyalty.queries import SETTINGS_PK, get_after_sale_settings
from sapa.loyalty.texts import Template, check_template

MAX_VALID_DAYS = 365
MAX_REVIEW_AFTER_DAYS = 90
MIN_WIN_BACK_DAYS = 7
MAX_WIN_BACK_DAYS = 730


@dataclass(frozen=True)
class SettingsDraft:
    thank_you_enabled: bool
    thank_you_text_id: str
    thank_you_text_en: str
    thank_you_promo: bool
    promo_text_id: str
    promo_text_en: str
    discount_kind: str
    discount_percent: int
    discount_minor: int
    code_valid_days: int
    min_order_minor: int
    code_prefix: str
    review_enabled: bool
    review_after_days: int
    review_text_id: str
    review_text_en: str
    win_back_enabled: bool
    win_back_after_days: int
    win_back_text_id: str
    win_back_text_en: str
    win_back_promo: bool

    @classmethod
    def of(cls, row: AfterSaleSettings) -> "SettingsDraft":
        return cls(**{field.name: getattr(row, field.name) for field in fields(cls)})


_TEXTS = {
    "thank_you_text": Template.THANK_YOU,
    "promo_text": Template.PROMO,
    "review_text": Template.REVIEW,
    "win_back_text": Template.WIN_BACK,
}


def _in_range(value: int, low: int, high: int, *, name: str) -> None:
    if not low <= value <= high:
        raise InvalidInput(
            _("Give a number from %(low)d to %(high)d.") % {"low": low, "high": high}, loc=[name]
        )


def _checked(draft: SettingsDraft) -> SettingsDraft:
    values = asdict(draft)
    if draft.discount_kind not in DiscountKind.values:
        raise InvalidInput(_("Choose a percentage or a fixed amount."), loc=["discount_kind"])
    if draft.discount_kind == DiscountKind.PERCENT:
        _in_range(draft.discount_percent, 1, 100, name="discount_percent")
    else:
        _in_range(draft.discount_minor, 1, MAX_AMOUNT_MINOR, name="discount_minor")
        # Kept for when the kind is switched back; the row holds a valid percentage.
        if not 1 <= draft.discount_percent <= 100:
            values["discount_percent"] = 10
    _in_range(draft.min_order_minor, 0, MAX_AMOUNT_MINOR, name="min_order_minor")
    _in_range(draft.code_valid_days, 1, MAX_VALID_DAYS, name="code_valid_days")
    _in_range(draft.review_after_days, 1, MAX_REVIEW_AFTER_DAYS, name="review_after_days")
    _in_range(
        draft.win_back_after_days, MIN_WIN_BACK_DAYS, MAX_WIN_BACK_DAYS, name="win_back_after_days"
    )
    prefix = draft.code_prefix.strip().upper()
    if not PREFIX_PATTERN.match(prefix):
        raise InvalidInput(
            _("Up to 10 letters A-Z and digits, without spaces or hyphens."), loc=["code_prefix"]
        )
    values["code_prefix"] = prefix
    for stem, template in _TEXTS.items():
        for language in ("id", "en"):
            name = f"{stem}_{language}"
            values[name] = check_template(template, values[name], loc=[name])
    if draft.discount_kind == DiscountKind.PERCENT:
        values["discount_minor"] = 0
    return SettingsDraft(**values)


def update_after_sale_settings(draft: SettingsDraft, *, actor: Actor) -> AfterSaleSettings:
    """Save the settings; they apply to what is planned from now on (messages planned
    already keep their text). An "after_sale.settings_updated" Event with the changed
    values. Raises PermissionDenied, InvalidInput (loc: the field)."""
    require(actor, CHANGE_SETTINGS)
    checked = _checked(draft)
    with transaction.atomic():
        get_after_sale_settings()
        row = AfterSaleSettings.objects.select_for_update().get(pk=SETTINGS_PK)
        before = asdict(SettingsDraft.of(row))
        after = asdict(checked)
        changed = [name for name in after if after[name] != before[name]]
        if not changed:
            return row
        for name in changed:
            setattr(row, name, after[name])
        row.updated_at = clock.now()
        row.updated_by = actor.agent
        row.save(update_fields=[*changed, "updated_at", "updated_by"])
        record_event(
            actor,
            "after_sale.settings_updated",
            row,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    return row
