"""Health checks for /healthz and `sapa check`."""

import logging

from django.db import connection

logger = logging.getLogger(__name__)


def check_database() -> str | None:
    """None when the database answers, else a short reason."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        logger.warning("database health check failed: %s", error)
        return f"{type(error).__name__}: {error}".strip()[:300]
    return None


def check_queue() -> str | None:
    """None when the task queue's storage answers, else a short reason."""
    from huey.contrib.djhuey import HUEY

    try:
        HUEY.pending_count()
    except Exception as error:
        logger.warning("queue health check failed: %s", error)
        return f"{type(error).__name__}: {error}".strip()[:300]
    return None
