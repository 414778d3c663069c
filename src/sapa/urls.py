from django.contrib import admin
from django.urls import path

from sapa.api.assembly import api
from sapa.core.views import healthz, page_not_found, server_error
from sapa.web.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = page_not_found
handler500 = server_error
