"""Counting attempts per address and per IP in the shared cache (Redis in production, so
every web process sees the same counts)."""

import hashlib

from django.core.cache import cache

HOUR_SECONDS = 3600


def allow(scope: str, key: str, *, limit: int, window_seconds: int = HOUR_SECONDS) -> bool:
    """Count one attempt of `key` under `scope`; False once more than `limit` were made in
    the window (which starts at the first attempt)."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"sapa:rate:{scope}:{digest}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        count = 1
    return count <= limit
