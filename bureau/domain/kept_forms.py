"""Forms kept for their user when the session ended before they were saved.

What was typed may hold personal data, so a kept form lives only as long as a session
can (KEPT_HOURS), is shown only to the user who typed it, and is deleted once shown;
`jobs run` purges what nobody came back for.
"""

import json
from datetime import datetime, timedelta

from sqlalchemy import delete

from bureau.extensions import db
from bureau.models import KeptForm, User, utcnow

KEPT_HOURS = 12  # the longest a session lasts (SESSION_MAX_HOURS by default)
MAX_CHARACTERS = 100_000  # a case form holds a few texts of 5,000 characters at most


def keep(
    user: User,
    *,
    endpoint: str,
    view_args: dict,
    page: str,
    fields: list[list[str]],
    now: datetime | None = None,
) -> KeptForm | None:
    """Keep the posted fields for the user; None if there is nothing, or too much, to keep."""
    if not fields or len(json.dumps(fields, ensure_ascii=False)) > MAX_CHARACTERS:
        return None
    now = now or utcnow()
    kept = KeptForm(
        user_id=user.id,
        endpoint=endpoint[:100],
        view_args=view_args,
        page=page[:500],
        fields=fields,
        created_at=now,
        expires_at=now + timedelta(hours=KEPT_HOURS),
    )
    db.session.add(kept)
    db.session.flush()
    return kept


def find(kept_id, user: User, now: datetime | None = None) -> KeptForm | None:
    """The user's kept form, if still in time; another user's is deleted, never shown."""
    kept = db.session.get(KeptForm, kept_id) if isinstance(kept_id, int) else None
    if kept is None:
        return None
    if kept.user_id != user.id or kept.expires_at <= (now or utcnow()):
        db.session.delete(kept)
        return None
    return kept


def purge(now: datetime | None = None) -> None:
    """Delete kept forms nobody came back for."""
    db.session.execute(delete(KeptForm).where(KeptForm.expires_at <= (now or utcnow())))
