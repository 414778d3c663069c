"""Two real worker processes sweeping the same database at the same moment (SQLite in WAL
mode across processes, where only SQLite's own locking separates them): a promise due in
the past still gets one reminder, one due notice and one follow-up."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

SAPA = [sys.executable, "-m", "sapa"]
ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from datetime import timedelta
from django.utils import timezone
from sapa.accounts.models import Agent, Presence
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.conversations.models import Ticket
from sapa.promises.actions import make_promise
from tests.builders import inbound
rina = Agent.objects.create_user("rina", password="rahasia-sekali-123", presence=Presence.ONLINE)
ticket = Ticket.objects.get(pk=inbound("paket sy blm sampe").ticket_id)
made = timezone.now() - timedelta(days=2)
with clock.frozen_at(made):
    for i in range(5):
        make_promise(ticket, text=f"Janji {i}", due_at=made + timedelta(days=1), owner=rina,
                     follow_up_text="Apakah pesanan Anda sudah diterima?",
                     actor=Actor.for_agent(rina))
"""

SWEEP = """
import os, time
from sapa.promises.timers import run_due_steps
time.sleep(max(0.0, float(os.environ["START_AT"]) - time.time()))
result = run_due_steps()
print("RESULT", result.reminded, result.due, result.followed_up)
"""

COUNT = """
import json
from sapa.conversations.models import Message, Notification
from sapa.core.models import Event
print("COUNT " + json.dumps({
    "notifications": sorted(Notification.objects.values_list("kind", flat=True)),
    "follow_ups": Message.objects.filter(direction="outbound").count(),
    "events": sorted(Event.objects.filter(verb__startswith="promise.").exclude(
        verb="promise.made").values_list("verb", flat=True)),
}))
"""


def _shell(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SAPA, "shell", "-c", code],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip


def test_two_worker_processes_act_once_on_each_promise(tmp_path):
    # given a migrated database with five promises due yesterday
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SAPA_VAR_DIR=str(tmp_path / "var"), SAPA_LOG_LEVEL="WARNING")
    subprocess.run([*SAPA, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True, timeout=180)
    _shell(env, SETUP)
    # when two processes sweep at the same instant
    env["START_AT"] = str(time.time() + 4)
    workers = [
        subprocess.Popen(
            [*SAPA, "shell", "-c", SWEEP],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    # then between them they did each step once per promise
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    totals = [0, 0, 0]
    for output in outputs:
        line = next(line for line in output.splitlines() if line.startswith("RESULT"))
        for i, value in enumerate(line.split()[1:]):
            totals[i] += int(value)
    assert totals == [5, 5, 5], outputs
    counted = json.loads(_shell(env, COUNT).stdout.split("COUNT ", 1)[1])
    assert counted == {
        "notifications": ["promise_due"] * 5 + ["promise_reminder"] * 5,
        "follow_ups": 5,
        "events": ["promise.due"] * 5 + ["promise.followed_up"] * 5 + ["promise.reminded"] * 5,
    }
