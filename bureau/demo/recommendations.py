"""The demo's loop from cases to change: evidence flagged from cases and approved, a
recommendation citing it that the council accepted a year ago with an action plan (so the
impact section has whole windows before and after), and a draft."""

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from bureau.domain import accounts, clock, recommendations
from bureau.domain.recommendations import Draft, evidence, plans
from bureau.extensions import db
from bureau.models import Category, Inquiry, Office, Recommendation

VIGNETTES = [
    ("local_taxes", "term_exceeded",
     "Възрастна жителка на село от общината чака над два месеца удостоверение за данъчна "
     "оценка, нужно за наследство; законовият срок е 7 дни. Гишето работи само сутрин и "
     "не приема заявления по пощата."),
    ("local_taxes", "unclear_requirements",
     "Гражданин е ходил три пъти до гишето за местни данъци, защото всеки път му искат "
     "различен документ за собственост; списъкът на сайта на общината е от 2019 г."),
    ("social_assistance", "coordination",
     "Самотна майка с две деца е препращана между общината и дирекция „Социално "
     "подпомагане“ за еднократна помощ за отопление; никоя от двете не поема заявлението."),
    ("construction", "online_information",
     "Собственик на имот не намира онлайн образец на заявление за скица; служителите "
     "съветват да дойде лично в Кресна, а автобусът от селото е веднъж дневно."),
]  # fmt: skip


def load(office: Office) -> None:
    """Where the office has no recommendation yet."""
    if db.session.scalar(select(Recommendation.id).where(Recommendation.office_id == office.id)):
        return
    expert = accounts.get_user_by_email("expert@kresna.test")
    coordinator = accounts.get_user_by_email("coordinator@kresna.test")
    member = accounts.get_user_by_email("commission@kresna.test")
    if not (expert and coordinator and member):
        return
    today = clock.sofia_today()
    items = []
    for index, (category, problem, text) in enumerate(VIGNETTES):
        case = _a_case(office, category)
        if case is None:
            continue
        draft = evidence.EvidenceDraft(problem=problem, category=category, vignette=text)
        item = evidence.flag(case, draft, actor=expert)
        if index < 3:  # the last one waits for the coordinator
            evidence.approve(item, version=item.version, actor=coordinator, checked=True)
            items.append(item)
    submitted, accepted = today - relativedelta(months=14), today - relativedelta(months=12)
    recommendation = recommendations.create(
        office,
        Draft(
            title="Гише „Местни данъци“ и следобед, и списък на документите онлайн",
            text="Комисията препоръчва гишето за местни данъци и такси да работи и следобед "
            "поне два дни в седмицата, а списъкът на нужните документи да се обнови и "
            "публикува на сайта на общината.",
            addressee="Кмет на общината",
            categories=["local_taxes"],
            evidence_from=date(submitted.year - 1, submitted.month, 1),
            evidence_to=date(submitted.year, submitted.month, 1),
            evidence=[i.id for i in items if i.category == "local_taxes"],
        ),
        actor=member,
    )
    for status, day, text in (
        ("submitted", submitted, ""),
        ("accepted", accepted, "Кметът приема препоръката; заповед за работното време."),
    ):
        recommendations.respond(
            recommendation, status=status, on=day, text=text,
            version=recommendation.version, actor=member, today=today,
        )  # fmt: skip
    online = plans.add_action(
        recommendation,
        plans.ActionDraft(
            "Обновен списък на документите на сайта", "Дирекция „Местни данъци и такси“",
            accepted + relativedelta(months=1),
        ),
        actor=member,
    )  # fmt: skip
    plans.move(online, status="done", on=accepted + relativedelta(days=20), version=online.version,
               today=today)  # fmt: skip
    plans.add_action(
        recommendation,
        plans.ActionDraft(
            "Гишето работи и следобед във вторник и четвъртък", "Секретар на общината",
            accepted + relativedelta(months=3),
        ),
        actor=member,
    )  # fmt: skip
    plans.record_review(
        recommendation, text="Списъкът е публикуван; следобедното работно време още не.",
        on=accepted + relativedelta(months=6), actor=member, today=today,
    )  # fmt: skip
    recommendations.create(
        office,
        Draft(
            title="Една входна точка за помощите за отопление",
            text="Общината и дирекция „Социално подпомагане“ да приемат заявленията на едно "
            "място и да си ги препращат сами.",
            addressee="Общински съвет",
            categories=["social_assistance"],
            evidence_from=date(today.year, 1, 1),
            evidence_to=date(today.year, today.month, 1),
            evidence=[i.id for i in items if i.category == "social_assistance"],
        ),
        actor=member,
    )


def _a_case(office: Office, category: str) -> Inquiry | None:
    query = (
        select(Inquiry)
        .join(Category, Inquiry.category_id == Category.id)
        .where(Inquiry.office_id == office.id, Category.code == category)
        .limit(1)
    )
    return db.session.scalar(query)
