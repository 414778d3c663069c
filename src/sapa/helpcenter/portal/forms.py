"""The portal's forms: sign-in, reply and the request form. Limits are read at call time."""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from sapa.channels.messages import InboundAttachment

FORM_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero or more files, each within SAPA_MAX_ATTACHMENT_BYTES, at most
    SAPA_MAX_ATTACHMENTS of them."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > settings.SAPA_MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("Attach at most %(count)d files."),
                code="too_many",
                params={"count": settings.SAPA_MAX_ATTACHMENTS},
            )
        for upload in files:
            if upload.size is not None and upload.size > settings.SAPA_MAX_ATTACHMENT_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is too large: files may be up to %(limit)s."),
                    code="too_large",
                    params={
                        "name": upload.name,
                        "limit": filesizeformat(settings.SAPA_MAX_ATTACHMENT_BYTES),
                    },
                )
        return [super(AttachmentsField, self).clean(upload, initial) for upload in files]


def inbound_attachments(files: list[UploadedFile]) -> tuple[InboundAttachment, ...]:
    return tuple(
        InboundAttachment(
            filename=upload.name or "file",
            content_type=upload.content_type or "application/octet-stream",
            content=upload.read(),
        )
        for upload in files
    )


def _check_length(text: str) -> str:
    text = text.strip()
    if len(text) > settings.SAPA_MAX_MESSAGE_CHARS:
        raise forms.ValidationError(_("The message is too long."), code="too_long")
    return text


class PortalForm(forms.Form):
    """Labels without Django's trailing colon, as in the rest of the help center."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SignInForm(PortalForm):
    email = forms.EmailField(label=_("Email address"), max_length=254)


class ReplyForm(PortalForm):
    text = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}))
    attachments = AttachmentsField(label=_("Attachments"))

    def clean_text(self) -> str:
        return _check_length(self.cleaned_data["text"])


class RequestForm(PortalForm):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))
    attachments = AttachmentsField(label=_("Attachments"))
    # Left empty by people (the field is hidden by CSS); bots fill every field they see.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_message(self) -> str:
        return _check_length(self.cleaned_data["message"])

    def clean_form_token(self) -> str:
        token = self.cleaned_data["form_token"]
        if not FORM_TOKEN_PATTERN.match(token):
            raise forms.ValidationError(_("The form expired. Please send it again."))
        return str(token)

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))
