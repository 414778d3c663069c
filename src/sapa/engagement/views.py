"""The public unsubscribe page behind the signed link in every survey and promotion.

GET shows what the link stops and one button; POST stops it at once. Mail clients that
offer their own unsubscribe button POST "List-Unsubscribe=One-Click" to the same address
(RFC 8058). GET alone changes nothing, because mail scanners open every link of a message.
The signed token is the credential, so the POST needs no CSRF token (a mail client has none).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sapa.channels.kinds import Channel
from sapa.core.actors import Actor
from sapa.core.rate_limits import allow
from sapa.engagement.consent import (
    ALL_CHANNELS,
    may_contact,
    purpose_label,
    read_unsubscribe_token,
    set_consent,
    unsubscribe,
)
from sapa.helpcenter.branding import branding

# Clicks one link may make in an hour: a person needs a few, a script gets a 429.
CLICKS_PER_HOUR = 30


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    found = read_unsubscribe_token(token)
    lang = found.customer.language if found and found.customer.language in ("id", "en") else "id"
    translation.activate(lang)
    context: dict[str, object] = {"lang": lang, "brand": branding(), "token": token}
    if found is None:
        return render(request, "engagement/unsubscribe_invalid.html", context, status=404)
    channel_label = (
        Channel(found.channel).label if found.channel in Channel.values else found.channel
    )
    context.update(
        {
            "purpose": purpose_label(found.purpose),
            "channel": channel_label,
            "allowed": may_contact(found.customer, channel=found.channel, purpose=found.purpose)[0],
        }
    )
    if request.method == "POST":
        if not allow("unsubscribe", token[-40:], limit=CLICKS_PER_HOUR):
            return render(request, "engagement/unsubscribe.html", context, status=429)
        if request.POST.get("resubscribe") == "1":
            set_consent(
                found.customer,
                channel=found.channel,
                purpose=found.purpose,
                granted=True,
                source="unsubscribe_page",
                actor=Actor.customer("unsubscribe_page"),
            )
            context.update({"allowed": True, "resubscribed": True})
            return render(request, "engagement/unsubscribe.html", context)
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        everywhere = request.POST.get("everywhere") == "on"
        unsubscribe(
            found,
            everywhere=everywhere,
            source="list_unsubscribe" if one_click else "unsubscribe_link",
        )
        context.update({"allowed": False, "done": True, "everywhere": everywhere})
        if everywhere:
            context["channel"] = ALL_CHANNELS
    return render(request, "engagement/unsubscribe.html", context)
