"""A command sent again gets its first copy's answer instead of being applied twice."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from workshop.realtime import replies
from workshop.realtime.replies import Replies

KEY = (1, "participant", 7, "op-1")


def test_a_copy_sent_while_the_first_is_answered_waits_for_that_answer() -> None:
    memory = Replies()
    first, entry = memory.claim(KEY)
    assert first
    got: list[dict[str, Any] | None] = []

    def copy() -> None:
        again, same = memory.claim(KEY)
        assert not again
        got.append(memory.wait(same, timeout=5))

    waiter = threading.Thread(target=copy)
    waiter.start()
    time.sleep(0.05)
    assert got == []  # still waiting: the first copy has not answered
    memory.finish(KEY, entry, {"ok": True, "seq": 12})
    waiter.join(5)
    assert got == [{"ok": True, "seq": 12, "duplicate": True}]


def test_a_late_copy_gets_the_remembered_answer_and_other_senders_do_not() -> None:
    memory = Replies()
    _first, entry = memory.claim(KEY)
    memory.finish(KEY, entry, {"ok": False, "code": "conflict", "message": "no dots left"})
    again, same = memory.claim(KEY)
    assert not again
    assert memory.wait(same, timeout=0) == {
        "ok": False,
        "code": "conflict",
        "message": "no dots left",
        "duplicate": True,
    }
    # The same op id from someone else is a different command (answers carry one's own votes).
    other, _ = memory.claim((1, "participant", 8, "op-1"))
    assert other


def test_an_answer_that_says_try_again_is_not_kept() -> None:
    memory = Replies()
    _first, entry = memory.claim(KEY)
    memory.finish(KEY, entry, None)  # e.g. "unavailable, retry": nothing was applied
    again, _ = memory.claim(KEY)
    assert again  # the next copy does the work itself


def test_old_answers_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    memory = Replies()
    _first, entry = memory.claim(KEY)
    memory.finish(KEY, entry, {"ok": True, "seq": 3})
    monkeypatch.setattr(replies, "KEEP_S", 0.0)
    time.sleep(0.01)
    again, _ = memory.claim(KEY)
    assert again
