"""Background work for orders: the half-hourly delay sweep and CSV imports."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sapa.commerce.actions.delays import flag_delayed_shipments
from sapa.commerce.actions.imports import expire_order_imports, run_order_import


@db_periodic_task(crontab(minute="*/30"))
def flag_delayed_parcels() -> int:
    """Flag parcels their carrier has been silent about for too long (each once); several
    workers may run it at once."""
    return flag_delayed_shipments()


@db_task()
def import_orders_task(import_id: int) -> None:
    """Import the rows of a confirmed CSV upload (sapa.commerce.actions.imports)."""
    run_order_import(import_id)


@db_periodic_task(crontab(minute="41", hour="3"))
def expire_unconfirmed_imports() -> int:
    """Delete the files of CSV uploads previewed and never imported (after two days)."""
    return expire_order_imports()
