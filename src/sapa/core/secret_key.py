"""The Django secret key: from SAPA_SECRET_KEY, or generated once and kept under var/."""

import os
import secrets
from pathlib import Path


def load_or_create_secret_key(var_dir: Path) -> str:
    """Return SAPA_SECRET_KEY, else the key stored in `var_dir`, creating it on first use.

    The file is written with mode 0600 and created atomically, so two processes starting at
    once agree on one key.
    """
    from_env = os.environ.get("SAPA_SECRET_KEY", "").strip()
    if from_env:
        return from_env
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key
