"""/r/: reviewing an order by its signed link, the public JSON and the embeddable widget.
The help center's page of published reviews is /help/<lang>/ulasan/ (sapa.helpcenter.urls)."""

from django.urls import path

from sapa.reviews import feed, views

app_name = "reviews"

urlpatterns = [
    path("", views.index, name="index"),
    path("reviews.json", feed.reviews_json, name="json"),
    path("widget.js", feed.widget_asset, {"name": "widget.js"}, name="widget_js"),
    path("widget.css", feed.widget_asset, {"name": "widget.css"}, name="widget_css"),
    path("<str:token>/", views.write, name="write"),
]
