"""Referrals to outside institutions: the institutions an office keeps (institutions.py)
and each referral's small workflow (workflow.py), answered by the institution through a
one-time link without an account."""

from bureau.domain.referrals.workflow import (
    FINAL,
    RESULTS,
    STATES,
    STEPS,
    LinkGone,
    ack_due,
    by_link,
    link_active,
    make,
    of_case,
    overdue,
    remind_institutions,
    resend,
    revoke,
    take_step,
)

__all__ = [
    "FINAL",
    "RESULTS",
    "STATES",
    "STEPS",
    "LinkGone",
    "ack_due",
    "by_link",
    "link_active",
    "make",
    "of_case",
    "overdue",
    "remind_institutions",
    "resend",
    "revoke",
    "take_step",
]
