"""Forms of the console: they parse and validate; actions do the writing."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Agent, Team
from sapa.channels.kinds import Channel
from sapa.conversations.inbox import VIEW_LABELS, SavedView
from sapa.conversations.models import Priority, TicketStatus
from sapa.conversations.queries import TicketFilters, TicketSort
from sapa.core.exceptions import InvalidInput
from sapa.core.tags import normalise_tag, normalise_tags

SORT_LABELS = {
    TicketSort.ACTIVITY: _("Last activity"),
    TicketSort.PRIORITY: _("Priority"),
    TicketSort.AGE: _("Oldest first"),
}


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class InboxFilterForm(forms.Form):
    view = forms.ChoiceField(choices=list(VIEW_LABELS.items()), required=False)
    status = forms.ChoiceField(
        choices=_blank(_("Any status")) + TicketStatus.choices, required=False
    )
    priority = forms.ChoiceField(
        choices=_blank(_("Any priority")) + Priority.choices, required=False
    )
    channel = forms.ChoiceField(choices=_blank(_("Any channel")) + Channel.choices, required=False)
    team = forms.ModelChoiceField(Team.objects.all(), required=False, empty_label=_("Any team"))
    assignee = forms.ModelChoiceField(
        Agent.objects.filter(is_active=True).order_by("first_name", "username"),
        required=False,
        empty_label=_("Anyone"),
    )
    tag = forms.CharField(required=False, max_length=64)
    q = forms.CharField(required=False, max_length=200)
    sort = forms.ChoiceField(choices=list(SORT_LABELS.items()), required=False)
    cursor = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def chosen_view(self) -> SavedView:
        return SavedView(self.cleaned_data.get("view") or SavedView.ALL_OPEN)

    def chosen_sort(self) -> TicketSort:
        return TicketSort(self.cleaned_data.get("sort") or TicketSort.ACTIVITY)

    def chosen_filters(self) -> TicketFilters:
        data = self.cleaned_data
        tag = ""
        if data.get("tag"):
            try:
                tag = normalise_tag(data["tag"], loc=["tag"])
            except InvalidInput:
                tag = data["tag"].strip().lower()
        return TicketFilters(
            statuses=(data["status"],) if data.get("status") else (),
            priority=data.get("priority") or None,
            assignee_id=data["assignee"].pk if data.get("assignee") else None,
            team_id=data["team"].pk if data.get("team") else None,
            channel=data.get("channel") or None,
            tag=tag or None,
            text=data.get("q") or "",
        )


class BulkActionForm(forms.Form):
    ACTIONS = [
        ("assign", _("Assign to")),
        ("status", _("Set status")),
        ("tag", _("Add tag")),
    ]
    ticket_ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)
    action = forms.ChoiceField(choices=ACTIONS)
    assignee = forms.ModelChoiceField(
        Agent.objects.filter(is_active=True), required=False, empty_label=_("Nobody")
    )
    status = forms.ChoiceField(choices=_blank("—") + TicketStatus.choices, required=False)
    tag = forms.CharField(required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any integer is acceptable here; access is checked per ticket by the view.
        self.fields["ticket_ids"].valid_value = lambda value: str(value).isdigit()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "status" and not data.get("status"):
            self.add_error("status", _("Choose a status."))
        if data.get("action") == "tag":
            try:
                data["tag"] = normalise_tag(data.get("tag") or "", loc=["tag"])
            except InvalidInput as error:
                self.add_error("tag", str(error.message))
        return data


class ReplyForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=100_000)
    channel = forms.ChoiceField(choices=Channel.choices, required=False)
    status = forms.ChoiceField(
        choices=_blank(_("Keep status")) + TicketStatus.choices, required=False
    )
    # The newest customer message the agent had seen when they started writing.
    seen_message_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_send = forms.BooleanField(required=False, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=100_000)


class TicketFieldsForm(forms.Form):
    """The sidebar: one field changed at a time, or several."""

    status = forms.ChoiceField(choices=TicketStatus.choices, required=False)
    priority = forms.ChoiceField(choices=Priority.choices, required=False)
    assignee = forms.ModelChoiceField(
        Agent.objects.filter(is_active=True), required=False, empty_label=_("Nobody")
    )
    team = forms.ModelChoiceField(Team.objects.all(), required=False, empty_label=_("No team"))
    tags = forms.CharField(required=False, max_length=1000)

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        names = [part for part in raw.replace(",", " ").split() if part]
        try:
            return normalise_tags(names, loc=["tags"])
        except InvalidInput as error:
            raise forms.ValidationError(str(error.message)) from error


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("id", _("Indonesian")), ("en", _("English"))]
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20_000,
    )
    is_internal = forms.BooleanField(label=_("Internal (a colleague)"), required=False)
    tags = forms.CharField(label=_("Tags"), required=False, max_length=1000)

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        try:
            return normalise_tags([p for p in raw.replace(",", " ").split() if p], loc=["tags"])
        except InvalidInput as error:
            raise forms.ValidationError(str(error.message)) from error


class MergeForm(forms.Form):
    other_id = forms.IntegerField(min_value=1)
