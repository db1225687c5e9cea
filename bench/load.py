"""Server load: a real ``streamlit run`` on loopback, driven by N concurrent sessions
through Streamlit's own websocket protocol, as browsers would drive it.

Each session connects to /_stcore/stream (subprotocol "streamlit"), signs in through
the demo's persona picker (choosing the persona and pressing Continue, as widget
states in a rerun BackMsg), then asks for reruns of its page back to back; a rerun ends
at the ForwardMsg script_finished that is not an early stop for a rerun. The same is
measured on a server of an empty page: the framework's ceiling.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

from bench.pages import EMPTY_PAGE, ROOT
from bench.timing import Timing
from deploy.replicas import free_port, wait_healthy
from pipeline import db

RERUN_TIMEOUT_S = 120
EARLY_STOP = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


@dataclass(frozen=True)
class LoadTarget:
    name: str
    page_name: str  # the page's url_path ("" for the default page)
    persona: str | None  # the persona picker's label prefix to choose, None: no sign-in


@dataclass(frozen=True)
class LoadResult:
    target: str
    sessions: int
    reruns: int
    seconds: float
    latency: Timing

    @property
    def throughput(self) -> float:
        return self.reruns / self.seconds


@contextmanager
def server(script: Path, database: Path | None):
    """``streamlit run script`` on a free loopback port; yields the port."""
    port = free_port()
    env = {**os.environ}
    if database is not None:
        env[db.ENV_VAR] = str(database)
    command = [sys.executable, "-m", "streamlit", "run", str(script)]
    options = ["--server.port", str(port), "--server.address", "127.0.0.1"]
    options += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    # As the dashboard's own config (.streamlit/config.toml) runs it; set here too so
    # the empty page, run outside the project folder, gets the same server settings.
    options += ["--server.fileWatcherType", "none", "--runner.postScriptGC", "false"]
    process = subprocess.Popen(
        command + options,
        cwd=script.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(port, process, "The Streamlit server")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def rerun_message(page_name: str, widget_states: list[WidgetState] = ()) -> bytes:
    message = BackMsg()
    state = message.rerun_script
    state.query_string = ""
    state.page_name = page_name
    state.widget_states.widgets.extend(widget_states)
    return message.SerializeToString()


async def rerun(websocket, payload: bytes) -> list[ForwardMsg]:
    """Send one rerun request; return the messages up to its final script_finished."""
    await websocket.send(payload)
    received = []
    while True:
        raw = await asyncio.wait_for(websocket.recv(), RERUN_TIMEOUT_S)
        message = ForwardMsg()
        message.ParseFromString(raw)
        received.append(message)
        finished = message.WhichOneof("type") == "script_finished"
        if finished and message.script_finished != EARLY_STOP:
            return received


def widgets(messages: list[ForwardMsg]) -> dict[str, object]:
    """Widget protos drawn by a run, by their id."""
    found = {}
    for message in messages:
        if message.WhichOneof("type") != "delta":
            continue
        if message.delta.WhichOneof("type") != "new_element":
            continue
        element = message.delta.new_element
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        if hasattr(proto, "id") and proto.id:
            found[proto.id] = proto
    return found


async def sign_in(websocket, target: LoadTarget) -> None:
    """Choose the persona whose label starts with target.persona and press Continue."""
    drawn = widgets(await rerun(websocket, rerun_message(target.page_name)))
    picker = next((w for i, w in drawn.items() if i.endswith("demo_persona")), None)
    button_id = next((i for i in drawn if i.endswith("demo_sign_in")), None)
    if picker is None or button_id is None:
        raise RuntimeError("no persona picker on the first run: is this the demo database?")
    label = next((o for o in picker.options if o.startswith(target.persona)), None)
    if label is None:
        raise RuntimeError(f"no persona {target.persona!r} in the picker")
    choice = WidgetState(id=picker.id, string_value=label)
    press = WidgetState(id=button_id, trigger_value=True)
    await rerun(websocket, rerun_message(target.page_name, [choice, press]))


async def drive(port: int, target: LoadTarget, sessions: int, seconds: float) -> LoadResult:
    """All sessions sign in and warm up; then every session reruns back to back for
    ``seconds``. Reruns that started inside the window are counted, over the time until
    the last of them finished (with many sessions a rerun can outlast the window)."""
    latencies: list[float] = []
    sockets = await asyncio.gather(*(warm_session(port, target) for _ in range(sessions)))
    try:
        begun = time.monotonic()
        deadline = begun + seconds
        await asyncio.gather(*(loop(ws, target, deadline, latencies) for ws in sockets))
        elapsed = time.monotonic() - begun
    finally:
        for websocket in sockets:
            await websocket.close()
    return LoadResult(target.name, sessions, len(latencies), elapsed, Timing(tuple(latencies)))


async def warm_session(port: int, target: LoadTarget):
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    websocket = await connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=60)
    if target.persona:
        await sign_in(websocket, target)
    await rerun(websocket, rerun_message(target.page_name))
    return websocket


async def loop(websocket, target: LoadTarget, deadline: float, latencies: list[float]):
    payload = rerun_message(target.page_name)
    while time.monotonic() < deadline:
        started = time.monotonic()
        await rerun(websocket, payload)
        latencies.append((time.monotonic() - started) * 1000)


def measure(
    database: Path, targets: list[LoadTarget], counts: list[int], seconds: float
) -> list[LoadResult]:
    results = []
    with server(ROOT / "dashboard.py", database) as port:
        for target in targets:
            for sessions in counts:
                results.append(asyncio.run(drive(port, target, sessions, seconds)))
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty_page.py"
        empty.write_text(EMPTY_PAGE, encoding="utf-8")
        with server(empty, None) as port:
            for sessions in counts:
                target = LoadTarget("Empty page", "", None)
                results.append(asyncio.run(drive(port, target, sessions, seconds)))
    return results
