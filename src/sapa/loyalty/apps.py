from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "sapa.loyalty"
    label = "loyalty"
    verbose_name = _("After-sale sequences and promo codes")
