"""The load tool's side of the probe (``probe.py``): start it, step it, read what it measured."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import gevent

from workshop.loadtest.metrics import Errors

if TYPE_CHECKING:
    from workshop.loadtest.setup import Target

# The probe adds one phone for every twenty the tool simulates, at most 25: enough samples for a
# percentile, few enough that the probe process itself stays idle.
MAX_PROBE_PHONES = 25
PHONES_PER_PROBE_PHONE = 20
STARTUP_S = 30.0  # Python, imports, a projector socket: bounded
SETTLE_S = 15.0
STORM_S = 180.0  # the probe's storm answer, bounded (its own dots give up after 5 attempts)


def probe_phones(participants: int) -> int:
    """How many of the participants the probe connects (0: too few to spare one)."""
    if participants < 2:
        return 0
    return min(MAX_PROBE_PHONES, max(1, participants // PHONES_PER_PROBE_PHONE))


class Probe:
    """A running probe process."""

    def __init__(self, process: subprocess.Popen[str], phones: int, budget_s: float) -> None:
        self.process = process
        self.phones = phones
        self.budget_s = budget_s
        self.connect_ms: list[float] = []
        self.result: dict[str, Any] = {}
        self.storm_result: dict[str, Any] = {}

    @classmethod
    def start(
        cls,
        url: str,
        target: Target,
        *,
        phones: int,
        connect_over: float,
        rate: float,
        duration: float,
    ) -> Probe:
        """Start the probe; it connects its projector and phones while the tool's arrive."""
        slugs = [str(vp["slug"]) for vp in target.viewpoints] if target.choosing else []
        command = [
            sys.executable,
            "-m",
            "workshop.loadtest.probe",
            f"--url={url}",
            f"--code={target.join_code}",
            f"--projector-url={target.projector_url}",
            f"--phones={phones}",
            f"--connect-over={max(connect_over, 0.1):g}",
            f"--rate={rate:g}",
            f"--duration={duration:g}",
        ]
        if slugs:
            command.append(f"--viewpoint={slugs[-1]}")
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        return cls(process, phones, STARTUP_S + connect_over + 30)

    def _line(self, timeout: float) -> dict[str, Any] | None:
        assert self.process.stdout is not None
        with gevent.Timeout(timeout, False):
            line = self.process.stdout.readline()
            with contextlib.suppress(ValueError):
                found: dict[str, Any] = json.loads(line)
                return found
        return None

    def _failed(self, errors: Errors, stage: str) -> None:
        self.stop()
        detail = ""
        if self.process.stderr is not None:
            with gevent.Timeout(2, False):
                detail = self.process.stderr.read()[-500:]
        errors.add("probe", f"{stage}: {detail.strip() or f'exit {self.process.returncode}'}")

    def connected(self, errors: Errors) -> int:
        """Wait for the probe's phones to be in; how many connected (their times are kept)."""
        report = self._line(self.budget_s)
        if report is None or report.get("stage") != "connected":
            self._failed(errors, "connecting")
            return 0
        self.connect_ms = [float(ms) for ms in report.get("connect_ms", [])]
        for error in report.get("errors", []):
            errors.add("connect", f"probe: {error}")
        return len(self.connect_ms)

    def _ask(self, line: str) -> bool:
        if self.process.poll() is not None or self.process.stdin is None:
            return False
        try:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        except OSError:
            return False
        return True

    def start_notes(self) -> None:
        """Start posting notes (for the steady stage's duration)."""
        self._ask("notes")

    def notes(self, errors: Errors, duration: float) -> None:
        """Wait for the notes to settle on the probe's wall and keep their timings."""
        report = self._line(duration + STARTUP_S + SETTLE_S)
        if report is None or report.get("stage") != "notes":
            self._failed(errors, "posting")
            return
        self.result.update(report)
        for error in report.get("errors", []):
            errors.add("probe", str(error))
        if report.get("unseen"):
            errors.add("probe_unseen", f"{report['unseen']} probe notes never reached its wall")

    def start_storm(self, targets: list[dict[str, str]], budget: int) -> None:
        """Cast the probe's dots now, alongside the tool's."""
        self._ask("storm " + json.dumps({"targets": targets, "budget": budget}))

    def storm(self, errors: Errors) -> dict[str, Any]:
        """The probe's storm: its acks' times, accepted and refused dots, dots over budget."""
        report = self._line(STORM_S)
        if report is None or report.get("stage") != "storm":
            self._failed(errors, "vote storm")
            return {}
        for error in report.get("errors", []):
            errors.add("probe", str(error))
        self.storm_result = report
        return report

    def stop(self) -> None:
        """End the process (it has printed what it measured, or it never will)."""
        self._ask("stop")
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                if self.process.stdin is not None:
                    self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
