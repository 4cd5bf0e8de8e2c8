"""Stable codes of DESIGN.md, used by the API, exports and statistics."""

import enum


class Channel(enum.StrEnum):
    WALK_IN = "walk_in"
    PHONE = "phone"
    EMAIL = "email"
    ONLINE = "online"
    OUTREACH = "outreach"


class Urgency(enum.StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class Status(enum.StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


class AgeBand(enum.StrEnum):
    UNDER_18 = "under-18"
    A18_24 = "18-24"
    A25_34 = "25-34"
    A35_44 = "35-44"
    A45_54 = "45-54"
    A55_64 = "55-64"
    A65_PLUS = "65+"
    UNDISCLOSED = "undisclosed"


class Flag(enum.StrEnum):
    """Vulnerable-group markers, as in the ESF+ participant indicators."""

    UNEMPLOYED = "unemployed"
    DISABILITY = "disability"
    PENSIONER = "pensioner"
    MINORITY = "minority"
    SINGLE_PARENT = "single_parent"


class EventKind(enum.StrEnum):
    CREATED = "created"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    STATUS_CHANGED = "status_changed"
    NOTE = "note"
    CONTACT = "contact"
    REFERRAL = "referral"
    REFERRAL_STEP = "referral_step"  # the institution answered, or the term ran out
    ATTACHMENT = "attachment"
    REPLY = "reply"
    PIN_RESET = "pin_reset"


class Outcome(enum.StrEnum):
    INFORMATION_PROVIDED = "information_provided"
    ADVICE_GIVEN = "advice_given"
    REFERRED = "referred"
    DOCUMENT_DRAFTED = "document_drafted"
    SIGNAL_FILED = "signal_filed"
    ESCALATED = "escalated_to_commission"
    COULD_NOT_HELP = "could_not_help"
    WITHDREW = "citizen_withdrew"


OPEN_STATUSES = ("new", "assigned", "in_progress", "waiting")
