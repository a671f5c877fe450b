"""A per-client limit on saving and opening results, kept in memory without storing IPs."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

# Above this many tracked clients, counters of past windows are dropped.
MAX_TRACKED = 10_000


class RateLimiter:
    """Fixed one-minute windows per client and action; clients are known only by a keyed hash."""

    def __init__(self, *, limits: dict[str, int], window_seconds: int = 60) -> None:
        self.limits = limits
        self.window_seconds = window_seconds
        # A fresh key per process: the hashes cannot be linked to IPs later, not even by us.
        self._key = secrets.token_bytes(32)
        self._counts: dict[tuple[str, bytes], tuple[int, int]] = {}

    def allow(self, action: str, client: str, now: float | None = None) -> bool:
        """Count one request; False once the client has used up this window's allowance."""
        window = int((time.monotonic() if now is None else now) // self.window_seconds)
        who = hmac.new(self._key, client.encode(), hashlib.sha256).digest()[:16]
        if len(self._counts) > MAX_TRACKED:
            self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
        seen_window, count = self._counts.get((action, who), (window, 0))
        if seen_window != window:
            count = 0
        count += 1
        self._counts[(action, who)] = (window, count)
        return count <= self.limits[action]

    def retry_after(self, now: float | None = None) -> int:
        """Seconds until the current window ends."""
        t = time.monotonic() if now is None else now
        return max(1, int(self.window_seconds - t % self.window_seconds))
