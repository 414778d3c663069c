"""The webhook Telegram posts updates to: /hooks/telegram/<bot key>/.

Telegram sends the secret given to setWebhook in X-Telegram-Bot-Api-Secret-Token; a request
without it, or with another, is refused (401) and nothing is stored. A body is read up to
MAX_UPDATE_BYTES. What passes is kept raw and answered at once (200); the worker takes it
in. An unreadable body is kept aside (quarantined) and answered 400; a repeated update_id
is answered 200 and stored once.
"""

import hmac

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sapa.channels.telegram.actions import take_update
from sapa.channels.telegram.models import TelegramBot, UpdateStatus

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
MAX_UPDATE_BYTES = 1024 * 1024


def _answer(status: int, **body: object) -> JsonResponse:
    return JsonResponse({"ok": status == 200, **body}, status=status)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, key: str) -> JsonResponse:
    bot = TelegramBot.objects.filter(key=key).first()
    if bot is None:
        return _answer(404, code="unknown_bot")
    given = request.headers.get(SECRET_HEADER, "")
    if not given or not hmac.compare_digest(given.encode(), bot.webhook_secret.encode()):
        return _answer(401, code="bad_secret")
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    body = request.read(MAX_UPDATE_BYTES + 1)
    if declared > MAX_UPDATE_BYTES or len(body) > MAX_UPDATE_BYTES:
        reason = f"larger than the {MAX_UPDATE_BYTES} bytes limit"
        take_update(bot, body[:MAX_UPDATE_BYTES], reason=reason)
        return _answer(413, code="too_large")
    taken = take_update(bot, body)
    if taken.update.status == UpdateStatus.QUARANTINED and not taken.duplicate:
        return _answer(400, code="malformed_update")
    return _answer(200)
