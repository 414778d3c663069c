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
    path("", include("sapa.web.urls")),
]

handler404 = page_not_found
handler500 = server_error
