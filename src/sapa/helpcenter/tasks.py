"""The help center's housekeeping, run by the worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sapa.helpcenter.portal.actions import delete_old_sign_in_links


@db_periodic_task(crontab(minute="17"))
def delete_expired_sign_in_links() -> int:
    """Hourly: sign-in links a day past their expiry are deleted."""
    return delete_old_sign_in_links()
