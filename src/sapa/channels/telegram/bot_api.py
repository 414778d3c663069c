"""Talking to the Telegram Bot API over HTTPS: JSON calls, multipart uploads, file downloads.

Only the transport and the API's error shape live here; what to call when is the adapter's
and the actions' business. Errors come back as BotApiError with the HTTP status (0 when the
server could not be reached), Telegram's description and, for 429, its retry_after. The bot
token is part of every URL and never appears in an error text.
"""

import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

TIMEOUT_SECONDS = 15
# A Bot API answer is small; a file is read against its own limit.
MAX_ANSWER_BYTES = 1024 * 1024
_DOWNLOAD_CHUNK = 64 * 1024


class BotApiError(Exception):
    """A call that did not succeed. `status` is the HTTP status, 0 when unreachable."""

    def __init__(self, *, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(f"{status} {description}".strip())
        self.status = status
        self.description = description
        self.retry_after = retry_after

    @property
    def is_temporary(self) -> bool:
        """Worth another try later: unreachable, rate-limited, or the server's own fault."""
        return self.status == 0 or self.status == 429 or self.status >= 500


class FileTooLarge(Exception):
    def __init__(self, size: int | None) -> None:
        super().__init__(f"file larger than allowed ({size} bytes)")
        self.size = size


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart call (sendPhoto, sendDocument)."""

    field: str
    filename: str
    content_type: str
    content: bytes


class BotApi:
    """The Bot API of one bot: `token` from @BotFather, `base_url` Telegram's or a
    self-hosted server's."""

    def __init__(self, token: str, *, base_url: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    # --- calls -------------------------------------------------------------------------
    def call(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """POST `params` as JSON to `method`; the `result` of a successful answer."""
        body = json.dumps(params or {}).encode()
        return self._request(method, body, "application/json")

    def call_with_file(self, method: str, params: dict[str, Any], upload: Upload) -> Any:
        """POST `params` and one file as multipart/form-data (sendPhoto, sendDocument)."""
        body, content_type = _multipart(params, upload)
        return self._request(method, body, content_type)

    def get_file(self, file_id: str) -> dict[str, Any]:
        """getFile: the File object (file_path, file_size) of `file_id`."""
        found = self.call("getFile", {"file_id": file_id})
        if not isinstance(found, dict):
            raise BotApiError(status=502, description="getFile answered without a File")
        return found

    def download(self, file_path: str, *, max_bytes: int) -> bytes:
        """The bytes at `file_path` (from getFile). Raises FileTooLarge past `max_bytes`
        (read no further than that), BotApiError when it cannot be fetched."""
        url = f"{self.base_url}/file/bot{self.token}/{file_path.lstrip('/')}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as answer:  # noqa: S310
                declared = answer.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FileTooLarge(int(declared))
                chunks: list[bytes] = []
                size = 0
                while chunk := answer.read(_DOWNLOAD_CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileTooLarge(None)
                    chunks.append(chunk)
                return b"".join(chunks)
        except urllib.error.HTTPError as error:
            raise BotApiError(
                status=error.code, description=self._clean(str(error.reason))
            ) from None
        except (urllib.error.URLError, OSError) as error:
            raise BotApiError(status=0, description=self._clean(str(error))) from None

    # --- transport ---------------------------------------------------------------------
    def _request(self, method: str, body: bytes, content_type: str) -> Any:
        request = urllib.request.Request(  # noqa: S310 (the base URL is an admin's setting)
            f"{self.base_url}/bot{self.token}/{method}",
            data=body,
            headers={"Content-Type": content_type},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                status, raw = answer.status, answer.read(MAX_ANSWER_BYTES)
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read(MAX_ANSWER_BYTES)
        except (urllib.error.URLError, OSError) as error:
            raise BotApiError(status=0, description=self._clean(str(error))) from None
        return self._result(status, raw)

    def _result(self, status: int, raw: bytes) -> Any:
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            raise BotApiError(status=status if status >= 400 else 502, description="not JSON")
        if data.get("ok") is True and status < 400:
            return data.get("result")
        parameters = data.get("parameters")
        retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
        code = data.get("error_code")
        raise BotApiError(
            status=code if isinstance(code, int) and code >= 400 else max(status, 400),
            description=self._clean(str(data.get("description") or "")),
            retry_after=retry_after if isinstance(retry_after, int) else None,
        )

    def _clean(self, text: str) -> str:
        return text.replace(self.token, "<token>")[:500] if self.token else text[:500]


def _multipart(params: dict[str, Any], upload: Upload) -> tuple[bytes, str]:
    boundary = "sapa-" + secrets.token_hex(16)
    parts: list[bytes] = []
    for name, value in params.items():
        text = value if isinstance(value, str) else json.dumps(value)
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + text.encode()
            + b"\r\n"
        )
    filename = upload.filename.replace('"', "").replace("\r", "").replace("\n", "")
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{upload.field}"; '
            f'filename="{filename}"\r\nContent-Type: {upload.content_type}\r\n\r\n'
        ).encode()
        + upload.content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
