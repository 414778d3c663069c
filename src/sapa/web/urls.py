from django.urls import path
from django.views.generic import RedirectView

from sapa.web.views import (
    attachments,
    auth,
    customers,
    inbox,
    invitations,
    manage,
    notifications,
    tickets,
)

app_name = "web"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="web:inbox"), name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/", auth.password_change, name="password_change"),
    path("language/", auth.language, name="language"),
    path(
        "password/set/<str:uidb64>/<str:token>/",
        invitations.set_password,
        name="set_password",
    ),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/bulk/", inbox.bulk, name="inbox_bulk"),
    path("inbox/views/", inbox.view_counts_fragment, name="inbox_views"),
    path("tickets/<int:ticket_id>/", tickets.ticket, name="ticket"),
    path("tickets/<int:ticket_id>/timeline/", tickets.timeline, name="ticket_timeline"),
    path("tickets/<int:ticket_id>/reply/", tickets.reply, name="ticket_reply"),
    path("tickets/<int:ticket_id>/note/", tickets.note, name="ticket_note"),
    path("tickets/<int:ticket_id>/fields/", tickets.fields, name="ticket_fields"),
    path(
        "tickets/<int:ticket_id>/macros/<int:macro_id>/",
        tickets.macro_text,
        name="ticket_macro",
    ),
    path("attachments/<int:attachment_id>/", attachments.attachment, name="attachment"),
    path("customers/<int:customer_id>/", customers.customer, name="customer"),
    path("customers/<int:customer_id>/edit/", customers.edit, name="customer_edit"),
    path("customers/<int:customer_id>/merge/", customers.merge, name="customer_merge"),
    path(
        "customers/<int:customer_id>/suggestions/<int:suggestion_id>/dismiss/",
        customers.dismiss_suggestion,
        name="customer_dismiss_suggestion",
    ),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/badge/", notifications.badge, name="notification_badge"),
    path("notifications/read/", notifications.mark_read, name="notifications_read"),
    path("manage/agents/", manage.agents, name="manage_agents"),
    path("manage/agents/<int:agent_id>/", manage.agent_edit, name="manage_agent"),
    path("manage/agents/<int:agent_id>/link/", manage.agent_link, name="manage_agent_link"),
    path("manage/teams/", manage.teams, name="manage_teams"),
    path("manage/teams/<int:team_id>/rename/", manage.team_rename, name="manage_team_rename"),
    path("manage/macros/", manage.macros, name="manage_macros"),
    path("manage/macros/new/", manage.macro_new, name="manage_macro_new"),
    path("manage/macros/preview/", manage.macro_preview, name="manage_macro_preview"),
    path("manage/macros/<int:macro_id>/", manage.macro_edit, name="manage_macro"),
    path(
        "manage/macros/<int:macro_id>/deactivate/",
        manage.macro_deactivate,
        name="manage_macro_deactivate",
    ),
    path("manage/tags/", manage.tags, name="manage_tags"),
    path("manage/tags/<int:tag_id>/rename/", manage.tag_rename, name="manage_tag_rename"),
    path("manage/tags/<int:tag_id>/delete/", manage.tag_delete, name="manage_tag_delete"),
]
