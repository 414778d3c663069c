"""Calling Meta's Graph API for one WhatsApp account: JSON requests with the account's
bearer token, multipart media uploads, and media downloads with a size limit.

urllib from the standard library: no proxies from the environment, no redirects (an answer
is taken as it comes), a timeout on every call (SAPA_WHATSAPP_TIMEOUT_SECONDS).
"""

import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from sapa.channels.whatsapp.models import WhatsAppAccount

CHUNK_BYTES = 64 * 1024
ERROR_BODY_BYTES = 64 * 1024


class GraphError(Exception):
    """A call that did not succeed: an error answer (`status`, and Meta's `code` when the
    body said), or no answer at all (`status` None: unreachable, timed out)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        subcode: int | None = None,
        title: str = "",
        details: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.subcode = subcode
        self.title = title
        self.details = details


class MediaTooLarge(Exception):
    def __init__(self, size_bytes: int | None) -> None:
        super().__init__(f"larger than the limit ({size_bytes or 'unknown'} bytes)")
        self.size_bytes = size_bytes


@dataclass(frozen=True)
class Media:
    content: bytes
    content_type: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def _timeout() -> float:
    return float(settings.SAPA_WHATSAPP_TIMEOUT_SECONDS)


def _error_from(status: int, body: bytes) -> GraphError:
    """Meta's error object ({"error": {"code", "message", "error_data": {"details"}}})."""
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        parsed = {}
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if not isinstance(error, dict):
        text = body[:300].decode("utf-8", errors="replace").strip()
        return GraphError(f"HTTP {status}: {text}".strip(), status=status)
    data = error.get("error_data")
    details = str(data.get("details", "")) if isinstance(data, dict) else ""
    code = error.get("code")
    subcode = error.get("error_subcode")
    return GraphError(
        str(error.get("message") or f"HTTP {status}"),
        status=status,
        code=code if isinstance(code, int) else None,
        subcode=subcode if isinstance(subcode, int) else None,
        title=str(error.get("error_user_title") or error.get("type") or ""),
        details=details,
    )


def _send(request: urllib.request.Request) -> tuple[bytes, str]:
    try:
        with _opener.open(request, timeout=_timeout()) as response:
            return response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        body = error.read(ERROR_BODY_BYTES) if error.fp is not None else b""
        raise _error_from(error.code, body) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise GraphError(f"{type(error).__name__}: {reason}") from None


def _json(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        raise GraphError("The Graph API answered with something that is not JSON.") from None
    if not isinstance(parsed, dict):
        raise GraphError("The Graph API answered with JSON that is not an object.")
    return parsed


class GraphClient:
    """The Graph API as one account sees it."""

    def __init__(self, account: WhatsAppAccount) -> None:
        self.account = account

    def _request(
        self, method: str, path: str, *, body: bytes | None = None, content_type: str = ""
    ) -> urllib.request.Request:
        url = path if path.startswith(("http://", "https://")) else self._url(path)
        headers = {"Authorization": f"Bearer {self.account.access_token}"}
        if content_type:
            headers["Content-Type"] = content_type
        return urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310

    def _url(self, path: str) -> str:
        return f"{self.account.graph_root}/{path.lstrip('/')}"

    def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        query = f"?{urlencode(params)}" if params else ""
        body, _type = _send(self._request("GET", path + query))
        return _json(body)

    def post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(payload, ensure_ascii=False).encode()
        body, _type = _send(self._request("POST", path, body=data, content_type="application/json"))
        return _json(body)

    def send_message(self, payload: dict[str, Any]) -> str:
        """POST /{phone_number_id}/messages; the new message's wamid."""
        answer = self.post(
            f"{self.account.phone_number_id}/messages",
            {"messaging_product": "whatsapp", "recipient_type": "individual", **payload},
        )
        messages = answer.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            return str(messages[0].get("id", ""))
        raise GraphError("The Graph API accepted the message but named no message id.")

    def upload_media(self, *, content: bytes, filename: str, content_type: str) -> str:
        """POST /{phone_number_id}/media (multipart); the media id to send it by."""
        boundary = f"sapa-{secrets.token_hex(12)}"
        safe_name = filename.replace('"', "").replace("\r", "").replace("\n", "") or "file"
        parts = [
            _form_field(boundary, "messaging_product", b"whatsapp"),
            _form_field(boundary, "type", content_type.encode()),
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{safe_name}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
        body, _type = _send(
            self._request(
                "POST",
                f"{self.account.phone_number_id}/media",
                body=b"".join(parts),
                content_type=f"multipart/form-data; boundary={boundary}",
            )
        )
        media_id = _json(body).get("id")
        if not media_id:
            raise GraphError("The Graph API took the upload but named no media id.")
        return str(media_id)

    def download_media(self, media_id: str, *, limit_bytes: int) -> Media:
        """GET /{media-id} for its URL, then the bytes from that URL (with the token).
        Raises MediaTooLarge past `limit_bytes` (before downloading, when Meta said the
        size), GraphError otherwise."""
        info = self.get(media_id)
        url = str(info.get("url", ""))
        if not url.startswith(("https://", "http://")):
            raise GraphError("The Graph API named no download URL for this media.")
        declared = _int(info.get("file_size"))
        if declared is not None and declared > limit_bytes:
            raise MediaTooLarge(declared)
        request = self._request("GET", url)
        try:
            with _opener.open(request, timeout=_timeout()) as response:
                content_type = response.headers.get("Content-Type", "")
                content = _read_limited(response, limit_bytes)
        except urllib.error.HTTPError as error:
            body = error.read(ERROR_BODY_BYTES) if error.fp is not None else b""
            raise _error_from(error.code, body) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise GraphError(f"{type(error).__name__}: {getattr(error, 'reason', error)}") from None
        mime = str(info.get("mime_type") or content_type or "application/octet-stream")
        return Media(content=content, content_type=mime.split(";")[0].strip().lower())


def _read_limited(response: Any, limit_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(CHUNK_BYTES):
        size += len(chunk)
        if size > limit_bytes:
            raise MediaTooLarge(None)
        chunks.append(chunk)
    return b"".join(chunks)


def _form_field(boundary: str, name: str, value: bytes) -> bytes:
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value
        + b"\r\n"
    )


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
