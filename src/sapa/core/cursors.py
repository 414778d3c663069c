"""Opaque keyset-pagination cursors: the sort key of the last item on a page.

A cursor is base64 of a small JSON list. It is not signed: it only says where to continue,
and every query still applies the caller's visibility rules.
"""

import base64
import binascii
import json
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import InvalidInput

_BAD_CURSOR = _("This cursor is not valid; start again from the first page.")


def invalid_cursor() -> InvalidInput:
    return InvalidInput(_BAD_CURSOR, loc=["query", "cursor"])


def encode_cursor(*values: Any) -> str:
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode()


def decode_cursor(raw: str, *, shape: tuple[type, ...]) -> list[Any]:
    """Decode `raw` into values of the types in `shape` (datetime, int or str).

    Raises InvalidInput (loc query.cursor) for anything that is not a cursor of that shape.
    """
    try:
        values = json.loads(base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4)))
    except (ValueError, binascii.Error, UnicodeError) as error:
        raise invalid_cursor() from error
    if not isinstance(values, list) or len(values) != len(shape):
        raise invalid_cursor()
    decoded: list[Any] = []
    for value, kind in zip(values, shape, strict=True):
        try:
            if kind is datetime:
                parsed = datetime.fromisoformat(value)
                if parsed.tzinfo is None:
                    raise ValueError("naive datetime")
                decoded.append(parsed)
            elif isinstance(value, kind) and not isinstance(value, bool):
                decoded.append(value)
            else:
                raise ValueError("wrong type")
        except (TypeError, ValueError) as error:
            raise invalid_cursor() from error
    return decoded


M = TypeVar("M", bound=Model)


def newest_first_page(
    rows: "QuerySet[M]", cursor: str, *, at_field: str, size: int
) -> tuple[list[M], str]:
    """One page of `rows` newest first by (`at_field`, pk), and the cursor of the next page
    ("" on the last). A cursor that cannot be read starts from the top, as a console list
    should when a link was mangled."""
    if cursor:
        try:
            at, last_pk = decode_cursor(cursor, shape=(datetime, int))
        except InvalidInput:
            at, last_pk = None, None
        if at is not None:
            rows = rows.filter(
                Q(**{f"{at_field}__lt": at}) | Q(**{at_field: at, "pk__lt": last_pk})
            )
    page = list(rows.order_by(f"-{at_field}", "-pk")[: size + 1])
    if len(page) <= size:
        return page, ""
    page = page[:size]
    return page, encode_cursor(getattr(page[-1], at_field), page[-1].pk)
