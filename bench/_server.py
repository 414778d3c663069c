"""Running Sapa for a benchmark the way an operator would.

Production settings (SAPA_DEBUG off) in a temporary var dir; `sapa migrate`, `sapa
createadmin` and `sapa token create` as subprocesses; then `uvicorn sapa.asgi:application
--workers N` with the same environment, stopped (with its workers) when the run ends,
also on Ctrl-C, SIGTERM or an error.
"""

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

ADMIN_USERNAME = "admin"
STARTUP_TIMEOUT_SECONDS = 60
SHUTDOWN_TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class Server:
    base_url: str
    pid: int  # the uvicorn supervisor; its workers are its children

    def worker_pids(self) -> list[int]:
        """The processes serving requests (for py-spy and friends): uvicorn's children with
        --workers 2 or more (one of them is multiprocessing's idle resource tracker), the
        server itself with --workers 1."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()] or [self.pid]
        except OSError:
            return [self.pid]

    def worker_cpu_seconds(self) -> dict[int, float]:
        """CPU seconds (user + system) each worker has used so far."""
        ticks_per_second = os.sysconf("SC_CLK_TCK")
        used = {}
        for pid in self.worker_pids():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2 :].split()
            used[pid] = (int(fields[11]) + int(fields[12])) / ticks_per_second
        return used

    def describe_worker_cpu(self, before: dict[int, float], seconds: float) -> str:
        """Each worker's share of a CPU since `before` (a worker_cpu_seconds() snapshot):
        an idle worker means the clients' keep-alive connections all landed on the other."""
        after = self.worker_cpu_seconds()
        shares = [
            f"{pid} {100 * (used - before.get(pid, 0.0)) / seconds:.0f}%"
            for pid, used in sorted(after.items())
        ]
        return "CPU of the server's processes while timed: " + ", ".join(shares)


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark shares: server processes, seed, and a pause to profile."""
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (default: 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--hold",
        type=float,
        default=0,
        help="seconds to keep the server up before timing (to attach py-spy)",
    )


def exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into KeyboardInterrupt, so that cleanup runs as it does on Ctrl-C."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def log(message: str) -> None:
    """Progress goes to stderr; stdout carries the JSON result line only."""
    print(message, file=sys.stderr, flush=True)


def sapa_environment(*, var_dir: Path, database_url: str) -> dict[str, str]:
    """The environment for every Sapa process of the run (CLI, loader, server)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="sapa.settings",
        SAPA_DEBUG="0",
        SAPA_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        SAPA_LOG_LEVEL=os.environ.get("SAPA_LOG_LEVEL", "WARNING"),
        SAPA_ADMIN_PASSWORD=secrets.token_urlsafe(16),
        PYTHONUNBUFFERED="1",
    )
    return env


def run_sapa(*args: str, env: dict[str, str]) -> str:
    """Run `sapa ARGS...` and return its stdout; its stderr goes to ours."""
    completed = subprocess.run(
        [sys.executable, "-m", "sapa", *args],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        stderr=sys.stderr,
        text=True,
    )
    return completed.stdout


def prepare_instance(env: dict[str, str]) -> str:
    """Migrate, create the admin agent and return a new API token for it."""
    log("sapa migrate")
    run_sapa("migrate", "--no-input", "--verbosity", "0", env=env)
    run_sapa("createadmin", "--username", ADMIN_USERNAME, env=env)
    output = run_sapa("token", "create", "--user", ADMIN_USERNAME, "--name", "bench", env=env)
    return output.strip().splitlines()[-1].strip()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with status {process.returncode} on start-up")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer 200 within {STARTUP_TIMEOUT_SECONDS} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=SHUTDOWN_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            log("uvicorn did not stop in time; killing it")
    # Its own session: this reaches any worker left behind by a supervisor that died.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@contextmanager
def running_server(env: dict[str, str], *, workers: int) -> Iterator[Server]:
    """uvicorn with `workers` processes on a free loopback port, healthy when yielded."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "sapa.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--lifespan",
        "off",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    log(f"starting uvicorn with {workers} workers on port {port}")
    # A session of its own: Ctrl-C in the terminal reaches only us, and we stop it in order.
    process = subprocess.Popen(
        command, env=env, stdout=sys.stderr, stderr=sys.stderr, start_new_session=True
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(process, f"{base_url}/healthz")
        yield Server(base_url=base_url, pid=process.pid)
    finally:
        log("stopping uvicorn")
        _stop(process)
