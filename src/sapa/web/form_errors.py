"""Domain errors shown on console forms: on the field they name, else on the form."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import PermissionDenied

from sapa.core import exceptions


def apply_error(
    form: forms.BaseForm,
    error: exceptions.SapaError,
    *,
    renames: Mapping[str, str] | None = None,
) -> None:
    """Put `error` on the form field its `loc` names (the last part, the parts joined, the
    first part, each also without an `_id` suffix and through `renames` from the action's
    names to the form's), or on the form as a whole. PermissionDenied becomes a 403."""
    if isinstance(error, exceptions.PermissionDenied):
        raise PermissionDenied() from error
    loc = [str(part) for part in getattr(error, "loc", [])]
    names = [loc[-1], "_".join(loc), loc[0]] if loc else []
    for name in names:
        for candidate in (name, name.removesuffix("_id")):
            candidate = (renames or {}).get(candidate, candidate)
            if candidate in form.fields:
                form.add_error(candidate, str(error.message))
                return
    form.add_error(None, str(error.message))
