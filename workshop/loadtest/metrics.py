"""What the load tool measures: latency samples, error counts, and a process's CPU and memory."""

from __future__ import annotations

import contextlib
import math
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class Samples:
    """Latencies in seconds; summarised in milliseconds (nearest-rank percentiles)."""

    def __init__(self) -> None:
        self._values: list[float] = []
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        """Record one latency."""
        with self._lock:
            self._values.append(seconds)

    def __len__(self) -> int:
        return len(self._values)

    def percentile(self, share: float) -> float | None:
        """The nearest-rank percentile in ms (``share`` 0–100), None without samples."""
        with self._lock:
            ordered = sorted(self._values)
        if not ordered:
            return None
        rank = max(1, math.ceil(share / 100 * len(ordered)))
        return round(ordered[rank - 1] * 1000, 1)

    def summary(self) -> dict[str, Any]:
        """count, p50, p99 and max in ms."""
        return {
            "count": len(self._values),
            "p50_ms": self.percentile(50),
            "p99_ms": self.percentile(99),
            "max_ms": self.percentile(100),
        }


@dataclass
class Errors:
    """Failures by kind (``join``, ``connect``, ``ack:conflict``, ``unavailable`` …)."""

    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, detail: str = "") -> None:
        """Count one failure; keep the first detail of each kind for the report."""
        with self.lock:
            self.counts[kind] += 1
            if detail and kind not in self.examples:
                self.examples[kind] = detail[:300]

    @property
    def total(self) -> int:
        """All failures together."""
        return sum(self.counts.values())


def _proc_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        # The command name may contain spaces: fields after its closing parenthesis.
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _proc_runqueue_seconds(pid: int) -> float:
    """Time the process's main thread was ready to run but waited for a CPU (/proc schedstat)."""
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as schedstat:
            return int(schedstat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def _proc_rss_mb(pid: int) -> float:
    """Resident memory of a process in MB, from /proc/PID/statm."""
    with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
        resident = int(statm.read().split()[1])
    return resident * PAGE_SIZE / 1_000_000


class ProcessWatch:
    """Samples one local process's CPU and RSS (Linux /proc) and splits CPU by stage."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.rss_samples: list[float] = []
        self.stage_cpu: dict[str, float] = {}
        self.stage_waiting: dict[str, float] = {}
        self.stage_rss: dict[str, float] = {}
        self._stage: tuple[str, float, float, float] | None = None
        _proc_cpu_seconds(pid)  # fails early (FileNotFoundError) when the pid is wrong

    def sample(self) -> None:
        """Record the current RSS."""
        with contextlib.suppress(OSError):
            rss = _proc_rss_mb(self.pid)
            self.rss_samples.append(rss)
            if self._stage is not None:
                stage = self._stage[0]
                self.stage_rss[stage] = max(self.stage_rss.get(stage, 0.0), rss)

    def begin(self, stage: str) -> None:
        """Start timing a stage (ends the previous one)."""
        self.end()
        self._stage = (stage, time.monotonic(), self._cpu(), _proc_runqueue_seconds(self.pid))

    def end(self) -> None:
        """Close the current stage: its CPU use as a percentage of one core."""
        if self._stage is None:
            return
        stage, started, cpu, waited = self._stage
        wall = time.monotonic() - started
        if wall > 0:
            self.stage_cpu[stage] = round(100 * (self._cpu() - cpu) / wall, 1)
            # Ready but not running: other processes had the core (a busy machine, not us).
            waiting = _proc_runqueue_seconds(self.pid) - waited
            self.stage_waiting[stage] = round(100 * waiting / wall, 1)
        self._stage = None

    def _cpu(self) -> float:
        try:
            return _proc_cpu_seconds(self.pid)
        except OSError:
            return 0.0

    def summary(self) -> dict[str, Any]:
        """CPU and time waiting for a CPU per stage; RSS (max, last, max per stage) in MB."""
        self.end()
        return {
            "pid": self.pid,
            "cpu_percent": dict(self.stage_cpu),
            "waiting_for_cpu_percent": dict(self.stage_waiting),
            "rss_max_mb": round(max(self.rss_samples), 1) if self.rss_samples else None,
            "rss_last_mb": round(self.rss_samples[-1], 1) if self.rss_samples else None,
            # "steady" is the target's steady state; storms and resyncs peak above it.
            "rss_max_mb_by_stage": {k: round(v, 1) for k, v in self.stage_rss.items()},
        }


def own_cpu_seconds() -> float:
    """CPU time used by this process so far (user plus system)."""
    times = os.times()
    return times.user + times.system
