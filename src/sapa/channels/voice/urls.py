from django.urls import path

from sapa.channels.voice import views

app_name = "voice"

urlpatterns = [
    path("<str:line_key>/incoming", views.incoming, name="incoming"),
    path("<str:line_key>/menu/<int:node_id>", views.menu, name="menu"),
    path("<str:line_key>/order", views.order, name="order"),
    path("<str:line_key>/connected", views.connected, name="connected"),
    path("<str:line_key>/voicemail", views.voicemail, name="voicemail"),
    path("<str:line_key>/recording", views.recording, name="recording"),
    path("<str:line_key>/transcription", views.transcription, name="transcription"),
    path("<str:line_key>/status", views.status, name="status"),
]
