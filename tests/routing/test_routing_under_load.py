"""Routing under load with the real worker: `bench/routing.py` starts a web process and
two `sapa worker` processes (Huey; SqliteHuey on SQLite, Redis beside PostgreSQL) on a
fresh database, 1,000 new customers write at once through /api/v1/inbound, and every
ticket must be assigned - none twice, nobody above capacity, skills respected.

Runs on the database the suite runs on (DATABASE_URL), like the rest of the suite."""

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "routing.py"


def test_1000_concurrent_tickets_are_all_assigned_once_within_capacity_and_skills():
    # given: a fresh instance (own database, own var dir) driven by the bench script
    env = {k: v for k, v in os.environ.items() if k not in ("SAPA_VAR_DIR", "REDIS_URL")}
    # when
    completed = subprocess.run(
        [sys.executable, str(BENCH), "--tickets", "1000", "--agents", "10",
         "--db-name", "sapa_test_routing_load", "--timeout", "600"],
        env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    # then
    assert completed.returncode == 0, completed.stderr[-4000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["post_errors"] == 0
    assert result["tickets"] == 1000
    assert result["assigned"] == 1000, result
    assert result["queued"] == 0
    assert result["double_assignments"] == 0
    assert result["over_capacity"] == 0
    assert result["skill_mismatches"] == 0
    # two thirds of the messages ask for a skill (payments or returns)
    assert result["with_skills"] >= 600
