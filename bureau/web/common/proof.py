"""A browser that once proved an account's password or a reference's PIN.

After a right password or PIN the browser gets a signed, long-lived cookie naming what
it proved, as keyed digests (the cookie shows no e-mail or reference). Its later
attempts at that account or reference are counted on their own, as one source, and skip
the shared ceiling that strangers' guesses may have used up: a stranger can never lock
the owner out of a browser the owner used before (the "device cookie" of OWASP's
advice on lock-outs). It only spares the waiting; the password or PIN is still asked.
"""

import hashlib
import hmac
import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "bureau_proof"
MAX_AGE = 180 * 24 * 3600
KEPT = 20  # accounts and references remembered per browser, the newest


def source_for(subject: str) -> tuple[str, bool]:
    """Whom attempts at `subject` ("account:…", "reference:…") are counted for: this
    browser if it proved the subject before (then True), else the network address."""
    proof = _load()
    if proof is not None and _digest(subject) in proof["proved"]:
        return f"browser:{proof['id']}", True
    return f"address:{request.remote_addr or '?'}", False


def remember(response: Response, subject: str) -> Response:
    """Add `subject` to what this browser has proved."""
    proof = _load() or {"id": secrets.token_urlsafe(12), "proved": []}
    digest = _digest(subject)
    proved = [d for d in proof["proved"] if d != digest][-(KEPT - 1) :] + [digest]
    response.set_cookie(
        COOKIE,
        _serializer().dumps({"id": proof["id"], "proved": proved}),
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def _load() -> dict | None:
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        proof = _serializer().loads(value, max_age=MAX_AGE)
    except BadSignature:
        return None
    valid = isinstance(proof, dict) and isinstance(proof.get("proved"), list)
    return proof if valid and isinstance(proof.get("id"), str) else None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="browser-proof")


def _digest(subject: str) -> str:
    key = hashlib.sha256(b"proof:" + current_app.secret_key.encode()).digest()
    return hmac.digest(key, subject.encode("utf-8", "replace"), "sha256").hex()[:24]
