"""ORM models (SQLAlchemy 2). API schemas live elsewhere; these never leave the server."""

from .agent import Agent, RegistrationToken
from .audit import AuditEvent, PushSubscription
from .base import Base
from .catalog import AnalysisConfig, Collection, Pipeline, PipelineVersion
from .limits import RateLimitHit
from .schedule import CollectionSchedule
from .team import ApiToken, Team, User, WebSession
from .upload import Upload, UploadChunk
from .work import ANALYSED_STATES, JOB_STATES, RESULT_STATES, Job, Result

__all__ = [
    "ANALYSED_STATES",
    "JOB_STATES",
    "RESULT_STATES",
    "Agent",
    "AnalysisConfig",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Collection",
    "CollectionSchedule",
    "Job",
    "Pipeline",
    "PipelineVersion",
    "PushSubscription",
    "RateLimitHit",
    "RegistrationToken",
    "Result",
    "Team",
    "Upload",
    "UploadChunk",
    "User",
    "WebSession",
]
