"""The taxonomy: default categories and subcategories, and their editing."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from bureau.domain import DomainError
from bureau.domain.text import one_line
from bureau.extensions import db
from bureau.models import Category, Subcategory

# code, Bulgarian, English, [(subcode, Bulgarian, English)], options
DEFAULT_TAXONOMY = [
    ("social_assistance", "Социално подпомагане и помощи", "Social assistance and benefits", [
        ("monthly_aid", "Месечни социални помощи", "Monthly social aid"),
        ("heating_aid", "Целева помощ за отопление", "Heating allowance"),
        ("child_benefits", "Семейни помощи за деца", "Child benefits"),
        ("social_services", "Социални услуги", "Social services"),
    ], {}),
    ("pensions_disability", "Пенсии и ТЕЛК", "Pensions and disability assessment (TELK)", [
        ("pension", "Пенсии", "Pensions"),
        ("telk", "Експертиза на ТЕЛК", "Disability assessment (TELK)"),
        ("personal_assistance", "Лична помощ", "Personal assistance"),
    ], {}),
    ("health", "Здравно осигуряване и здравеопазване", "Health insurance and healthcare", [
        ("insurance", "Здравни осигуровки", "Health insurance"),
        ("gp_access", "Личен лекар и достъп до лечение", "GP and access to treatment"),
    ], {}),
    ("employment", "Заетост и трудови права", "Employment and labour rights", [
        ("job_search", "Търсене на работа", "Job search"),
        ("labour_rights", "Трудови права", "Labour rights"),
        ("unemployment_benefit", "Обезщетение за безработица", "Unemployment benefit"),
    ], {}),
    ("local_taxes", "Местни данъци и такси", "Local taxes and fees", [
        ("property_tax", "Данък сгради", "Property tax"),
        ("waste_fee", "Такса битови отпадъци", "Waste collection fee"),
        ("vehicle_tax", "Данък превозни средства", "Vehicle tax"),
    ], {}),
    ("property_land", "Собственост, земя, наследство", "Property, land, inheritance", [
        ("land_restitution", "Земеделски земи", "Agricultural land"),
        ("inheritance", "Наследство", "Inheritance"),
        ("cadastre", "Кадастър и имотни граници", "Cadastre and boundaries"),
    ], {}),
    ("construction", "Строителство и технически услуги", "Construction and technical services", [
        ("permits", "Разрешения за строеж", "Building permits"),
        ("illegal_construction", "Незаконно строителство", "Illegal construction"),
    ], {}),
    ("civil_registration", "Гражданска регистрация и документи",
     "Civil registration and documents", [
        ("address_registration", "Адресна регистрация", "Address registration"),
        ("certificates", "Удостоверения", "Certificates"),
        ("identity_documents", "Лични документи", "Identity documents"),
    ], {}),
    ("utilities", "Вода, ток, отпадъци", "Water, electricity, waste", [
        ("water", "Водоснабдяване", "Water supply"),
        ("electricity", "Електрозахранване", "Electricity"),
        ("waste_collection", "Сметосъбиране", "Waste collection"),
    ], {}),
    ("education", "Образование и грижа за деца", "Education and childcare", [
        ("kindergarten", "Детска градина", "Kindergarten"),
        ("school", "Училище и транспорт на ученици", "School and school transport"),
    ], {}),
    ("consumer", "Защита на потребителите", "Consumer protection", [
        ("contracts", "Договори и услуги", "Contracts and services"),
        ("debts", "Задължения и колектори", "Debts and collectors"),
    ], {}),
    ("environment", "Околна среда", "Environment", [
        ("pollution", "Замърсяване", "Pollution"),
        ("forests", "Гори и пожари", "Forests and fires"),
    ], {}),
    ("transport_roads", "Пътища и обществен транспорт", "Roads and public transport", [
        ("roads", "Пътища и улици", "Roads and streets"),
        ("bus_lines", "Автобусни линии", "Bus lines"),
    ], {}),
    ("admin_complaint", "Оплакване от администрацията", "Complaint about the administration", [
        ("delay", "Забавяне на преписка", "Delayed file"),
        ("conduct", "Отношение на служител", "Conduct of an official"),
    ], {"requires_municipal": True}),
    ("corruption_signal", "Сигнал за корупция или конфликт на интереси",
     "Corruption or conflict-of-interest signal", [
        ("corruption", "Корупция", "Corruption"),
        ("conflict_of_interest", "Конфликт на интереси", "Conflict of interest"),
    ], {"response_months": 2, "requires_municipal": True}),
    ("policy_proposal", "Предложение за общинска политика", "Proposal for municipal policy", [
        ("proposal", "Предложение", "Proposal"),
    ], {"response_months": 2, "requires_municipal": True}),
    ("other", "Друго", "Other", [
        ("other", "Друго", "Other"),
    ], {}),
]  # fmt: skip


def seed_default_taxonomy() -> None:
    """Create the default categories that do not exist yet (by code)."""
    existing = set(db.session.scalars(select(Category.code)))
    for position, (code, label_bg, label_en, subs, options) in enumerate(DEFAULT_TAXONOMY):
        if code in existing:
            continue
        category = Category(
            code=code, label_bg=label_bg, label_en=label_en, position=position, **options
        )
        for sub_position, (sub_code, sub_bg, sub_en) in enumerate(subs):
            category.subcategories.append(
                Subcategory(code=sub_code, label_bg=sub_bg, label_en=sub_en, position=sub_position)
            )
        db.session.add(category)
    db.session.flush()


def categories(*, active_only: bool = True, subcategories: bool = True) -> list[Category]:
    """The categories in display order, with their subcategories loaded unless a list of
    names is all that is wanted (the case list's filter: one query less on every page)."""
    query = select(Category).order_by(Category.position, Category.id)
    if subcategories:
        query = query.options(selectinload(Category.subcategories))
    if active_only:
        query = query.where(Category.active)
    return list(db.session.scalars(query))


# Built once: every intake looks its category up.
_BY_CODE = select(Category).where(Category.code == bindparam("code"))


def get_category(code: str) -> Category | None:
    return db.session.scalar(_BY_CODE, {"code": code})


def update_category(category: Category, **fields) -> None:
    """The administrator edits labels, response time and rules of a category."""
    if fields.get("response_days") is not None and not 1 <= fields["response_days"] <= 365:
        raise DomainError(_l("Срокът трябва да е между 1 и 365 работни дни."), "response_days")
    for key in ("label_bg", "label_en"):  # a label is one line, wherever it is shown
        if isinstance(fields.get(key), str):
            fields[key] = one_line(fields[key])
    for key, value in fields.items():
        setattr(category, key, value)


def add_subcategory(category: Category, *, code: str, label_bg: str, label_en: str) -> Subcategory:
    """A new subcategory under the category; its code is stable once created."""
    code = code.strip().lower()
    if not code.replace("_", "").isalnum() or not code.isascii():
        raise DomainError(_l("Кодът може да съдържа само латински букви, цифри и _."), "code")
    if any(sub.code == code for sub in category.subcategories):
        raise DomainError(_l("Вече има подкатегория с този код."), "code")
    sub = Subcategory(
        code=code,
        label_bg=one_line(label_bg),
        label_en=one_line(label_en) or one_line(label_bg),
        position=len(category.subcategories),
    )
    category.subcategories.append(sub)
    db.session.flush()
    return sub
