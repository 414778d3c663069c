"""The phone menu (IVR) as TwiML, one response per provider request.

A call is answered with the greeting and the "phone" menu tree's root as a <Gather> of
one keypad digit; each digit posts to the menu's address, which follows the chosen entry:
a sub-menu, the order-status check by keypad, a fixed answer or article read out, or a
hand-off, which puts the caller through to a department (<Dial><Number>, or <Enqueue> in
a provider queue) or to voicemail. A wrong or missing digit repeats the menu once, then
the caller goes to a person. Outside the line's hours the caller gets voicemail
(<Record>), whose recording and transcript arrive by callback (sapa.channels.voice.views).

Everything is said in the call's language (`CallRecord.lang`). State lives in the call's
record and in the addresses (the menu node, the number of tries), which the provider
signs back to us, so any web process can answer any request.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from sapa.bot import answers, menus, orders
from sapa.bot.models import MenuAction, MenuNode
from sapa.channels.voice import actions, speech
from sapa.channels.voice.hours import is_open, next_opening
from sapa.channels.voice.models import CallRecord, Department, VoiceLine
from sapa.channels.voice.queries import Destination, default_destination, destination_for
from sapa.channels.voice.twiml import VoiceResponse
from sapa.core import clock

PHONE_MENU = "phone"
# A wrong or missing choice is asked again this many times before a person takes over.
MAX_RETRIES = 1
ORDER_NUMBER_MAX_DIGITS = 12
MENU_TIMEOUT_SECONDS = 6
ORDER_TIMEOUT_SECONDS = 10


def hook_url(line: VoiceLine, name: str, *args: object, **query: object) -> str:
    """The absolute address of one of the line's webhooks (the provider signs it back)."""
    path = reverse(f"voice:{name}", args=[line.key, *args])
    if query:
        path += "?" + urlencode(query)
    return settings.SAPA_BASE_URL + path


