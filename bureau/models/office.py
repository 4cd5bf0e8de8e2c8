"""An office is one municipality's bureau; settlements are the places it serves."""

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bureau.extensions import db


class Office(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    municipality: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    opening_hours: Mapped[str] = mapped_column(Text, default="")
    # Give each new inquiry to the best-ranked available expert at once.
    auto_assign: Mapped[bool] = mapped_column(default=False)

    settlements: Mapped[list["Settlement"]] = relationship(
        back_populates="office", order_by="Settlement.name", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Office {self.code}>"


class Settlement(db.Model):
    """A town or village, named as people say it and coded by EKATTE."""

    __table_args__ = (UniqueConstraint("office_id", "ekatte"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    ekatte: Mapped[str] = mapped_column(String(5))
    population: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)

    office: Mapped[Office] = relationship(back_populates="settlements")

    def __repr__(self) -> str:
        return f"<Settlement {self.name} {self.ekatte}>"
