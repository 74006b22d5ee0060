"""ORM models (SQLAlchemy 2). API schemas live elsewhere; these never leave the server."""

from .agent import Agent, RegistrationToken
from .audit import AuditEvent, PushSubscription
from .base import Base
from .catalog import AnalysisConfig, Collection, Pipeline, PipelineVersion
from .instance import InstanceValue
from .limits import RateLimitHit
from .push import PushDelivery, PushPreference
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
    "InstanceValue",
    "Job",
    "Pipeline",
    "PipelineVersion",
    "PushDelivery",
    "PushPreference",
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
