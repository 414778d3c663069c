"""Every change to after-sale settings, promo codes and win-backs. Views, the API, handlers
and tasks call these; nothing else writes loyalty models."""

from sapa.loyalty.actions.codes import (
    Discount,
    Redemption,
    check_usable,
    discount_on,
    expire_promo_codes,
    issue_code_for_order,
    issue_manual_code,
    move_codes_to_customer,
    redeem_promo_code,
    void_promo_code,
)
from sapa.loyalty.actions.configuration import SettingsDraft, update_after_sale_settings
from sapa.loyalty.actions.sequences import (
    AfterSale,
    catch_up_deliveries,
    start_after_sale,
    stop_after_sale,
)
from sapa.loyalty.actions.win_back import WinBackRun, plan_win_back, plan_win_backs

__all__ = [
    "AfterSale",
    "Discount",
    "Redemption",
    "SettingsDraft",
    "WinBackRun",
    "catch_up_deliveries",
    "check_usable",
    "discount_on",
    "expire_promo_codes",
    "issue_code_for_order",
    "issue_manual_code",
    "move_codes_to_customer",
    "plan_win_back",
    "plan_win_backs",
    "redeem_promo_code",
    "start_after_sale",
    "stop_after_sale",
    "update_after_sale_settings",
    "void_promo_code",
]
