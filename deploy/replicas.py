"""Run N app replicas on one PostgreSQL database behind HAProxy.

    SALES_DB=postgresql://user@host:5432/sales python deploy/replicas.py --replicas 2

Each replica is a ``streamlit run dashboard.py`` on its own loopback port; HAProxy
(Debian's package) listens on ``--port`` (default 8501) and spreads new sessions over
the replicas round-robin. A session sticks to its replica (a cookie HAProxy sets):
Streamlit keeps a session's state in the server that holds its websocket, and file
uploads go to that server too. Every replica reads and writes the same PostgreSQL
database, so a save on one is on every page of every replica at its next rerun.
Ctrl-C stops them all.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 120

HAPROXY_CONFIG = """\
global
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h

frontend dashboard
    bind 127.0.0.1:{port}
    default_backend replicas

backend replicas
    balance roundrobin
    # A replica that stopped: its connections go to another one at once, before the
    # health check (every 2 s) takes it out.
    option redispatch
    retries 3
    cookie replica insert indirect nocache
    option httpchk GET /_stcore/health
{servers}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(port: int, process: subprocess.Popen, what: str) -> None:
    """Until ``http://127.0.0.1:port/_stcore/health`` answers (or the process ends)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"{what} did not answer within {STARTUP_TIMEOUT_S} s")


def start_replica(database: str, port: int, log: Path | None = None) -> subprocess.Popen:
    """One app server on ``port`` over ``database``, answering once it returns."""
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py")]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    command += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (the child owns it)
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "SALES_DB": database},
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    wait_healthy(port, process, f"The replica on port {port}")
    return process


def start_balancer(port: int, replica_ports: list[int], folder: Path) -> subprocess.Popen:
    """HAProxy on ``port`` in front of the replicas, in the foreground of its process."""
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        raise RuntimeError("HAProxy is not installed (Debian: apt-get install haproxy).")
    servers = "\n".join(
        f"    server replica{number} 127.0.0.1:{replica} cookie r{number} check"
        for number, replica in enumerate(replica_ports, start=1)
    )
    config = folder / "haproxy.cfg"
    config.write_text(HAPROXY_CONFIG.format(port=port, servers=servers), encoding="utf-8")
    process = subprocess.Popen(
        [haproxy, "-db", "-f", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "haproxy.log", "ab"),  # noqa: SIM115 (the child owns it)
    )
    wait_healthy(port, process, "HAProxy")
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def replicas(database: str, count: int, port: int | None = None, folder: Path | None = None):
    """``count`` replicas over ``database`` behind HAProxy on ``port`` (a free one when
    None). Yields (balancer port, replica processes, replica ports); stops them all."""
    own_folder = folder is None
    folder = Path(tempfile.mkdtemp(prefix="replicas-")) if own_folder else folder
    port = port or free_port()
    started: list[subprocess.Popen] = []
    try:
        replica_ports = [free_port() for _ in range(count)]
        for number, replica_port in enumerate(replica_ports, start=1):
            log = folder / f"replica{number}.log"
            started.append(start_replica(database, replica_port, log))
        balancer = start_balancer(port, replica_ports, folder)
        started.append(balancer)
        yield port, started[:-1], replica_ports
    finally:
        for process in reversed(started):
            stop(process)
        if own_folder:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="the balancer's port")
    args = parser.parse_args()
    database = os.environ.get("SALES_DB", "")
    if not database.startswith(("postgresql://", "postgres://")):
        print("error: set SALES_DB to a postgresql:// URL; replicas share PostgreSQL, not a file")
        return 1
    folder = Path(tempfile.mkdtemp(prefix="replicas-"))
    with replicas(database, args.replicas, args.port, folder) as (port, processes, ports):
        print(f"{len(processes)} replicas (ports {', '.join(map(str, ports))}) behind HAProxy:")
        print(f"open http://127.0.0.1:{port}  (logs in {folder}; Ctrl-C stops them)")
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    return 0


if __name__ == "__main__":
    sys.exit(main())
