from django.urls import path

from sapa.helpcenter import views

app_name = "help"

urlpatterns = [
    path("<str:lang>/artikel/<int:article_id>-<slug:slug>/", views.article, name="article"),
]
