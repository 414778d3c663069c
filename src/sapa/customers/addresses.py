"""Normalising customer addresses: emails lower-cased, phone numbers to E.164 (region ID)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from sapa.channels.kinds import PHONE_KINDS, IdentityKind
from sapa.channels.messages import Address

DEFAULT_PHONE_REGION = "ID"


class InvalidAddress(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise_email(raw: str) -> str:
    value = raw.strip().lower()
    try:
        validate_email(value)
    except ValidationError as error:
        raise InvalidAddress(str(_("Enter a valid email address."))) from error
    return value


def normalise_phone(raw: str, *, region: str = DEFAULT_PHONE_REGION) -> str:
    """`0812-3456-7890`, `+62 812 3456 7890`, `6281234567890` -> `+6281234567890`."""
    text = raw.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    # WhatsApp and many shops write international numbers without the plus.
    if not text.startswith(("+", "0")) and digits.startswith("62"):
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidAddress(str(_("Enter a valid phone number."))) from error
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise InvalidAddress(str(_("Enter a valid phone number.")))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_handle(raw: str) -> str:
    value = raw.strip()
    if not value or len(value) > 320 or any(ch.isspace() for ch in value):
        raise InvalidAddress(str(_("Enter a handle without spaces, up to 320 characters.")))
    return value


def normalise_address(kind: IdentityKind, raw: str) -> Address:
    if kind == IdentityKind.EMAIL:
        return Address(kind, normalise_email(raw))
    if kind in PHONE_KINDS:
        return Address(kind, normalise_phone(raw))
    if kind == IdentityKind.SOCIAL:
        return Address(kind, normalise_handle(raw).lower())
    return Address(kind, normalise_handle(raw))
