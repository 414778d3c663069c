"""ASGI entry point (uvicorn): HTTP through Django, websockets (the console's live updates)
through Channels."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sapa.settings")
django.setup(set_prefix=False)

# These need django.setup() first.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from sapa.core.http_handler import SyncStackASGIHandler  # noqa: E402
from sapa.web.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": SyncStackASGIHandler(),
        # Each route brings its own checks (sapa.web.routing).
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
