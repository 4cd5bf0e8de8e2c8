"""Realistic synthetic data, written in bulk: a million cases in about a minute.

Rows are built as tuples and written with the driver's executemany (SQLite) or COPY
(PostgreSQL) inside one transaction, bypassing the ORM's per-object work.
"""

import bisect
import itertools
import json
import multiprocessing
import random
from datetime import date, datetime, timedelta
from functools import cache

from faker.providers.person.bg_BG import Provider as BulgarianNames
from sqlalchemy import func, select
from sqlalchemy.schema import AddConstraint, DropConstraint

from bureau.domain import clock, taxonomy
from bureau.domain.cases import deadlines, intake
from bureau.domain.transliteration import name_tokens, phone_key, search_key
from bureau.extensions import db
from bureau.models import (
    PROBLEM_BITS,
    Category,
    Citizen,
    CitizenToken,
    Event,
    ExpertProfile,
    Inquiry,
    Office,
    ReferenceCounter,
    Service,
    ServiceRating,
    StatRecord,
    User,
)
from bureau.models import utcnow as _utcnow

COMMON_FEMALE = [
    "Мария",
    "Иванка",
    "Елена",
    "Йорданка",
    "Пенка",
    "Даниела",
    "Росица",
    "Цветанка",
    "Виолета",
    "Снежана",
]
COMMON_MALE = [
    "Иван",
    "Георги",
    "Димитър",
    "Петър",
    "Христо",
    "Стоян",
    "Николай",
    "Васил",
    "Атанас",
    "Тодор",
]
COMMON_SURNAMES = [
    "Иванов",
    "Георгиев",
    "Димитров",
    "Петров",
    "Николов",
    "Стоянов",
    "Христов",
    "Тодоров",
    "Ангелов",
]
CATEGORY_WEIGHTS = {
    "social_assistance": 18, "pensions_disability": 14, "health": 8, "employment": 7,
    "local_taxes": 9, "property_land": 10, "construction": 4, "civil_registration": 6,
    "utilities": 7, "education": 3, "consumer": 3, "environment": 2, "transport_roads": 3,
    "admin_complaint": 2, "corruption_signal": 1, "policy_proposal": 1, "other": 2,
}  # fmt: skip
CHANNEL_WEIGHTS = {"walk_in": 55, "phone": 25, "email": 7, "online": 9, "outreach": 4}
AGE_WEIGHTS = {
    "under-18": 1, "18-24": 5, "25-34": 11, "35-44": 14, "45-54": 16, "55-64": 20,
    "65+": 25, "undisclosed": 8,
}  # fmt: skip
PHRASES = [
    "Моля за информация как да подам документи за {topic}.",
    "Гражданинът пита какви са сроковете и къде да се обърне по въпрос за {topic}.",
    "Получил е писмо относно {topic} и не разбира какво се иска от него.",
    "Нуждае се от помощ с попълване на заявление за {topic}.",
    "Оплаква се, че преписката му за {topic} се бави повече от месец.",
]
FLAGS = ("unemployed", "disability", "pensioner", "minority", "single_parent")
FLAG_SHARES = (0.12, 0.1, 0.3, 0.06, 0.04)
RECENT_STATUSES = (
    ["new", "assigned", "in_progress", "waiting", "resolved"],
    list(itertools.accumulate([25, 15, 35, 10, 15])),
)
OUTCOMES = (
    ["information_provided", "advice_given", "referred", "document_drafted", "signal_filed",
     "escalated_to_commission", "could_not_help", "citizen_withdrew"],
    list(itertools.accumulate([30, 28, 15, 12, 6, 1, 5, 3])),
)  # fmt: skip
# Of a case in a category the register serves, how often it names a service; then how
# often each problem with the service is recorded (a case may have several, or none).
SERVICE_SHARE = 0.55
PROBLEM_SHARES = {
    "term_exceeded": 0.22, "unclear_requirements": 0.2, "fee": 0.06, "staff_treatment": 0.07,
    "access": 0.08, "online_information": 0.1, "corruption": 0.01, "other": 0.04,
}  # fmt: skip
# Citizens who rate the service after a case about it, and how their answers fall.
RATING_SHARE = 0.3
SATISFACTION_WEIGHTS = {1: 8, 2: 10, 3: 20, 4: 32, 5: 30}
RESOLUTION = "Дадена е консултация и насоки за следващите стъпки."
REPLY = "Вашето запитване е разгледано. Моля, вижте указанията, които ви изпратихме."
CHUNK = 20_000  # cases per batch
REBUILD_INDEXES_AT = 50_000  # cases; a smaller load writes through the indexes


