"""Factory helpers: realistic objects made through the domain API, never by raw inserts."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from workshop import facilitators, plans, workshops
from workshop.models import Facilitator, Workshop
from workshop.paths import DEMO_PLAN

_counter = itertools.count(1)

TWO_VIEWPOINT_PLAN = """\
title: Hybrid work
language: en
viewpoints:
  - name: Employees
    question: What changes for you?
  - name: Managers
    question: What changes for your team?
"""


class Factory:
    """Creates committed test data through the domain modules."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def facilitator(
        self, email: str | None = None, password: str | None = "correct horse battery"
    ) -> Facilitator:
        """A facilitator with a password (or none)."""
        address = email or f"facilitator{next(_counter)}@example.org"
        account = facilitators.create(self.db, address, password)
        self.db.commit()
        return account

    def workshop(
        self, owner: Facilitator | None = None, plan_text: str | None = None, **changes: Any
    ) -> Workshop:
        """A workshop from the demo plan (or the given YAML), owned by ``owner``."""
        source = plan_text if plan_text is not None else DEMO_PLAN.read_text(encoding="utf-8")
        plan = plans.load_plan(source)
        if changes:
            plan = plan.model_copy(update=changes)
        created = workshops.create_from_plan(
            self.db, plan, owner or self.facilitator(), plan_source=source
        )
        self.db.commit()
        return created
