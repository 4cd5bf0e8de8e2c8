"""The models, one module per aggregate; importing this package registers them all."""

from bureau.models.answer import ANSWER_FIELDS, Answer, AnswerLocal, AnswerStatus, AnswerVersion
from bureau.models.attachment import Attachment
from bureau.models.audit import AuditEntry
from bureau.models.base import utcnow
from bureau.models.citizen import NOTICE_CHANNELS, Citizen, CitizenToken
from bureau.models.codes import (
    OPEN_STATUSES,
    AgeBand,
    Channel,
    EventKind,
    Flag,
    Gender,
    Outcome,
    Status,
    Urgency,
)
from bureau.models.digest import DigestRun
from bureau.models.experts import Affiliation, ExpertProfile
from bureau.models.feedback import Feedback, FeedbackLink
from bureau.models.inquiry import Event, Inquiry, ReferenceCounter
from bureau.models.office import Office, Settlement
from bureau.models.outbox import OutboxMessage, SmsCapWarning
from bureau.models.privacy import AnonymisedCase, ErasureRequest, RetentionRun
from bureau.models.receipt import KeptForm, Receipt
from bureau.models.recommendation import (
    Action,
    ActionNote,
    ActionStatus,
    CommentState,
    EvidenceItem,
    EvidenceProblem,
    EvidenceState,
    PlanReview,
    Recommendation,
    RecommendationComment,
    RecommendationResponse,
    RecommendationStatus,
    SavedView,
)
from bureau.models.referral import INSTITUTION_KINDS, Institution, Referral, ReferralRecord
from bureau.models.security import RecoveryCode, TotpCredential
from bureau.models.service import (
    PROBLEM_BITS,
    Service,
    ServiceKind,
    ServiceProblem,
    ServiceRating,
    problem_codes,
    problem_mask,
)
from bureau.models.stat_summary import StatCube, StatVersion
from bureau.models.stats import StatRecord
from bureau.models.taxonomy import Category, Subcategory
from bureau.models.throttle import RateLimitCounter, ThrottleBucket
from bureau.models.user import ApiToken, Role, User

__all__ = [
    "Action",
    "ActionNote",
    "ActionStatus",
    "CommentState",
    "EvidenceItem",
    "EvidenceProblem",
    "EvidenceState",
    "PlanReview",
    "RecommendationComment",
    "SavedView",
    "ANSWER_FIELDS",
    "Answer",
    "AnswerLocal",
    "AnswerStatus",
    "AnswerVersion",
    "AnonymisedCase",
    "AuditEntry",
    "DigestRun",
    "NOTICE_CHANNELS",
    "SmsCapWarning",
    "ErasureRequest",
    "KeptForm",
    "Receipt",
    "RateLimitCounter",
    "RecoveryCode",
    "RetentionRun",
    "Service",
    "ServiceKind",
    "ServiceProblem",
    "PROBLEM_BITS",
    "problem_codes",
    "problem_mask",
    "ServiceRating",
    "TotpCredential",
    "OPEN_STATUSES",
    "Outcome",
    "Affiliation",
    "Attachment",
    "ExpertProfile",
    "Institution",
    "OutboxMessage",
    "Recommendation",
    "RecommendationResponse",
    "RecommendationStatus",
    "Referral",
    "ReferralRecord",
    "INSTITUTION_KINDS",
    "StatCube",
    "StatVersion",
    "Urgency",
    "AgeBand",
    "ApiToken",
    "Category",
    "Channel",
    "Citizen",
    "CitizenToken",
    "Event",
    "Feedback",
    "FeedbackLink",
    "EventKind",
    "Flag",
    "Gender",
    "Inquiry",
    "Office",
    "ReferenceCounter",
    "Role",
    "Settlement",
    "StatRecord",
    "Status",
    "Subcategory",
    "ThrottleBucket",
    "User",
    "utcnow",
]
