"""The real server process: acknowledged saves survive kill -9, shutdown finishes requests,
and oversized URLs and headers are refused while the server stays up."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.server import Server

ANSWERS = ["stage=stopped&needs=work", "needs=debts&debts_level=problematic", "danger_now=no"]
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A running server on a SQLite file in a temp folder."""
    srv = Server(f"sqlite:///{tmp_path / 'verder.db'}", tmp_path / "server.log").start()
    yield srv
    srv.stop()


def save_one(url: str, i: int) -> str | None:
    """Save one result; the token when the server acknowledged it, else None."""
    try:
        response = httpx.post(
            f"{url}/nl/r", content=ANSWERS[i % len(ANSWERS)], headers=FORM, timeout=5
        )
    except httpx.HTTPError:
        return None
    if response.status_code != 303:
        return None
    return response.headers["location"].rsplit("/", 1)[1]


def test_every_acknowledged_save_survives_kill_9(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'verder.db'}"
    acknowledged: list[str] = []
    for _round in range(3):
        srv = Server(db, tmp_path / "server.log").start()
        try:
            with ThreadPoolExecutor(max_workers=8) as pool:
                futures = [pool.submit(save_one, srv.url, i) for i in range(60)]
                # Pull the plug once a few saves are acknowledged and the rest are in flight.
                deadline = time.monotonic() + 20
                while sum(f.done() for f in futures) < 5 and time.monotonic() < deadline:
                    time.sleep(0.01)
                srv.kill()
                acknowledged += [t for f in futures if (t := f.result()) is not None]
        finally:
            srv.stop()
    assert acknowledged, "some saves were acknowledged before the kill"
    srv = Server(db, tmp_path / "server.log").start()
    try:
        with httpx.Client(base_url=srv.url, timeout=5) as client:
            lost = [t for t in acknowledged if client.get(f"/nl/r/{t}").status_code != 200]
    finally:
        srv.stop()
    assert lost == [], f"{len(lost)} of {len(acknowledged)} acknowledged saves were lost"


def test_shutdown_finishes_a_request_in_flight(server: Server) -> None:
    started = threading.Event()

    def slow_body() -> Iterator[bytes]:
        yield b"stage=stopped"
        started.set()
        time.sleep(1.0)  # the server gets SIGTERM while this request is still arriving
        yield b"&needs=work"

    result: dict[str, httpx.Response] = {}

    def send() -> None:
        result["response"] = httpx.post(
            f"{server.url}/nl/check", content=slow_body(), headers=FORM, timeout=10
        )

    sender = threading.Thread(target=send)
    sender.start()
    assert started.wait(5)
    time.sleep(0.2)
    code = server.terminate()
    sender.join(10)
    assert result["response"].status_code == 200
    assert "</html>" in result["response"].text
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells why.
    assert code in (0, -15)


def raw_status(port: int, request: bytes) -> int | None:
    """Send raw bytes (no client-side limits) and read the status code, or None if cut off."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        try:
            sock.sendall(request)
            reply = sock.recv(64)
        except OSError:
            return None
    return int(reply.split()[1]) if reply.startswith(b"HTTP/1.1 ") else None


@pytest.mark.parametrize(
    ("request_bytes", "refused_with"),
    [
        pytest.param(
            b"GET /nl/" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            {414, 400, None},
            id="100 KB URL",
        ),
        pytest.param(
            b"GET /nl/?" + b"q" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", {414}, id="20 KB query"
        ),
        pytest.param(
            b"GET /nl/ HTTP/1.1\r\nHost: x\r\nX-Long: " + b"b" * 20_000 + b"\r\n\r\n",
            {431, 400, None},
            id="20 KB header",
        ),
        pytest.param(
            b"GET /nl/ HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-H%d: %s\r\n" % (i, b"c" * 30) for i in range(400))
            + b"\r\n",
            {431},
            id="400 headers",
        ),
    ],
)
def test_oversized_requests_are_refused_and_the_server_stays_up(
    server: Server, request_bytes: bytes, refused_with: set[int | None]
) -> None:
    assert raw_status(server.port, request_bytes) in refused_with
    assert httpx.get(f"{server.url}/nl/", timeout=5).status_code == 200


def test_control_characters_keep_log_lines_single(server: Server, tmp_path: Path) -> None:
    with httpx.Client(base_url=server.url, timeout=5) as client:
        client.get("/nl/%1b[31m%0aInjected", headers={"User-Agent": "x\x1b[2Jy", "Referer": "r\tz"})
        client.get("/nl/r/SECRETTOKENSECRETTOKENSECRETTOKENSECRETTOK")
    server.terminate()
    log = (tmp_path / "server.log").read_text()
    assert "Injected" not in log
    assert "\x1b" not in log
    assert "SECRETTOKEN" not in log
    assert "127.0.0.1" not in log.replace(f"http://127.0.0.1:{server.port}", "")
