"""Typed SQLAlchemy 2 models: facilitators, workshops and everything that happens in one."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names so Alembic migrations read the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Store UTC, always hand back aware datetimes (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use workshop.models.utcnow()")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base with the shared naming convention."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class Facilitator(Base):
    """A person who prepares and runs workshops; logs in by password or one-time link."""

    __tablename__ = "facilitator"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]

    workshops: Mapped[list[Workshop]] = relationship(back_populates="owner")


class LoginToken(Base):
    """A one-time login link; only the SHA-256 of the token is stored."""

    __tablename__ = "login_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(
        ForeignKey("facilitator.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]

    facilitator: Mapped[Facilitator] = relationship()


class Workshop(Base):
    """One denktank meeting: its plan, its phase, its join code and its event sequence."""

    __tablename__ = "workshop"
    __table_args__ = (
        # A join code is unique among open workshops only, so codes can be reused after closing.
        Index(
            "uq_workshop_open_join_code",
            "join_code",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(200), default="")
    intro: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    date: Mapped[dt.date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    join_code: Mapped[str] = mapped_column(String(6), index=True)
    # A view-only secret for the projector / group screens; never grants control.
    display_token: Mapped[str] = mapped_column(String(64), unique=True)
    phase: Mapped[str] = mapped_column(String(20), default="lobby")
    joining_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Plan settings (kinds, durations, voting, anonymity, visibility…) as validated JSON.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The plan as it was imported, kept verbatim for the archive export.
    plan_source: Mapped[str] = mapped_column(Text, default="")
    # Server-authoritative timer: running when ends_at is set, paused when remaining_ms is set.
    timer_ends_at: Mapped[dt.datetime | None]
    timer_remaining_ms: Mapped[int | None] = mapped_column(BigInteger)
    timer_duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    # Highest event seq handed out; bumped with UPDATE … RETURNING so the row lock serialises
    # writers per workshop and a rolled-back transaction leaves no gap.
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    demo_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[dt.datetime | None]

    owner: Mapped[Facilitator] = relationship(back_populates="workshops")
    viewpoints: Mapped[list[Viewpoint]] = relationship(
        back_populates="workshop", order_by="Viewpoint.position", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        """True until the workshop is closed."""
        return self.closed_at is None


class Viewpoint(Base):
    """A break-out group's perspective: its name, guiding question and colour."""

    __tablename__ = "viewpoint"
    __table_args__ = (UniqueConstraint("workshop_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))
    question: Mapped[str] = mapped_column(Text)
    colour: Mapped[str] = mapped_column(String(7))
    position: Mapped[int] = mapped_column(Integer, default=0)

    workshop: Mapped[Workshop] = relationship(back_populates="viewpoints")


class Participant(Base):
    """A phone in the room: no account, an optional name, a secret kept in a cookie."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    viewpoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("viewpoint.id", ondelete="SET NULL"), index=True
    )
    display_name: Mapped[str | None] = mapped_column(String(60))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Stand-in for people without a phone; the facilitator acts for them.
    is_proxy: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime | None]

    viewpoint: Mapped[Viewpoint | None] = relationship()


class Cluster(Base):
    """A named group of notes, within one viewpoint or across all (viewpoint_id NULL)."""

    __tablename__ = "cluster"

    # Client-generated UUID, so a retried "create cluster" cannot create two.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    viewpoint_id: Mapped[int | None] = mapped_column(ForeignKey("viewpoint.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[dt.datetime | None]


class Note(Base):
    """A sticky note: a risk or consequence posted from a phone (or by the facilitator)."""

    __tablename__ = "note"

    # Client-generated UUID: the phone's retry of the same note is recognised, never duplicated.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    viewpoint_id: Mapped[int] = mapped_column(ForeignKey("viewpoint.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    by_facilitator: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    cluster_id: Mapped[str | None] = mapped_column(
        ForeignKey("cluster.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[float] = mapped_column(default=0.0)
    # Moderation: hidden by the facilitator, still kept and restorable.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[dt.datetime | None]

    author: Mapped[Participant | None] = relationship()
    viewpoint: Mapped[Viewpoint] = relationship()


class Endorsement(Base):
    """A participant's +1 on someone else's note instead of posting a near-duplicate."""

    __tablename__ = "endorsement"
    __table_args__ = (UniqueConstraint("note_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    note_id: Mapped[str] = mapped_column(ForeignKey("note.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Vote(Base):
    """Dots one participant put on one item (a cluster or an unclustered note)."""

    __tablename__ = "vote"
    __table_args__ = (
        UniqueConstraint("participant_id", "target_type", "target_id"),
        CheckConstraint("dots >= 0", name="dots_not_negative"),
        CheckConstraint("target_type IN ('cluster', 'note')", name="vote_target_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[str] = mapped_column(String(36))
    dots: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RiskScore(Base):
    """One participant's likelihood × impact rating (1–5 each) of one item."""

    __tablename__ = "risk_score"
    __table_args__ = (
        UniqueConstraint("participant_id", "target_type", "target_id"),
        CheckConstraint("likelihood BETWEEN 1 AND 5", name="likelihood_range"),
        CheckConstraint("impact BETWEEN 1 AND 5", name="impact_range"),
        CheckConstraint("target_type IN ('cluster', 'note')", name="score_target_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[str] = mapped_column(String(36))
    likelihood: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Event(Base):
    """The workshop's log: every change with a gap-free per-workshop seq and the client's op id."""

    __tablename__ = "event"
    __table_args__ = (
        UniqueConstraint("workshop_id", "seq"),
        # Retried operations are recognised by their op id; NULL (server-made events) may repeat.
        UniqueConstraint("workshop_id", "op_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    op_id: Mapped[str | None] = mapped_column(String(64))
    # Who did it, as "facilitator:<id>", "participant:<id>" or "system"; never an IP address.
    actor: Mapped[str] = mapped_column(String(40), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
