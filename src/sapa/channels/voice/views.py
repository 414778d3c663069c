"""The provider's webhooks of a line (/hooks/voice/<line key>/...): the call's TwiML steps
and its callbacks (recording, transcript, status). Each request's signature is checked
with the line's auth token first: a request without a valid one is refused (403) and
nothing of it is kept. A signed request is kept as it came (VoiceWebhook) before it is
acted on, and marked processed or failed with the reason.
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from sapa.channels.voice import actions
from sapa.channels.voice.ivr import CallFlow
from sapa.channels.voice.models import (
    CallDirection,
    CallRecord,
    VoiceLine,
    VoiceWebhook,
    WebhookStatus,
)
from sapa.channels.voice.queries import line_for_key
from sapa.channels.voice.signatures import is_signed
from sapa.channels.voice.twiml import VoiceResponse

logger = logging.getLogger(__name__)

MAX_PARAM_CHARS = 10000
XML = "text/xml; charset=utf-8"

Handler = Callable[..., VoiceResponse | CallFlow | None]


class BadRequest(Exception):
    """The provider's request lacks what it must carry (kept with the reason)."""


def _params(request: HttpRequest) -> dict[str, str]:
    return {name: str(value)[:MAX_PARAM_CHARS] for name, value in request.POST.items()}


def _xml(body: VoiceResponse | CallFlow | None) -> HttpResponse:
    if body is None:
        body = VoiceResponse()
    return HttpResponse(body.to_bytes() if isinstance(body, VoiceResponse) else body.xml(), XML)


def _apology() -> VoiceResponse:
    response = VoiceResponse()
    response.say(_("Sorry, something went wrong. Please call again later."), language="id-ID")
    response.hangup()
    return response


def webhook(kind: str) -> Callable[[Handler], Callable[..., HttpResponse]]:
    """Only POST; 404 for an unknown or inactive line; 403 for a bad signature; the
    request kept; the handler's TwiML returned. A request missing its call id is kept as
    failed and answered 400; an error while acting is kept as failed and the caller hears
    an apology (the provider never gets a 500)."""

    def decorate(handler: Handler) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(handler)
        def view(request: HttpRequest, line_key: str, **kwargs: Any) -> HttpResponse:
            if request.method != "POST":
                return HttpResponse(status=405, headers={"Allow": "POST"})
            line = line_for_key(line_key)
            if line is None:
                return HttpResponse(status=404)
            if not is_signed(request, line.auth_token):
                logger.warning("voice webhook %s for line %s: bad signature", kind, line.pk)
                return HttpResponse(status=403)
            params = _params(request)
            kept = VoiceWebhook.objects.create(
                line=line,
                kind=kind,
                call_sid=params.get("CallSid", "")[:64],
                payload={**params, "_query": request.GET.dict()},
            )
            try:
                if not params.get("CallSid"):
                    raise BadRequest("no CallSid")
                body = handler(request, line, params, **kwargs)
            except BadRequest as error:
                _mark(kept, WebhookStatus.FAILED, str(error))
                return HttpResponse(str(error), status=400, content_type="text/plain")
            except Exception as error:
                logger.exception("voice webhook %s failed", kind)
                _mark(kept, WebhookStatus.FAILED, f"{type(error).__name__}: {error}")
                return _xml(_apology())
            _mark(kept, WebhookStatus.PROCESSED, "")
            return _xml(body)

        return view

    return decorate


def _mark(kept: VoiceWebhook, status: str, reason: str) -> None:
    kept.status = status
    kept.reason = reason[:2000]
    kept.save(update_fields=["status", "reason"])


def _call(line: VoiceLine, params: dict[str, str]) -> CallRecord:
    """The call the request is about; a call not seen yet (its first request was lost)
    is started now."""
    outbound = params.get("Direction", "inbound").startswith("outbound")
    return actions.start_call(
        line,
        actions.CallStart(
            call_sid=params["CallSid"][:64],
            number=params.get("To" if outbound else "From", ""),
            direction=CallDirection.OUTBOUND if outbound else CallDirection.INBOUND,
        ),
    )


def _tries(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("tries", "0")), 0), 5)
    except ValueError:
        return 0


def _seconds(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return max(int(value), 0)
    except ValueError:
        return None


@webhook("incoming")
def incoming(request: HttpRequest, line: VoiceLine, params: dict[str, str]) -> CallFlow:
    """A call to the line: voicemail after hours, else the main menu."""
    return CallFlow(line, _call(line, params)).answer()


@webhook("menu")
def menu(request: HttpRequest, line: VoiceLine, params: dict[str, str], node_id: int) -> CallFlow:
    flow = CallFlow(line, _call(line, params))
    return flow.choose(node_id, digits=params.get("Digits", "")[:8], tries=_tries(request))


@webhook("order")
def order(request: HttpRequest, line: VoiceLine, params: dict[str, str]) -> CallFlow:
    flow = CallFlow(line, _call(line, params))
    return flow.tell_order(digits=params.get("Digits", "")[:20], tries=_tries(request))


@webhook("connected")
def connected(request: HttpRequest, line: VoiceLine, params: dict[str, str]) -> CallFlow:
    """<Dial> (DialCallStatus) or <Enqueue> (QueueResult) is over."""
    flow = CallFlow(line, _call(line, params))
    answered: bool | None
    if "DialCallStatus" in params:
        answered = params["DialCallStatus"] == "completed"
    elif params.get("QueueResult") == "hangup":
        answered = None
    else:
        answered = params.get("QueueResult") == "bridged"
    return flow.connected(answered=answered)


def _keep_recording(line: VoiceLine, params: dict[str, str]) -> CallRecord:
    record = _call(line, params)
    url = params.get("RecordingUrl", "")
    if url.startswith(("https://", "http://")):
        record = actions.record_voicemail(
            record,
            recording_url=url,
            recording_sid=params.get("RecordingSid", ""),
            seconds=_seconds(params.get("RecordingDuration")),
        )
    return record


@webhook("voicemail")
def voicemail(request: HttpRequest, line: VoiceLine, params: dict[str, str]) -> CallFlow:
    """<Record> is over (its `action`): keep the recording, thank the caller."""
    return CallFlow(line, _keep_recording(line, params)).voicemail_left()


@webhook("recording")
def recording(request: HttpRequest, line: VoiceLine, params: dict[str, str]) -> None:
    """The recording is stored at the provider (recordingStatusCallback)."""
    if params.get("RecordingStatus", "completed") == "completed":
        _keep_recording(line, params)


@webhook("transcription")
def transcription(request: HttpRequest, line: VoiceLine, params: dict[str, str]) -> None:
    """The voicemail's transcript (transcribeCallback); a failed one changes nothing."""
    record = _keep_recording(line, params)
    if params.get("TranscriptionStatus") == "completed" and params.get("TranscriptionText"):
        actions.record_transcript(record, text=params["TranscriptionText"])


@webhook("status")
def status(request: HttpRequest, line: VoiceLine, params: dict[str, str]) -> None:
    """The call ended (the number's status callback): its status and length."""
    record = _call(line, params)
    call_status = params.get("CallStatus", "")
    if call_status in ("completed", "busy", "no-answer", "failed", "canceled"):
        actions.finish_call(
            record,
            provider_status=call_status,
            duration_seconds=_seconds(params.get("CallDuration")),
        )
