"""The `sapa` command.

`sapa run | worker | demo | createadmin | token create/list/revoke | check` are Sapa's own;
any other word is a Django management command (`sapa migrate`, `sapa shell`, ...).
"""

import os
import sys

# Sapa's command names that differ from the management command implementing them.
_ALIASES = {"check": "healthcheck"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sapa.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1:
        args[1] = _ALIASES.get(args[1], args[1])
    args[0] = "sapa"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