class CallFlow:
    """Builds the response to one request of a call; `xml()` gives it."""

    def __init__(self, line: VoiceLine, record: CallRecord) -> None:
        self.line = line
        self.record = record
        self.lang = record.lang
        self.voice = "en-US" if self.lang == "en" else "id-ID"
        self.response = VoiceResponse()

    def xml(self) -> bytes:
        return self.response.to_bytes()

    def say(self, text: str, within: object = None) -> None:
        if text.strip():
            self.response.say(text, language=self.voice, within=within)  # type: ignore[arg-type]

    # --- the call's steps ------------------------------------------------------------

    def answer(self) -> "CallFlow":
        """A new call: voicemail after hours, else the greeting and the main menu."""
        with translation.override(self.lang):
            now = clock.now()
            if not is_open(self.line, now):
                opens = next_opening(self.line, now)
                lead = _("Thank you for calling. We are closed now.")
                if opens is not None:
                    lead = f"{lead} {speech.opening_time(opens)}"
                self.voicemail(lead)
                return self
            self.say(self.line.greeting_in(self.lang))
            root = menus.root(PHONE_MENU)
            if root is None or not menus.options(root):
                self.to_person()
            else:
                self.menu(root, tries=0)
        return self

    def menu(self, node: MenuNode, *, tries: int, lead: str = "") -> None:
        """Ask for a choice of `node`'s entries; silence comes back as a choice of none."""
        options = menus.options(node)
        digits = max((len(option.key) for option in options), default=1) or 1
        action = hook_url(self.line, "menu", node.pk, tries=tries)
        gather = self.response.gather(
            action=action, num_digits=digits, timeout_seconds=MENU_TIMEOUT_SECONDS
        )
        prompt = speech.menu_prompt(node, options, self.lang)
        self.say(f"{lead} {prompt}".strip(), within=gather)
        self.response.redirect(action)

    def choose(self, node_id: int, *, digits: str, tries: int) -> "CallFlow":
        """The caller pressed `digits` (or nothing) in the menu `node_id`."""
        with translation.override(self.lang):
            node = menus.node(node_id)
            if node is None or node.menu != PHONE_MENU or node.action != MenuAction.MENU:
                # The menu changed during the call: start again from the top.
                root = menus.root(PHONE_MENU)
                if root is None:
                    self.to_person()
                else:
                    self.menu(root, tries=0)
                return self
            option = menus.child_with_key(node, digits) if digits else None
            if option is None:
                miss = (
                    _("Sorry, that is not one of the choices.")
                    if digits
                    else _("Sorry, we did not hear a choice.")
                )
                if tries >= MAX_RETRIES:
                    self.say(miss)
                    self.to_person()
                else:
                    self.menu(node, tries=tries + 1, lead=miss)
                return self
            self.record = actions.record_choice(self.record, option.key)
            self.follow(option)
        return self

    def follow(self, option: MenuNode) -> None:
        if option.action == MenuAction.MENU:
            self.menu(option, tries=0)
        elif option.action == MenuAction.ORDER_STATUS:
            self.ask_order_number(tries=0)
        elif option.action == MenuAction.ANSWER:
            self.say(option.text_in(self.lang))
            self.record = actions.record_self_service(self.record)
            self.back_to_menu()
        elif option.action == MenuAction.ARTICLE and option.article is not None:
            article = answers.in_language(option.article, self.lang)
            self.say(f"{article.title}. {answers.summary(article)}")
            self.record = actions.record_self_service(self.record)
            self.back_to_menu()
        elif option.action == MenuAction.HANDOFF:
            self.go_to(destination_for(option, self.line))
        else:
            self.to_person()

    def back_to_menu(self) -> None:
        root = menus.root(PHONE_MENU)
        if root is None:
            self.response.hangup()
            return
        self.response.pause(1)
        self.menu(root, tries=0, lead=_("Back to the main menu."))

    # --- order status ------------------------------------------------------------------

    def ask_order_number(self, *, tries: int, lead: str = "") -> None:
        if not self.record.caller:
            self.say(_("We can only look up orders for calls from a number that is not hidden."))
            self.to_person()
            return
        action = hook_url(self.line, "order", tries=tries)
        gather = self.response.gather(
            action=action,
            num_digits=ORDER_NUMBER_MAX_DIGITS,
            finish_on_key="#",
            timeout_seconds=ORDER_TIMEOUT_SECONDS,
        )
        ask = _("Please type your order number on the keypad, then press the hash key.")
        self.say(f"{lead} {ask}".strip(), within=gather)
        self.response.redirect(action)

    def tell_order(self, *, digits: str, tries: int) -> "CallFlow":
        """Say the status of order `digits` when it is the caller's: its customer has the
        number the call comes from. Any other order, or none, gets the same answer, so
        the phone never tells one customer about another's order."""
        with translation.override(self.lang):
            number = digits.strip().strip("#*")
            order = orders.find_order(order_number=number) if number.isdigit() else None
            owns = (
                order is not None
                and bool(self.record.caller)
                and orders.asker_owns(order, customer_id=None, phone=self.record.caller)
            )
            if owns and order is not None:
                self.record = actions.record_self_service(self.record)
                self.say(speech.order_status(order))
                self.back_to_menu()
                return self
            miss = (
                _("We cannot find that order for this number.")
                if number
                else _("Sorry, we did not hear an order number.")
            )
            if tries >= MAX_RETRIES:
                self.say(miss)
                self.to_person()
            else:
                self.ask_order_number(tries=tries + 1, lead=miss)
        return self

    # --- people and voicemail -------------------------------------------------------------

    def to_person(self) -> None:
        self.go_to(default_destination(self.line))

    def go_to(self, destination: Destination) -> None:
        if destination.department is None:
            self.voicemail(_("Sorry, no one can take your call right now."))
        else:
            self.put_through(destination.department)

    def put_through(self, department: Department) -> None:
        self.record = actions.record_department(self.record, department)
        self.say(_("Please hold, we are putting you through."))
        action = hook_url(self.line, "connected")
        if department.phone_number:
            self.response.dial_number(
                department.phone_number, action=action, timeout_seconds=department.ring_seconds
            )
        else:
            self.response.enqueue(department.queue_name, action=action)

    def connected(self, *, answered: bool | None) -> "CallFlow":
        """How putting the call through went (None: the caller left the queue)."""
        with translation.override(self.lang):
            if answered is None:
                self.response.hangup()
            elif answered:
                self.record = actions.record_connection(self.record, answered=True)
                self.response.hangup()
            else:
                self.record = actions.record_connection(self.record, answered=False)
                self.voicemail(_("Sorry, no one can take your call right now."))
        return self

    def voicemail(self, lead: str) -> None:
        ask = _(
            "Please leave a message after the tone and press the hash key when you are done. "
            "We will call you back."
        )
        self.say(f"{lead} {ask}".strip())
        self.response.record(
            action=hook_url(self.line, "voicemail"),
            max_length_seconds=self.line.voicemail_max_seconds,
            recording_status_callback=hook_url(self.line, "recording"),
            transcribe_callback=(
                hook_url(self.line, "transcription") if self.line.transcribe_voicemail else None
            ),
        )
        self.say(_("We did not receive a message. Goodbye."))
        self.response.hangup()

    def voicemail_left(self) -> "CallFlow":
        with translation.override(self.lang):
            self.say(_("Thank you, we have your message. Goodbye."))
            self.response.hangup()
        return self
