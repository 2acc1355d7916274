"""Token buckets: a burst allowance that refills at a steady rate, one bucket per key.

Used for realtime commands (per participant) and for join and login attempts (per network
address). In memory and per process: with several processes each keeps its own buckets, so a
client spread over N processes gets up to N times the allowance (see docs/security.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

# Above this many keys, buckets that have refilled completely are forgotten (they would behave
# exactly like a new one), so a flood of one-off addresses cannot grow memory without bound.
PRUNE_ABOVE = 10_000


@dataclass
class Bucket:
    """Tokens left and when they were last counted."""

    tokens: float
    updated: float


@dataclass(frozen=True)
class Verdict:
    """Whether the action may go ahead, and if not, how many seconds until it may."""

    allowed: bool
    retry_after: float = 0.0


class Limiter:
    """Token buckets of ``capacity`` tokens refilling at ``per_second``, keyed by anything."""

    def __init__(
        self, capacity: float, per_second: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if capacity < 1 or per_second <= 0:
            raise ValueError("a bucket needs a capacity of at least 1 and a positive rate")
        self.capacity = float(capacity)
        self.per_second = float(per_second)
        self.clock = clock
        self._buckets: dict[Hashable, Bucket] = {}
        self._lock = threading.Lock()

    @classmethod
    def per_minute(cls, count: int) -> Limiter:
        """``count`` at once, refilling ``count`` per minute."""
        return cls(max(1, count), max(1, count) / 60)

    def _refreshed(self, key: Hashable, now: float) -> Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= PRUNE_ABOVE:
                self._prune(now)
            bucket = self._buckets[key] = Bucket(self.capacity, now)
        else:
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(self.capacity, bucket.tokens + elapsed * self.per_second)
            bucket.updated = now
        return bucket

    def take(self, key: Hashable, cost: float = 1.0) -> Verdict:
        """Spend ``cost`` tokens if there are enough; otherwise spend nothing."""
        with self._lock:
            now = self.clock()
            bucket = self._refreshed(key, now)
            if bucket.tokens >= cost:
                bucket.tokens -= cost
                return Verdict(True)
            return Verdict(False, (cost - bucket.tokens) / self.per_second)

    def check(self, key: Hashable, cost: float = 1.0) -> Verdict:
        """Whether ``cost`` tokens are there, without spending them."""
        with self._lock:
            now = self.clock()
            bucket = self._refreshed(key, now)
            if bucket.tokens >= cost:
                return Verdict(True)
            return Verdict(False, (cost - bucket.tokens) / self.per_second)

    def _prune(self, now: float) -> None:
        full_after = self.capacity / self.per_second
        stale = [k for k, b in self._buckets.items() if now - b.updated >= full_after]
        for key in stale:
            del self._buckets[key]
        if len(self._buckets) >= PRUNE_ABOVE:
            # Still full of active keys: forget the oldest half rather than grow.
            oldest = sorted(self._buckets, key=lambda k: self._buckets[k].updated)
            for key in oldest[: len(oldest) // 2]:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)
