from django.urls import path

from sapa.engagement import views

app_name = "engagement"

urlpatterns = [
    path("<str:token>/", views.unsubscribe_page, name="unsubscribe"),
]
