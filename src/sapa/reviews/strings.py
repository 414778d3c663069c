"""Every word the reviews widget shows, in the page's language.

The widget (static/reviews/widget.js) holds no human-language text of its own: the public
JSON sends this dictionary. Placeholders are `{name}` and are filled in by the widget.
"""

from django.utils.translation import gettext as _
from django.utils.translation import override


def widget_strings(lang: str, *, shop_name: str) -> dict[str, str]:
    """The widget's strings in `lang` ("id" or "en"), keyed by the names widget.js uses."""
    with override(lang):
        return {
            "title": _("Customer reviews"),
            "summary_one": _("{average} out of 5 · 1 review"),
            "summary_other": _("{average} out of 5 · {count} reviews"),
            "stars": _("{stars} out of 5 stars"),
            "customer": _("Customer"),
            "reply_from": _("Reply from %(shop)s") % {"shop": shop_name},
            "empty": _("No reviews yet."),
            "more": _("See all reviews"),
        }
