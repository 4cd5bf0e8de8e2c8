"""The taxonomy of problems: categories with stable codes and their subcategories."""

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bureau.extensions import db


class Category(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label_bg: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    # Response time: working days, or calendar months where a law sets months.
    response_days: Mapped[int] = mapped_column(default=14)
    response_months: Mapped[int | None]
    requires_municipal: Mapped[bool] = mapped_column(default=False)
    pause_when_waiting: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    subcategories: Mapped[list["Subcategory"]] = relationship(
        back_populates="category", order_by="Subcategory.position, Subcategory.id"
    )

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_bg

    def __repr__(self) -> str:
        return f"<Category {self.code}>"


class Subcategory(db.Model):
    __table_args__ = (UniqueConstraint("category_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    label_bg: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    category: Mapped[Category] = relationship(back_populates="subcategories")

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_bg
