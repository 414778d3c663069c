"""Promo code strings: random, unguessable, easy to read out and type.

A code is an optional prefix chosen by the shop ("SAPA") and 12 random symbols in groups of
four: "SAPA-7KQ9-XM4T-P2WC". The symbols come from `secrets` over 31 characters with no
look-alikes (no 0/O, 1/I/L), so one code carries 12 * log2(31) = 59.4 bits: guessing a
live code among a million issued takes ~2^40 tries, far beyond what the API (behind a shop
token) would answer. Uniqueness is the database's (PromoCode.code is unique); the issuer
draws again on the rare collision.
"""

import math
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RANDOM_LENGTH = 12
GROUP = 4
ENTROPY_BITS = RANDOM_LENGTH * math.log2(len(ALPHABET))
PREFIX_PATTERN = re.compile(r"^[A-Z0-9]{0,10}$")
# What a typed code may look like before normalising (the longest: a 10-character prefix,
# 12 symbols and four hyphens); anything else is answered as unknown without a query.
_TYPED = re.compile(r"^[A-Za-z0-9-]{1,40}$")


def generate_code(prefix: str = "") -> str:
    """A new random code with `prefix` (upper case letters and digits, may be empty)."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    groups = [symbols[i : i + GROUP] for i in range(0, RANDOM_LENGTH, GROUP)]
    return "-".join([prefix, *groups] if prefix else groups)


def normalise_code(raw: str) -> str | None:
    """The stored form of a code someone typed (spaces dropped, upper case), or None when
    it cannot be a code at all."""
    typed = "".join(raw.split()).upper()
    if not _TYPED.match(typed):
        return None
    return typed
