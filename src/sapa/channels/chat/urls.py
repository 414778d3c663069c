from django.urls import path

from sapa.channels.chat import views

app_name = "chat"

urlpatterns = [
    path("widget.js", views.widget_asset, {"name": "widget.js"}, name="widget_js"),
    path("widget.css", views.widget_asset, {"name": "widget.css"}, name="widget_css"),
    path("demo/", views.demo, name="demo"),
    path("v1/session", views.session, name="session"),
    path("v1/messages", views.send_message, name="messages"),
    path("v1/attachments", views.upload, name="attachments"),
    path("v1/profile", views.profile, name="profile"),
    path("v1/typing", views.typing, name="typing"),
    path("v1/read", views.read, name="read"),
    path("v1/page", views.page, name="page"),
    path("v1/transcript", views.transcript, name="transcript"),
    path("v1/new", views.new_conversation, name="new"),
    path("v1/events", views.events, name="events"),
    path("v1/files/<int:attachment_id>/<str:filename>", views.attachment, name="file"),
]
