"""Errors of the automations domain."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import InvalidInput


@dataclass(frozen=True)
class RowError:
    """What is wrong with a rule: `section` is "conditions" or "actions" (with the row's
    0-based `index`), or a field of the rule itself ("name", "events", "match")."""

    section: str
    index: int
    message: str


class InvalidRule(InvalidInput):
    """A rule that cannot be saved; `errors` says which rows are wrong and why."""

    code = "invalid_rule"
    default_message = _("The rule has mistakes; see the rows marked.")

    def __init__(self, errors: list[RowError]) -> None:
        first = errors[0] if errors else None
        loc: list[str | int] = ["body"]
        if first is not None:
            loc = ["body", first.section]
            if first.section in ("conditions", "actions"):
                loc.append(first.index)
        super().__init__(first.message if first else None, loc=loc)
        self.errors = errors
