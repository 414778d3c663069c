"""Building TwiML (the XML a voice provider runs during a call) with xml.etree, which
escapes every text and attribute: no caller- or shop-provided text is ever pasted into XML.

    >>> response = VoiceResponse()
    >>> gather = response.gather(action="https://sapa.example/hooks/voice/vl_x/menu/3")
    >>> response.say("Tekan 1 untuk status pesanan.", language="id-ID", within=gather)
    >>> response.to_bytes()   # <?xml ...?><Response><Gather ...><Say ...>...</Say></Gather>...
"""

import re
import xml.etree.ElementTree as ET

# Characters XML 1.0 cannot carry even escaped (control characters but tab, CR, LF).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Text-to-speech engines cut long texts; one <Say> stays well under their limits.
MAX_SAY_CHARS = 3000


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


class VoiceResponse:
    """A <Response> built verb by verb; `to_bytes()` gives the document."""

    def __init__(self) -> None:
        self.root = ET.Element("Response")

    def _verb(
        self, name: str, within: ET.Element | None = None, text: str = "", **attributes: object
    ) -> ET.Element:
        element = ET.SubElement(within if within is not None else self.root, name)
        for attribute, value in attributes.items():
            if value is None:
                continue
            if isinstance(value, bool):
                value = "true" if value else "false"
            element.set(attribute, _clean(str(value)))
        if text:
            element.text = _clean(text)
        return element

    def say(self, text: str, *, language: str, within: ET.Element | None = None) -> ET.Element:
        return self._verb("Say", within, text.strip()[:MAX_SAY_CHARS], language=language)

    def gather(
        self,
        *,
        action: str,
        num_digits: int = 1,
        timeout_seconds: int = 6,
        finish_on_key: str | None = None,
    ) -> ET.Element:
        """Collect keypad digits and post them (`Digits`) to `action`. Without input the
        call goes on with the verb after the <Gather>."""
        return self._verb(
            "Gather",
            input="dtmf",
            numDigits=num_digits,
            timeout=timeout_seconds,
            finishOnKey=finish_on_key,
            action=action,
            method="POST",
        )

    def dial_number(self, number: str, *, action: str, timeout_seconds: int) -> ET.Element:
        """Put the caller through to `number`; `action` hears how it went (DialCallStatus)."""
        dial = self._verb("Dial", action=action, method="POST", timeout=timeout_seconds)
        self._verb("Number", dial, number)
        return dial

    def enqueue(self, queue_name: str, *, action: str) -> ET.Element:
        """Put the caller in the provider queue `queue_name`, where agents take calls with
        <Dial><Queue>; `action` hears how it went (QueueResult)."""
        return self._verb("Enqueue", text=queue_name, action=action, method="POST")

    def record(
        self,
        *,
        action: str,
        max_length_seconds: int,
        recording_status_callback: str,
        transcribe_callback: str | None = None,
    ) -> ET.Element:
        """Record a voicemail ended by `#` or silence; with `transcribe_callback`, the
        provider's transcript is posted there."""
        return self._verb(
            "Record",
            action=action,
            method="POST",
            maxLength=max_length_seconds,
            finishOnKey="#",
            playBeep=True,
            transcribe=transcribe_callback is not None,
            transcribeCallback=transcribe_callback,
            recordingStatusCallback=recording_status_callback,
            recordingStatusCallbackMethod="POST",
        )

    def redirect(self, url: str) -> ET.Element:
        return self._verb("Redirect", text=url, method="POST")

    def pause(self, seconds: int = 1) -> ET.Element:
        return self._verb("Pause", length=seconds)

    def hangup(self) -> ET.Element:
        return self._verb("Hangup")

    def to_bytes(self) -> bytes:
        return ET.tostring(self.root, encoding="utf-8", xml_declaration=True)
