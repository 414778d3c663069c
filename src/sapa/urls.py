from django.contrib import admin
from django.urls import include, path

from sapa.api.assembly import api
from sapa.core.views import healthz, page_not_found, server_error

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("help/", include("sapa.helpcenter.urls")),
    path("chat/", include("sapa.channels.chat.urls")),
    path("hooks/whatsapp/", include("sapa.channels.whatsapp.urls")),
    path("hooks/voice/", include("sapa.channels.voice.urls")),
    path("hooks/telegram/", include("sapa.channels.telegram.urls")),
    path("hooks/", include("sapa.commerce.urls")),
    path("r/", include("sapa.reviews.urls")),
    path("s/", include("sapa.surveys.urls")),
    path("u/", include("sapa.engagement.urls")),
    path("", include("sapa.web.urls")),
]

handler404 = page_not_found
handler500 = server_error
