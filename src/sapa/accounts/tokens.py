"""API token format: `sapa_` + 40 random URL-safe characters; stored as SHA-256 only.

SHA-256 rather than Argon2: the token is 240 bits of randomness, so a fast hash is safe, and
it is checked on every API request.
"""

import hashlib
import secrets

TOKEN_PREFIX = "sapa_"  # noqa: S105 (a public prefix, not a secret)


def generate_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(30)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def cache_key(token_hash: str) -> str:
    """Where a token's agent is cached (sapa.accounts.queries.find_token_agent)."""
    return f"sapa:api-token:{token_hash}"


def display_prefix(raw: str) -> str:
    return raw[: len(TOKEN_PREFIX) + 6]