def load(office: Office, n: int, *, seed: int = 1, years: int = 3, now: datetime | None = None):
    """Add n synthetic inquiries to the office, spread over the last `years` years."""
    return load_many([(office, n)], seed=seed, years=years, now=now)[0]


def load_many(
    shares: list[tuple[Office, int]], *, seed: int = 1, years: int = 3, now: datetime | None = None
) -> list[tuple[str, str]]:
    """Each office's share of synthetic inquiries (`load`'s, with seed + its place), through
    one writer: a network of hundreds of small offices drops and builds the indexes once,
    where one load per office would write most of them through the indexes. Each office's
    sample receipt, in order."""
    now = now or _utcnow()
    # Every generator reads the office's experts and settlements before the writer's
    # connection drops the indexes (on PostgreSQL that locks the tables until it ends).
    generators = [
        (_Generator(office, random.Random(seed + index), now, years), n)
        for index, (office, n) in enumerate(shares)
    ]
    db.session.commit()
    total = sum(n for _generator, n in generators)
    with _Writer(rebuild_indexes=total >= REBUILD_INDEXES_AT) as writer:
        ids = generators[0][0].ids
        for generator, n in generators:
            generator.ids = dict(ids)  # each office's rows numbered after the last one's
            for rows in _batches(generator, generator.moments(n)):
                writer.write(rows)
            generator.save_counters(writer.connection)
            ids = generator.ids
    return [generator.sample for generator, _n in generators]


def fresh_receipt(office_code: str = "KRS") -> tuple[str, str] | None:
    """The newest demo case of the office with a new PIN, for trying the status page
    (`make run` prints one every time: a PIN is shown once and stored only hashed)."""
    office = db.session.scalar(select(Office).where(Office.code == office_code))
    if office is None:
        return None
    case = db.session.scalar(
        select(Inquiry).where(Inquiry.office_id == office.id).order_by(Inquiry.id.desc())
    )
    if case is None:
        return None
    return case.reference, intake.reset_pin(case, actor=None)


def _batches(generator: "_Generator", moments: list[int]):
    """The generator's batches, built in a forked process while this one writes.

    Building rows and writing them take about as long as each other, so on two cores
    the load runs nearly twice as fast. Without fork, the batches are built here.
    """
    chunks = [moments[start : start + CHUNK] for start in range(0, len(moments), CHUNK)]
    if "fork" not in multiprocessing.get_all_start_methods() or len(chunks) < 2:
        yield from (generator.batch(chunk) for chunk in chunks)
        return
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=2)
    producer = context.Process(target=_produce, args=(generator, chunks, queue), daemon=True)
    producer.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, tuple):  # the producer's final state
                generator.counters, generator.sample, generator.ids = item
            else:
                yield item
    finally:
        producer.join(timeout=5)
        if producer.is_alive():
            producer.terminate()


def _produce(generator: "_Generator", chunks: list[list[int]], queue) -> None:
    for chunk in chunks:
        queue.put(generator.batch(chunk))
    queue.put((generator.counters, generator.sample, generator.ids))
    queue.put(None)


