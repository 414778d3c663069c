"""ASGI entry point (uvicorn): HTTP through Django; websockets join here with the console."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sapa.settings")
django.setup(set_prefix=False)

from sapa.core.http_handler import SyncStackASGIHandler  # noqa: E402 (needs django.setup)

application = SyncStackASGIHandler()
