"""Runtime knobs a test or trainer turns on a running sandbox: faults, latency, token lifetime.

They live apart from the store because they describe the *network and server* misbehaving, not
the shop's data; the app under test must survive both. Every knob is read by request threads
while a test thread writes it, hence the lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 3600


@dataclass
class _Fault:
    status: int
    path_prefix: str | None
    remaining: int
    let_through: int = 0  # matching requests answered normally before the fault starts


class Controls:
    """Fault queue, latency, bearer lifetime and the request log of one sandbox."""

    def __init__(self, latency_ms: int = 0) -> None:
        self._lock = threading.Lock()
        self._faults: list[_Fault] = []
        self._latency_ms = _validate_latency(latency_ms)
        self._token_lifetime = DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS
        self._log: list[tuple[str, str, int]] = []

    def add_fault(self, status: int, path_prefix: str | None, times: int, after: int = 0) -> None:
        if not 400 <= status <= 599:
            raise ValueError(f"fault status must be an HTTP error status 400..599, got {status}")
        if times < 1:
            raise ValueError(f"times must be at least 1, got {times}")
        if after < 0:
            raise ValueError(f"after must not be negative, got {after}")
        if path_prefix is not None and not path_prefix.startswith("/"):
            raise ValueError(f"path_prefix must start with '/', got {path_prefix!r}")
        with self._lock:
            self._faults.append(_Fault(status, path_prefix, times, after))

    def take_fault(self, path: str) -> int | None:
        """The status to fake for this request, consuming one use of the oldest matching fault."""
        with self._lock:
            for fault in self._faults:
                if fault.path_prefix is None or path.startswith(fault.path_prefix):
                    if fault.let_through:
                        fault.let_through -= 1
                        return None
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault.status
        return None

    @property
    def latency_ms(self) -> int:
        with self._lock:
            return self._latency_ms

    @latency_ms.setter
    def latency_ms(self, value: int) -> None:
        checked = _validate_latency(value)
        with self._lock:
            self._latency_ms = checked

    @property
    def access_token_lifetime_seconds(self) -> int:
        with self._lock:
            return self._token_lifetime

    @access_token_lifetime_seconds.setter
    def access_token_lifetime_seconds(self, value: int) -> None:
        if value < 1:
            raise ValueError(f"access token lifetime must be at least 1 second, got {value}")
        with self._lock:
            self._token_lifetime = value

    def log_request(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._log.append((method, path, status))

    def request_log(self) -> list[tuple[str, str, int]]:
        with self._lock:
            return list(self._log)

    def reset_request_log(self) -> None:
        with self._lock:
            self._log.clear()


def _validate_latency(value: int) -> int:
    if value < 0:
        raise ValueError(f"latency must be 0 ms or more, got {value}")
    return value
