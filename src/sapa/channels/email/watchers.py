"""The worker's IMAP watchers: one thread per active IMAP mailbox, kept in step with the
mailbox list (a mailbox added in the console is watched within a minute)."""

import logging
import threading

from django.db import close_old_connections

from sapa.channels.email.imap import MailboxWatcher
from sapa.channels.email.models import Mailbox

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 60


class WatcherSupervisor(threading.Thread):
    def __init__(self) -> None:
        super().__init__(name="imap-watchers", daemon=True)
        self.stop = threading.Event()
        self.watchers: dict[int, MailboxWatcher] = {}

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self._refresh()
            except Exception:
                logger.exception("refreshing the IMAP watchers failed")
            finally:
                close_old_connections()
            self.stop.wait(REFRESH_SECONDS)

    def _refresh(self) -> None:
        wanted = set(
            Mailbox.objects.filter(is_active=True).exclude(imap_url="").values_list("pk", flat=True)
        )
        for mailbox_id in wanted:
            watcher = self.watchers.get(mailbox_id)
            if watcher is None or not watcher.is_alive():
                watcher = MailboxWatcher(mailbox_id, self.stop)
                self.watchers[mailbox_id] = watcher
                watcher.start()
                logger.info("watching mailbox %s", mailbox_id)

    def shutdown(self, timeout: float = 5) -> None:
        self.stop.set()
        for watcher in self.watchers.values():
            watcher.join(timeout)
