"""The portal's addresses, included into the help center's "help" namespace (names start
with `portal_`)."""

from django.urls import path

from sapa.helpcenter.portal import views

urlpatterns = [
    path("portal/", views.home, name="portal_home"),
    path("portal/masuk/", views.login, name="portal_login"),
    path("portal/masuk/<str:token>/", views.magic, name="portal_magic"),
    path("portal/keluar/", views.logout, name="portal_logout"),
    path("portal/tiket/<int:number>/", views.ticket, name="portal_ticket"),
    path("<str:lang>/permintaan/", views.request_form, name="portal_request"),
    path("<str:lang>/permintaan/saran/", views.suggest, name="portal_suggest"),
]
