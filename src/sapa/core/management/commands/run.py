"""`sapa run`: everything on one machine — migrate, first-start demo and admin, then web + API
(uvicorn) and the worker (a child process), until Ctrl-C."""

import os
import signal
import subprocess
import sys
from typing import Any

import uvicorn
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from sapa.accounts.models import Agent
from sapa.accounts.provisioning import create_first_admin


class Command(BaseCommand):
    help = "Serve web, API and worker on one machine (migrates; loads the demo on first start)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("SAPA_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("SAPA_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
        parser.add_argument("--no-worker", action="store_true", help="do not start the worker")
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("check", fail_level="ERROR")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        url = f"http://{options['host']}:{options['port']}"
        if options["workers"] > 1 and connection.vendor == "sqlite":
            self.stderr.write(
                "Several web processes on SQLite queue on its single writer; with more than "
                "one, use PostgreSQL (DATABASE_URL). See docs/deployment.md."
            )
        if not Agent.objects.exists():
            self._first_start(url, load_demo=not options["no_demo"])
        from sapa.channels.email.config import apply_environment_mailboxes

        apply_environment_mailboxes()
        worker = None if options["no_worker"] else self._start_worker()
        self.stdout.write(self.style.SUCCESS(f"Sapa is serving on {url} (Ctrl-C stops)"))
        try:
            uvicorn.run(
                "sapa.asgi:application",
                host=options["host"],
                port=options["port"],
                workers=options["workers"],
                lifespan="off",
                log_level="warning",
                access_log=False,
            )
        finally:
            if worker is not None:
                self._stop_worker(worker)

    def _first_start(self, url: str, *, load_demo: bool) -> None:
        if load_demo:
            call_command("demo")
        username, password = create_first_admin(password=os.environ.get("SAPA_ADMIN_PASSWORD"))
        line = "-" * 60
        chat = f"  The chat widget on a sample page: {url}/chat/demo/\n" if load_demo else ""
        self.stdout.write(
            f"{line}\n"
            f"  Admin login (shown once): {url}/admin/\n"
            f"  username: {username}\n"
            f"  password: {password}\n"
            f"  Forgot it? `sapa createadmin --reset` makes a new one.\n"
            f"{chat}"
            f"{line}"
        )

    def _start_worker(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "sapa", "worker"])

    def _stop_worker(self, worker: subprocess.Popen[bytes]) -> None:
        if worker.poll() is None:
            worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
