from django.contrib import admin

from sapa.core.read_only_admin import ReadOnlyModelAdmin
from sapa.loyalty.models import AfterSaleSettings, PromoCode, WinBack


@admin.register(PromoCode)
class PromoCodeAdmin(ReadOnlyModelAdmin):
    list_display = ["code", "kind", "status", "customer", "expires_at", "redeemed_order_number"]
    list_filter = ["status", "kind"]
    search_fields = ["code", "redeemed_order_number", "customer__name"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "source_order", "created_by"]


@admin.register(WinBack)
class WinBackAdmin(ReadOnlyModelAdmin):
    list_display = ["customer", "last_order", "planned_at", "promo_code"]
    list_select_related = ["customer", "last_order", "promo_code"]
    raw_id_fields = ["customer", "last_order", "promo_code"]


@admin.register(AfterSaleSettings)
class AfterSaleSettingsAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "thank_you_enabled", "review_enabled", "win_back_enabled", "updated_at"]
