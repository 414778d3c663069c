"""What every public page shows of the shop: its name, logo and colour, and the language."""

from dataclasses import dataclass

from django.conf import settings

PUBLIC_LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Branding:
    shop_name: str
    logo_url: str
    colour: str


def branding() -> Branding:
    return Branding(
        shop_name=settings.SAPA_SHOP_NAME,
        logo_url=settings.SAPA_SHOP_LOGO_URL,
        colour=settings.SAPA_SHOP_COLOUR,
    )


def public_language(lang: str) -> str:
    return lang if lang in PUBLIC_LANGUAGES else "id"
