"""A citizen who came to the bureau: optional identity, coded demographics, consent."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bureau.extensions import db
from bureau.models.base import utcnow
from bureau.models.office import Office, Settlement

NOTICE_CHANNELS = ("email", "sms", "none")


class Citizen(db.Model):
    # With the id: a search that gathers the citizens of a phone's first digits (PostgreSQL
    # may, for a common prefix) reads the index alone.
    __table_args__ = (Index("ix_citizen_office_phone_key", "office_id", "phone_key", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    # Search keys: the name in official Latin transliteration, lower case; phone digits.
    name_key: Mapped[str | None] = mapped_column(String(200))
    phone_key: Mapped[str | None] = mapped_column(String(20))
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlement.id"))
    gender: Mapped[str | None] = mapped_column(String(20))
    age_band: Mapped[str | None] = mapped_column(String(20))
    flags: Mapped[str] = mapped_column(String(200), default="")
    consent_at: Mapped[datetime | None]
    # How the citizen wants notices: email, sms or none (NOTICE_CHANNELS), chosen at
    # intake; None (citizens from before the choice): e-mail if there is an address.
    notify_by: Mapped[str | None] = mapped_column(String(10))
    sms_consent_at: Mapped[datetime | None]
    consent_notice_version: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    office: Mapped[Office] = relationship()
    settlement: Mapped[Settlement | None] = relationship()
    tokens: Mapped[list["CitizenToken"]] = relationship(cascade="all, delete-orphan")

    @property
    def flag_list(self) -> list[str]:
        return [flag for flag in self.flags.split(",") if flag]


class CitizenToken(db.Model):
    """One word of a citizen's name, transliterated: the index behind name search.

    A name search is a prefix range over (office, token), fast at a million citizens
    on SQLite and PostgreSQL alike, where a LIKE '%...%' would read every row.
    """

    __table_args__ = (
        Index("ix_citizen_token_lookup", "office_id", "token", "citizen_id"),
        # Does this case's citizen have a word starting so? (a common name searched among
        # filtered cases, case by case): answered from the index alone.
        Index("ix_citizen_token_citizen_id", "citizen_id", "token", "office_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    token: Mapped[str] = mapped_column(String(60))
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"))
