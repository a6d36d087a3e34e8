"""A fault-injecting HTTP/1.1 relay on 127.0.0.1 for sync reliability tests and benchmarks.

It sits between the client and the server and, request by request, decided by a seeded random
generator (the same seed and traffic give the same faults):
- cuts the request on its way up after a random number of bytes (the server sees a torn body);
- cuts the response on its way down after a random number of bytes (the client sees a torn
  answer to a request the server did apply);
- answers 502 Bad Gateway instead of forwarding, or after forwarding (applied but reported lost);
- delays the response;
- replays an earlier request (or the current one) to the server a second time, unseen by the
  client, as a duplicate delivery from a confused middlebox would.
It also counts the bytes that crossed it each way, and can throttle them to a slow link's rate.

Requests are read by their Content-Length (the sync client always sends one) and each is
forwarded on a fresh upstream connection; loops are bounded and every socket has a timeout.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

IO_TIMEOUT_S = 30.0
HISTORY = 20
BAD_GATEWAY = (
    b"HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\ncontent-length: 11\r\n"
    b"connection: close\r\n\r\nbad gateway"
)


@dataclass(frozen=True)
class Faults:
    """Probability of each fault per request (0 = never)."""

    cut_request: float = 0.0
    cut_response: float = 0.0
    bad_gateway_before: float = 0.0
    bad_gateway_after: float = 0.0
    replay: float = 0.0
    delay: float = 0.0
    max_delay_s: float = 0.05
    bytes_per_s: float | None = None
    """Throttle: the link's rate in both directions (None: as fast as loopback)."""
    latency_s: float = 0.0
    """Added once per request, as a round trip on a slow link would."""

    @classmethod
    def hostile(cls, level: float = 0.15) -> Faults:
        return cls(
            cut_request=level,
            cut_response=level,
            bad_gateway_before=level / 2,
            bad_gateway_after=level / 2,
            replay=level,
            delay=level,
        )


class _Closed(Exception):
    """The peer closed the connection before a whole message arrived."""


def _read_message(sock: socket.socket, pending: bytearray) -> bytes:
    """One HTTP message (head and Content-Length body) from `sock`, using `pending` as buffer."""
    while b"\r\n\r\n" not in pending:
        chunk = sock.recv(65536)
        if not chunk:
            raise _Closed
        pending += chunk
    head_end = pending.index(b"\r\n\r\n") + 4
    length = 0
    for line in bytes(pending[:head_end]).split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() == b"transfer-encoding":
            raise ValueError("the fault proxy relays Content-Length messages only")
    while len(pending) < head_end + length:
        chunk = sock.recv(65536)
        if not chunk:
            raise _Closed
        pending += chunk
    message = bytes(pending[: head_end + length])
    del pending[: head_end + length]
    return message


@dataclass
class Traffic:
    bytes_up: int = 0
    bytes_down: int = 0
    requests: int = 0
    faults: Counter[str] = field(default_factory=Counter)


class FaultProxy:
    """Listens on a free loopback port and relays to `upstream_port` on 127.0.0.1."""

    def __init__(self, upstream_port: int, faults: Faults, seed: int = 0) -> None:
        self.upstream_port = upstream_port
        self.faults = faults
        self.rng = random.Random(seed)
        self.traffic = Traffic()
        self._lock = threading.Lock()
        self._history: list[bytes] = []
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        self._acceptor.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._acceptor.join(timeout=5)
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=IO_TIMEOUT_S)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _roll(self, probability: float) -> bool:
        with self._lock:
            return self.rng.random() < probability

    def _cut_at(self, length: int) -> int:
        with self._lock:
            return self.rng.randrange(0, max(1, length))

    def _note(self, fault: str) -> None:
        with self._lock:
            self.traffic.faults[fault] += 1

    def _send(self, sock: socket.socket, data: bytes, direction: str) -> None:
        rate = self.faults.bytes_per_s
        step = 16384 if rate else len(data) or 1
        for start in range(0, len(data), step):
            piece = data[start : start + step]
            sock.sendall(piece)
            with self._lock:
                if direction == "up":
                    self.traffic.bytes_up += len(piece)
                else:
                    self.traffic.bytes_down += len(piece)
            if rate:
                time.sleep(len(piece) / rate)

    def _exchange(self, request: bytes, *, cut: int | None = None) -> bytes | None:
        """Send a request upstream on a new connection; its response, or None if cut / failed."""
        try:
            with socket.create_connection(("127.0.0.1", self.upstream_port), IO_TIMEOUT_S) as up:
                up.settimeout(IO_TIMEOUT_S)
                if cut is not None:
                    self._send(up, request[:cut], "up")
                    return None
                self._send(up, request, "up")
                return _read_message(up, bytearray())
        except (OSError, _Closed):
            return None

    def _replay_one(self, current: bytes) -> None:
        with self._lock:
            earlier = self.rng.choice(self._history) if self._history else current
        self._note("replay")
        self._exchange(earlier)

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(IO_TIMEOUT_S)
        pending = bytearray()
        with client:
            while not self._stop.is_set():
                try:
                    request = _read_message(client, pending)
                except (OSError, _Closed):
                    return
                with self._lock:
                    self.traffic.requests += 1
                if not self._relay(client, request):
                    return

    def _relay(self, client: socket.socket, request: bytes) -> bool:
        """Handle one request; False when the client connection was closed on purpose."""
        faults = self.faults
        if faults.latency_s:
            time.sleep(faults.latency_s)
        if self._roll(faults.replay):
            self._replay_one(request)
        if self._roll(faults.cut_request):
            self._note("cut_request")
            self._exchange(request, cut=self._cut_at(len(request)))
            return False
        if self._roll(faults.bad_gateway_before):
            self._note("bad_gateway_before")
            client.sendall(BAD_GATEWAY)
            return False
        response = self._exchange(request)
        with self._lock:
            self._history = [*self._history, request][-HISTORY:]
        if response is None:
            return False
        if self._roll(faults.bad_gateway_after):
            self._note("bad_gateway_after")
            client.sendall(BAD_GATEWAY)
            return False
        if self._roll(faults.delay):
            self._note("delay")
            with self._lock:
                pause = self.rng.uniform(0, faults.max_delay_s)
            time.sleep(pause)
        if self._roll(faults.cut_response):
            self._note("cut_response")
            with contextlib.suppress(OSError):
                self._send(client, response[: self._cut_at(len(response))], "down")
            return False
        try:
            self._send(client, response, "down")
        except OSError:
            return False
        return True
