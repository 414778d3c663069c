"""CSV imports of orders from the console: upload and preview (nothing written but the
upload itself), then confirm, and the worker imports each row through `record_order`, each
in its own transaction, so one bad row never loses the good ones."""

import hashlib
import secrets
from collections import Counter
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from sapa.accounts.permissions import Permission, require
from sapa.commerce.actions.orders import record_order
from sapa.commerce.csv_import import ParsedFile, parse_orders_csv
from sapa.commerce.exceptions import (
    InvalidImportFile,
    InvalidOrderTransition,
    OrderImportAlreadyConfirmed,
)
from sapa.commerce.import_preview import preview_rows
from sapa.commerce.models import ImportStatus, OrderImport
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import SapaError

STORAGE_DIR = "order-imports"
# Rows shown in the preview table (all are counted; every error is listed up to the cap).
PREVIEW_ROWS = 300
MAX_LISTED_ERRORS = 1000
# An upload not confirmed within this time is discarded with its stored file.
EXPIRE_AFTER_HOURS = 48


def upload_order_import(content: bytes, *, filename: str, actor: Actor) -> OrderImport:
    """Keep the uploaded CSV `content` and preview it: each row's outcome (new, update,
    unchanged, stale) or errors, computed without writing any order. The file stays in
    storage under a random id until it is imported. An "order_import.uploaded" Event.

    Raises PermissionDenied, InvalidImportFile (too large, not UTF-8, columns missing, too
    many rows: nothing kept).
    """
    require(actor, Permission.WRITE_ORDERS)
    limit = settings.SAPA_ORDER_IMPORT_MAX_BYTES
    if len(content) > limit:
        raise InvalidImportFile(
            _("The file is larger than %(megabytes)s MB.") % {"megabytes": _megabytes(limit)}
        )
    parsed = parse_orders_csv(content, max_rows=settings.SAPA_ORDER_IMPORT_MAX_ROWS)
    preview = _preview(parsed)
    public_id = secrets.token_urlsafe(16)
    stored_name = default_storage.save(f"{STORAGE_DIR}/{public_id}.csv", ContentFile(content))
    with transaction.atomic():
        upload = OrderImport.objects.create(
            public_id=public_id,
            uploaded_by=actor.agent,
            filename=filename[:255],
            stored_name=stored_name,
            size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            row_count=len(parsed.rows),
            preview=preview,
            created_at=clock.now(),
        )
        record_event(
            actor,
            "order_import.uploaded",
            upload,
            after={"filename": upload.filename, "rows": upload.row_count, **preview["counts"]},
        )
    return upload


def confirm_order_import(upload: OrderImport, *, actor: Actor) -> OrderImport:
    """Import the previewed file: queued for the worker (its rows go through
    `record_order`). An "order_import.confirmed" Event. Raises PermissionDenied,
    OrderImportAlreadyConfirmed."""
    require(actor, Permission.WRITE_ORDERS)
    with transaction.atomic():
        locked = OrderImport.objects.select_for_update().get(pk=upload.pk)
        if locked.status != ImportStatus.PREVIEWED:
            raise OrderImportAlreadyConfirmed()
        locked.status = ImportStatus.QUEUED
        locked.confirmed_at = clock.now()
        locked.save(update_fields=["status", "confirmed_at"])
        record_event(actor, "order_import.confirmed", locked, after={"rows": locked.row_count})
        import_id = locked.pk
        transaction.on_commit(lambda: _enqueue(import_id))
    return locked


def _enqueue(import_id: int) -> None:
    from sapa.commerce.tasks import import_orders_task  # tasks import this module

    import_orders_task(import_id)


def run_order_import(import_id: int) -> bool:
    """Import every row of a confirmed upload (the worker). Only one run claims it: a second
    run, or a run of an upload that is not queued, does nothing and returns False. Each row
    is its own transaction; per-row failures are listed in `result`. The stored file is
    deleted afterwards. An "order_import.finished" Event."""
    claimed = OrderImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    if not claimed:
        return False
    upload = OrderImport.objects.select_related("uploaded_by").get(pk=import_id)
    agent = upload.uploaded_by
    actor = Actor.for_agent(agent) if agent else Actor.system("order-import")
    language = getattr(agent, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            result = _import_rows(upload, actor)
        except (OSError, InvalidImportFile) as error:
            message = error.message if isinstance(error, SapaError) else str(error)
            result = {"counts": {}, "errors": [], "failure": str(message)}
    upload.status = ImportStatus.FAILED if "failure" in result else ImportStatus.DONE
    upload.result = result
    upload.finished_at = clock.now()
    upload.save(update_fields=["status", "result", "finished_at"])
    record_event(actor, "order_import.finished", upload, after=dict(result.get("counts", {})))
    if upload.status == ImportStatus.DONE:
        default_storage.delete(upload.stored_name)
    return True


def expire_order_imports(*, older_than_hours: int = EXPIRE_AFTER_HOURS) -> int:
    """Delete the stored files of uploads previewed and never confirmed within
    `older_than_hours`; they become expired. Returns how many."""
    cutoff = clock.now() - timedelta(hours=older_than_hours)
    expired = 0
    for upload in OrderImport.objects.filter(status=ImportStatus.PREVIEWED, created_at__lt=cutoff):
        claimed = OrderImport.objects.filter(pk=upload.pk, status=ImportStatus.PREVIEWED).update(
            status=ImportStatus.EXPIRED
        )
        if claimed:
            default_storage.delete(upload.stored_name)
            expired += 1
    return expired


def _import_rows(upload: OrderImport, actor: Actor) -> dict[str, Any]:
    with default_storage.open(upload.stored_name, "rb") as handle:
        content = handle.read()
    parsed = parse_orders_csv(content, max_rows=settings.SAPA_ORDER_IMPORT_MAX_ROWS)
    counts: Counter[str] = Counter()
    errors: list[dict[str, Any]] = []
    status_column = parsed.columns["status"]
    for row in parsed.rows:
        if row.order is None:
            counts["failed"] += 1
            errors.extend(
                {"row": e.row, "column": e.column, "message": e.message} for e in row.errors
            )
            continue
        try:
            outcome = record_order(row.order, actor=actor).outcome
        except InvalidOrderTransition as error:
            counts["failed"] += 1
            errors.append({"row": row.row, "column": status_column, "message": str(error.message)})
            continue
        except SapaError as error:
            counts["failed"] += 1
            errors.append({"row": row.row, "column": "", "message": str(error.message)})
            continue
        counts[outcome.value] += 1
    return {"counts": dict(counts), "errors": errors[:MAX_LISTED_ERRORS]}


def _preview(parsed: ParsedFile) -> dict[str, Any]:
    previews = preview_rows(parsed.rows, status_column=parsed.columns["status"])
    counts = Counter(preview.outcome.value for preview in previews)
    rows = [
        {
            "row": preview.row,
            "number": preview.number,
            "customer": preview.order.customer_name if preview.order else "",
            "status": preview.order.status.value if preview.order else "",
            "total_minor": preview.order.total_minor if preview.order else None,
            "currency": preview.order.currency if preview.order else "",
            "outcome": preview.outcome.value,
        }
        for preview in previews[:PREVIEW_ROWS]
    ]
    errors = [
        {"row": error.row, "column": error.column, "message": error.message}
        for preview in previews
        for error in preview.errors
    ]
    return {
        "counts": dict(counts),
        "rows": rows,
        "errors": errors[:MAX_LISTED_ERRORS],
        "error_count": len(errors),
        "delimiter": parsed.delimiter,
        "ignored_columns": parsed.ignored_columns,
    }


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"
