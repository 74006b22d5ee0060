"""Chunked uploads of large results: the session an agent opens, and the chunks it sends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, GuidMixin, TeamScoped, Timestamp

__all__ = ["Upload", "UploadChunk"]


class Upload(GuidMixin, TeamScoped, Base):
    """One result on its way in, for a claimed job or the jobs of a claimed audit (fenced by
    the claim's token hash) or made offline (a collection and the agent's idempotency key).
    Finished uploads stay until they expire, so a replayed finish is recognised."""

    __tablename__ = "uploads"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    audit_guid: Mapped[str | None] = mapped_column(String(30))
    claim_token_hash: Mapped[str | None] = mapped_column(String(64))
    collection_id: Mapped[int | None] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE")
    )
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    total_size: Mapped[int] = mapped_column(BigInteger)
    chunk_count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(Timestamp, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)
    result_id: Mapped[int | None] = mapped_column(ForeignKey("results.id", ondelete="SET NULL"))


class UploadChunk(Base):
    """One piece of an upload, checked against its SHA-256 when it arrived."""

    __tablename__ = "upload_chunks"
    __table_args__ = (UniqueConstraint("upload_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
