"""What must survive a redirect without riding in the session cookie: a PIN on its way to
the receipt, and a form typed while the session ran out."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bureau.extensions import db
from bureau.models.base import utcnow


class Receipt(db.Model):
    """A new PIN waiting to be shown once, on the desk's receipt or the online confirmation.

    The browser holds the token (in the receipt's address); the table holds only its hash,
    and the PIN sealed with the server's key. The row is deleted when the PIN is shown and
    is worthless after `expires_at` (bureau/domain/cases/receipts.py).
    """

    __tablename__ = "receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"), index=True)
    # The desk user who may open it; None for the citizen's own online inquiry.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sealed_pin: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class KeptForm(db.Model):
    """A form posted after its user's session had ended: kept, so that after logging in
    again the user finds the same page with what was typed (bureau/web/common/kept_forms.py)."""

    __tablename__ = "kept_form"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(100))  # the view the form was posted to
    view_args: Mapped[dict] = mapped_column(JSON)
    page: Mapped[str] = mapped_column(String(500))  # where the form was: shown again there
    fields: Mapped[list] = mapped_column(JSON)  # [[name, value], ...] as posted
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