class _Generator:
    def __init__(self, office: Office, rng: random.Random, now: datetime, years: int):
        self.office, self.rng, self.now = office, rng, now
        self.span = int(timedelta(days=365 * years).total_seconds())
        # Plain tuples: ORM attribute access would cost more than the rest of the work.
        self.categories = {
            c.code: (
                c.id,
                c.code,
                c.response_days,
                c.response_months,
                c.label_bg.lower(),
                [(s.id, s.code, s.label_bg.lower()) for s in c.subcategories],
            )
            for c in taxonomy.categories()
        }
        self.pin_key = intake.pin_key()
        codes = [c for c in CATEGORY_WEIGHTS if c in self.categories]
        self.category_codes, self.category_cum = (
            codes,
            _cumulative([CATEGORY_WEIGHTS[c] for c in codes]),
        )
        settlements = office.settlements or []
        self.settlements = [(s.id, s.ekatte) for s in settlements]
        self.settlement_cum = _cumulative([s.population or 100 for s in settlements])
        self.channels, self.channel_cum = _weighted(CHANNEL_WEIGHTS)
        self.ages, self.age_cum = _weighted(AGE_WEIGHTS)
        self.ids = {
            table: (db.session.scalar(select(func.max(model.id))) or 0)
            for table, model in (
                ("inquiry", Inquiry),
                ("citizen", Citizen),
                ("event", Event),
                ("stat_record", StatRecord),
                ("citizen_token", CitizenToken),
                ("service_rating", ServiceRating),
            )
        }
        self.counters = {
            row.year: row.last
            for row in db.session.scalars(
                select(ReferenceCounter).where(ReferenceCounter.office_id == office.id)
            )
        }
        self.returning: list[int] = []
        self.sample: tuple[str, str] | None = None
        self.office_id, self.code = office.id, office.code
        self.today = clock.local_now(now).date()
        self.municipal_categories = {c.code for c in taxonomy.categories() if c.requires_municipal}
        profiles = db.session.scalars(
            select(ExpertProfile).join(User).where(User.office_id == office.id, User.active)
        ).all()
        self.experts = [(p.user_id, p.affiliation) for p in profiles]
        # The timeline names the expert a case was given to, as lifecycle.assign does.
        self.expert_names = {p.user_id: p.user.name for p in profiles}
        self.municipal_experts = [e for e in self.experts if e[1] == "municipal"]
        self.coordinator_id = db.session.scalar(
            select(User.id).where(User.office_id == office.id, User.role == "coordinator")
        )
        # The office's services by the category they are asked about; a service that is
        # slow or unclear to people shows as such in every figure of the demo.
        self.services: dict[str, list[tuple[int, float]]] = {}
        for service in db.session.scalars(
            select(Service).where(Service.office_id == office.id, Service.active)
        ):
            if service.category:
                strain = 0.5 + rng.random() * (2.5 if service.kind == "technical" else 1.5)
                self.services.setdefault(service.category, []).append((service.id, strain))
        self.satisfaction, self.satisfaction_cum = _weighted(SATISFACTION_WEIGHTS)

    def _next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def moments(self, n: int) -> list[int]:
        """n arrival times (seconds before now), oldest first, in office hours on weekdays."""
        days = self.span // 86400
        rng, seconds = self.rng, []
        start_of_today = self.now.replace(hour=0, minute=0, second=0, microsecond=0)
        for _ in range(n):
            day = start_of_today - timedelta(days=int(rng.random() * days))
            if day.weekday() >= 5 and rng.random() < 0.9:
                day -= timedelta(days=day.weekday() - 4)  # most weekend visits move to Friday
            # 06:00–15:00 UTC is 08:00–17:00 in Sofia (an hour later in summer).
            moment = day + timedelta(seconds=21600 + int(rng.random() * 32400))
            seconds.append(int((self.now - moment).total_seconds()))
        return sorted((s for s in seconds if s > 0), reverse=True)

    def batch(self, ages: list[int]) -> dict[str, list[tuple]]:
        rows = {table: [] for table in COLUMNS}
        for age in ages:
            self._case(self.now - timedelta(seconds=age), rows)
        return rows

    def _case(self, received_at: datetime, rows: dict) -> None:
        rng = self.rng
        local = clock.local_now(received_at)
        year = local.year
        self.counters[year] = number = self.counters.get(year, 0) + 1
        reference = f"{self.code}-{year}-{number:05d}"
        pin = f"{int(rng.random() * 1_000_000):06d}"
        if self.sample is None:
            self.sample = (reference, pin)
        cat_id, cat_code, days, months, cat_label, subs = self.categories[
            _pick(rng, self.category_codes, self.category_cum)
        ]
        sub_id, sub_code, sub_label = _choice(rng, subs) if subs else (None, None, cat_label)
        settlement_id, ekatte = (
            _pick(rng, self.settlements, self.settlement_cum) if self.settlements else (None, None)
        )
        channel = _pick(rng, self.channels, self.channel_cum)
        female = rng.random() < 0.58
        gender = "female" if female else "male"
        if rng.random() < 0.05:
            gender = "undisclosed"
        age = _pick(rng, self.ages, self.age_cum)
        flags = [rng.random() < p for p in FLAG_SHARES]
        anonymous = rng.random() < 0.15
        citizen_id = None
        if not anonymous:
            if self.returning and rng.random() < 0.25:
                citizen_id = _choice(rng, self.returning)
            else:
                citizen_id = self._next_id("citizen")
                self.returning.append(citizen_id)
                citizen = self._citizen(
                    citizen_id, female, gender, age, flags, settlement_id, received_at
                )
                rows["citizen"].append(citizen)
                rows["citizen_token"].extend(
                    (self._next_id("citizen_token"), self.office_id, token, citizen_id)
                    for token in _tokens(citizen[2])
                )
        inquiry_id = self._next_id("inquiry")
        due = _due(local.date(), days, months)
        urgency = "urgent" if rng.random() < 0.08 else "normal"
        fate = self._fate(local.date(), due, cat_code in self.municipal_categories)
        status, expert_id, affiliation, outcome, resolved_on, resolution_days = fate
        service_id, problems = self._service(cat_code, local.date(), resolved_on, rows)
        resolved_at = datetime.combine(resolved_on, received_at.time()) if resolved_on else None
        rows["inquiry"].append(
            (
                inquiry_id,
                self.office_id,
                reference,
                intake.hash_pin(reference, pin, self.pin_key),
                received_at,
                channel,
                cat_id,
                sub_id,
                settlement_id,
                urgency,
                _choice(rng, PHRASES).format(topic=sub_label),
                status,
                due,
                citizen_id,
                expert_id,
                None,
                outcome,
                RESOLUTION if outcome else None,
                REPLY if outcome else None,
                None,
                1,
                resolved_at or received_at,
                resolved_at,
                service_id,
                problems,
            )
        )
        events = rows["event"]
        events.append(
            (self._next_id("event"), inquiry_id, "created", None, received_at, None, "{}")
        )
        if expert_id:
            data = json.dumps({"expert_id": expert_id, "expert": self.expert_names[expert_id]})
            events.append(
                (
                    self._next_id("event"),
                    inquiry_id,
                    "assigned",
                    self.coordinator_id,
                    received_at,
                    None,
                    data,
                )
            )
        if resolved_at:
            data = f'{{"from": "in_progress", "to": "resolved", "outcome": "{outcome}"}}'
            events.append(
                (
                    self._next_id("event"),
                    inquiry_id,
                    "status_changed",
                    expert_id,
                    resolved_at,
                    None,
                    data,
                )
            )
        overdue = resolved_on > due if resolved_on else status != "waiting" and due < self.today
        rows["stat_record"].append(
            (
                self._next_id("stat_record"),
                inquiry_id,
                self.office_id,
                local.date(),
                cat_code,
                sub_code,
                ekatte,
                channel,
                urgency,
                gender,
                age,
                *flags,
                status,
                due,
                affiliation,
                outcome,
                resolved_on,
                resolution_days,
                overdue,
                self.rng.getrandbits(31),  # the record's cell key (see anonymisation)
                service_id,
                problems,
            )
        )

    def _service(self, category: str, received_on: date, resolved_on, rows) -> tuple:
        """The service a case is about and its problems as bits, or (None, 0); and now
        and then the citizen's rating of that service, a few days after the case."""
        rng, services = self.rng, self.services.get(category)
        if not services or rng.random() >= SERVICE_SHARE:
            return None, 0
        service_id, strain = _choice(rng, services)
        problems = sum(
            PROBLEM_BITS[code]
            for code, share in PROBLEM_SHARES.items()
            if rng.random() < share * strain
        )
        if rng.random() < RATING_SHARE:
            rated_on = min(
                (resolved_on or received_on) + timedelta(days=int(rng.random() * 5)), self.today
            )
            unhappy = strain / 3
            satisfaction = _pick(rng, self.satisfaction, self.satisfaction_cum)
            if rng.random() < unhappy:
                satisfaction = max(1, satisfaction - 2)
            rows["service_rating"].append(
                (
                    self._next_id("service_rating"),
                    service_id,
                    self.office_id,
                    rated_on,
                    satisfaction,
                    "no" if problems & PROBLEM_BITS["term_exceeded"] else _choice(rng, ANSWERS),
                    "no" if problems & PROBLEM_BITS["unclear_requirements"] else "yes",
                    "no" if rng.random() < 0.12 * strain else "yes",
                    "yes" if rng.random() < 0.015 * strain else _choice(rng, EXTRA_PAYMENT),
                    "",
                    datetime.combine(rated_on, datetime.min.time()),
                    self.rng.getrandbits(31),
                )
            )
        return service_id, problems

    def _fate(self, received_on: date, due: date, municipal: bool) -> tuple:
        """What became of a case by now: status, expert, affiliation, outcome, resolution."""
        rng, age = self.rng, (self.today - received_on).days
        roll = rng.random()
        if age > 45:
            status = "closed" if roll < 0.75 else "resolved" if roll < 0.997 else "in_progress"
        elif age > 14:
            status = "resolved" if roll < 0.7 else "in_progress" if roll < 0.92 else "waiting"
            status = "closed" if status == "resolved" and rng.random() < 0.3 else status
        else:
            status = _pick(rng, *RECENT_STATUSES)
        if status == "new" or not self.experts:
            return "new", None, None, None, None, None
        pool = self.municipal_experts if municipal and self.municipal_experts else self.experts
        expert_id, affiliation = _choice(rng, pool)
        if status not in ("resolved", "closed"):
            return status, expert_id, affiliation, None, None, None
        days = 1 + int(rng.random() * rng.random() * 30)
        resolved_on = _resolution_day(received_on, days)
        if resolved_on > self.today:
            resolved_on, days = self.today, max(1, (self.today - received_on).days * 5 // 7)
        return status, expert_id, affiliation, _pick(rng, *OUTCOMES), resolved_on, days

    def _citizen(self, citizen_id, female, gender, age, flags, settlement_id, when) -> tuple:
        rng = self.rng
        if female:
            first = _choice(
                rng, COMMON_FEMALE if rng.random() < 0.6 else BulgarianNames.first_names_female
            )
            last = (
                _choice(rng, BulgarianNames.last_names_female)
                if rng.random() < 0.4
                else (_choice(rng, COMMON_SURNAMES) + "а")
            )
        else:
            first = _choice(
                rng, COMMON_MALE if rng.random() < 0.6 else BulgarianNames.first_names_male
            )
            last = (
                _choice(rng, BulgarianNames.last_names_male)
                if rng.random() < 0.4
                else (_choice(rng, COMMON_SURNAMES))
            )
        name = f"{first} {last}"
        phone = (
            f"08{_choice(rng, '789')}{rng.randrange(10**6, 10**7)}" if rng.random() < 0.8 else None
        )
        email = None
        if rng.random() < 0.2:
            email = f"{search_key(first)}.{search_key(last)}{citizen_id}@example.bg".replace(
                " ", ""
            )
        flag_codes = ",".join(f for f, on in zip(FLAGS, flags, strict=True) if on)
        return (
            citizen_id,
            self.office_id,
            name,
            phone,
            email,
            _name_key(name),
            phone_key(phone),
            settlement_id,
            gender,
            age,
            flag_codes,
            when,
            intake.CONSENT_NOTICE_VERSION,
            when,
        )

    def save_counters(self, connection) -> None:
        table = ReferenceCounter.__table__
        for year, last in self.counters.items():
            connection.execute(
                table.delete().where(table.c.office_id == self.office_id, table.c.year == year)
            )
            connection.execute(
                table.insert().values(office_id=self.office_id, year=year, last=last)
            )


COLUMNS = {
    "citizen": ("id", "office_id", "name", "phone", "email", "name_key", "phone_key",
                "settlement_id", "gender", "age_band", "flags", "consent_at",
                "consent_notice_version", "created_at"),
    "inquiry": ("id", "office_id", "reference", "pin_hash", "received_at", "channel",
                "category_id", "subcategory_id", "settlement_id", "urgency", "description",
                "status", "due_date", "citizen_id", "expert_id", "created_by_id", "outcome",
                "resolution_summary", "public_reply", "intake_token", "version", "updated_at",
                "resolved_at", "service_id", "service_problems"),
    "citizen_token": ("id", "office_id", "token", "citizen_id"),
    "event": ("id", "inquiry_id", "kind", "actor_id", "created_at", "body", "data"),
    "stat_record": ("id", "inquiry_id", "office_id", "received_on", "category", "subcategory",
                    "ekatte", "channel", "urgency", "gender", "age_band", *FLAGS, "status",
                    "due_on", "affiliation", "outcome", "resolved_on", "resolution_days",
                    "overdue", "cell_key", "service_id", "service_problems"),
    "service_rating": ("id", "service_id", "office_id", "rated_on", "satisfaction",
                       "within_term", "clear_requirements", "courteous", "extra_payment",
                       "comment", "created_at", "cell_key"),
}  # fmt: skip
ANSWERS = ("yes", "yes", "yes", "no", "unknown")
EXTRA_PAYMENT = ("no", "no", "no", "no", "undisclosed")


class _Writer:
    """Bulk writer on a connection of its own, committed as one transaction.

    For large loads the secondary indexes are dropped first and built once at the end:
    one sorted build is many times faster than a million random index inserts. On
    PostgreSQL the foreign keys go the same way: checked row by row they took most of
    the load's time; added back at the end, each is checked in one pass over its table
    (and a failed load rolls back to them, DDL being transactional there).
    """

    MODELS = (Citizen, CitizenToken, Inquiry, Event, StatRecord, ServiceRating)

    def __init__(self, rebuild_indexes: bool):
        self.rebuild = rebuild_indexes
        self.indexes = (
            [i for m in self.MODELS for i in m.__table__.indexes] if rebuild_indexes else []
        )
        self.foreign_keys = []

    def __enter__(self):
        self.connection = db.engine.connect()
        self.dialect = self.connection.dialect.name
        if self.dialect == "sqlite":
            # Every row refers to rows that exist; checking each reference is wasted time.
            # (SQLite takes this pragma only outside a transaction: before the first write.)
            self.connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            self.connection.exec_driver_sql("PRAGMA cache_size=-262144")
        elif self.rebuild:
            self.foreign_keys = [
                fk for m in self.MODELS for fk in m.__table__.foreign_key_constraints
            ]
        for foreign_key in self.foreign_keys:
            self.connection.execute(DropConstraint(foreign_key))
        for index in self.indexes:
            index.drop(self.connection, checkfirst=True)
        return self

    def write(self, rows: dict[str, list[tuple]]) -> None:
        raw = self.connection.connection.driver_connection
        for table, columns in COLUMNS.items():
            if not rows[table]:
                continue
            if self.dialect == "postgresql":
                with (
                    raw.cursor() as cursor,
                    cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
                ):
                    for row in rows[table]:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(columns))
                raw.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                    rows[table],
                )

    def __exit__(self, exc_type, *_):
        try:
            if exc_type is None:
                self._finish()
                self.connection.commit()
                self._vacuum()
            else:
                self.connection.rollback()
                # SQLite runs DDL outside the transaction: put back what was dropped.
                for index in self.indexes:
                    index.create(self.connection, checkfirst=True)
                self.connection.commit()
        finally:
            if self.dialect == "sqlite":
                self.connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            self.connection.close()
        return False

    def _vacuum(self) -> None:
        """PostgreSQL: mark the new rows all-visible, or every index-only scan (the experts'
        open loads on the case page) reads the table too until autovacuum comes: 38 ms
        instead of 10 at a million cases. VACUUM runs outside a transaction."""
        if self.dialect != "postgresql" or not self.rebuild:
            return
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for model in self.MODELS:
                connection.exec_driver_sql(f"VACUUM (ANALYZE) {model.__tablename__}")

    def _finish(self) -> None:
        for index in self.indexes:
            index.create(self.connection)
        for foreign_key in self.foreign_keys:
            self.connection.execute(AddConstraint(foreign_key))
        # Fresh statistics let the query planner choose the selective index (a citizen's
        # cases) over the office-wide one; without them SQLite guesses wrong.
        self.connection.exec_driver_sql("ANALYZE")
        if self.dialect == "postgresql":
            for table in COLUMNS:
                sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                sql += f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"  # noqa: S608
                self.connection.exec_driver_sql(sql)


def _resolution_day(received_on: date, working_days: int) -> date:
    return _due(received_on, working_days, None)


@cache
def _name_key(name: str) -> str | None:
    return search_key(name)


@cache
def _tokens(name: str) -> tuple[str, ...]:
    return tuple(name_tokens(name))


@cache
def _due(received_on: date, days: int, months: int | None) -> date:
    return deadlines.due_date(received_on, response_days=days, response_months=months)


def _weighted(weights: dict) -> tuple[list, list]:
    keys = list(weights)
    return keys, _cumulative([weights[k] for k in keys])


def _cumulative(weights: list) -> list:
    return list(itertools.accumulate(weights))


def _pick(rng: random.Random, items: list, cumulative: list):
    return items[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


def _choice(rng: random.Random, items: list):
    return items[int(rng.random() * len(items))]


__all__ = ["Category", "load"]
