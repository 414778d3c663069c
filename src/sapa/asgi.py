"""ASGI entry point (uvicorn): HTTP through Django; websockets join here with the console."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sapa.settings")
application = get_asgi_application()
