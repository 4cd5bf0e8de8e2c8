"""One-time receipts: a new PIN goes from the save to the receipt page on the server.

The PIN used to ride in the client-side session cookie between the POST and the receipt
page, and any response that rewrote the cookie in between dropped it: a returning-citizen
suggestion still in flight when Enter was pressed answers with the cookie it was sent
with, the one from before the save. Now the redirect carries a random token; the server
keeps its hash and the PIN sealed with a key derived from the secret key, shows the PIN
once and deletes the row. The same form sent again before the receipt was shown (a lost
response, a double click) gets a fresh token for the same row, so no response lost or
overwritten can lose the PIN. A row lives RECEIPT_MINUTES at most; `jobs run` purges.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bureau.domain import settings
from bureau.extensions import db
from bureau.models import Inquiry, Receipt, User, utcnow

RECEIPT_MINUTES = 15
TOKEN_LENGTH = 64  # the longest token looked up (ours have 32 characters)
_NONCE_BYTES = 16


def issue(inquiry: Inquiry, pin: str, *, user: User | None, now: datetime | None = None) -> str:
    """Keep the PIN for one showing; return the token the receipt's address carries.

    `user` is the desk user who alone may open it; None for a citizen's own inquiry."""
    token = secrets.token_urlsafe(24)
    now = now or utcnow()
    db.session.add(
        Receipt(
            token_hash=_hash(token),
            inquiry_id=inquiry.id,
            user_id=user.id if user else None,
            sealed_pin=_seal(pin),
            created_at=now,
            expires_at=now + timedelta(minutes=RECEIPT_MINUTES),
        )
    )
    db.session.flush()
    return token


def reissue(inquiry: Inquiry, *, user: User | None, now: datetime | None = None) -> str | None:
    """A fresh token for the inquiry's PIN if it has not been shown yet, else None."""
    receipt = db.session.scalar(
        select(Receipt)
        .where(
            Receipt.inquiry_id == inquiry.id,
            Receipt.user_id == (user.id if user else None),
            Receipt.expires_at > (now or utcnow()),
        )
        .order_by(Receipt.id.desc())
        .limit(1)
    )
    if receipt is None:
        return None
    token = secrets.token_urlsafe(24)
    receipt.token_hash = _hash(token)
    db.session.flush()
    return token


def take(
    token: str | None,
    *,
    user: User | None,
    inquiry: Inquiry | None = None,
    now: datetime | None = None,
) -> tuple[int, str] | None:
    """(inquiry id, PIN) once: the row is claimed and deleted in one statement, so two
    requests with the same token never both see the PIN. None if unknown, spent, expired,
    for another user or another inquiry."""
    if not token or len(token) > TOKEN_LENGTH:
        return None
    conditions = [
        Receipt.token_hash == _hash(token),
        Receipt.user_id.is_(None) if user is None else Receipt.user_id == user.id,
    ]
    if inquiry is not None:
        conditions.append(Receipt.inquiry_id == inquiry.id)
    claimed = db.session.execute(
        delete(Receipt)
        .where(*conditions)
        .returning(Receipt.inquiry_id, Receipt.sealed_pin, Receipt.expires_at)
    ).first()
    if claimed is None or claimed.expires_at <= (now or utcnow()):
        return None
    pin = _unseal(claimed.sealed_pin)
    return (claimed.inquiry_id, pin) if pin else None


def forget(inquiry: Inquiry) -> None:
    """Drop the inquiry's PINs not yet shown (a new PIN replaces them)."""
    db.session.execute(delete(Receipt).where(Receipt.inquiry_id == inquiry.id))


def purge(now: datetime | None = None) -> None:
    """Delete receipts whose time ran out."""
    db.session.execute(delete(Receipt).where(Receipt.expires_at <= (now or utcnow())))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _key() -> bytes:
    return hashlib.sha256(b"receipt:" + settings.current().secret_key.encode()).digest()


def _xor(data: bytes, nonce: bytes) -> bytes:
    stream = hmac.digest(_key(), nonce, "sha256")[: len(data)]
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def _seal(pin: str) -> str:
    """The PIN XOR a keystream from HMAC(key, random nonce): a database copy alone reveals
    nothing (with the secret key, the stored PIN hash gives it away anyway)."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return (nonce + _xor(pin.encode(), nonce)).hex()


def _unseal(sealed: str) -> str | None:
    raw = bytes.fromhex(sealed)
    nonce, data = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    pin = _xor(data, nonce).decode("latin-1")
    return pin if pin.isdigit() else None  # a changed secret key: no PIN, never garbage
