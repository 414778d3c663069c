"""/s/: the public survey pages, answered through a signed link without signing in."""

from django.urls import path

from sapa.surveys import views

app_name = "surveys"

urlpatterns = [
    path("<str:token>/", views.answer, name="answer"),
    path("<str:token>/thanks/", views.thanks, name="thanks"),
]
