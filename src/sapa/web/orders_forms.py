"""The CSV order import form: it only checks that a file came and is not too large; reading
the rows is sapa.commerce.csv_import's job."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class OrderImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Comma or semicolon separated, UTF-8; at most %(megabytes)s MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        megabytes = f"{settings.SAPA_ORDER_IMPORT_MAX_BYTES / (1024 * 1024):g}"
        self.fields["file"].help_text = self.fields["file"].help_text % {"megabytes": megabytes}

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > settings.SAPA_ORDER_IMPORT_MAX_BYTES:
            megabytes = f"{settings.SAPA_ORDER_IMPORT_MAX_BYTES / (1024 * 1024):g}"
            raise forms.ValidationError(
                _("The file is larger than %(megabytes)s MB.") % {"megabytes": megabytes}
            )
        return upload


class CarrierPolicyForm(forms.Form):
    days_without_event = forms.IntegerField(
        label=_("Days without an update"), min_value=1, max_value=60
    )
    notify_customer = forms.BooleanField(label=_("Tell the customer"), required=False)
    active = forms.BooleanField(label=_("Watch this carrier"), required=False)


class NewCarrierPolicyForm(forms.Form):
    name = forms.CharField(label=_("Carrier"), max_length=100)
    days_without_event = forms.IntegerField(
        label=_("Days without an update"), min_value=1, max_value=60
    )
    notify_customer = forms.BooleanField(label=_("Tell the customer"), required=False, initial=True)
