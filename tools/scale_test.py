"""`make scale-test`: Bureau on two app servers, one PostgreSQL and one Redis — proof that
the app servers keep no state of their own — and statistics read from a streaming replica.

In a temporary directory, on free loopback ports (never the machine's own PostgreSQL or
Redis): a PostgreSQL primary (initdb) with the demo data, a streaming replica of it
(pg_basebackup -R), a Redis, a loopback SMTP server and two gunicorn app servers with the
same secret key: A on the primary alone, B with BUREAU_READ_DATABASE_URL set to the
replica. Then, each with its verdict:

  (a) a login through A's form is a session on B, and a logout on B ends it on A;
  (b) failed logins alternating A and B hit the login limit at its one total (Redis);
  (c) `flask jobs run` started for A and for B at the same moment sends each message once;
  (d) 2 x 50 concurrent API intakes through A and B get unique, gapless references;
  (e) B's statistics, open data and commission export come from the replica and equal
      A's from the primary; with the replica stopped they fail (503) while B still logs
      an intake, and they come back when it is up again.

Everything it started is stopped and the directory removed, after a failure or Ctrl-C
too. Exit status 0 only if every check passed. Not part of `make test`.
"""

import atexit
import json
import os
import re
import secrets
import signal
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import redis
from scale_stack import (
    BIN,
    AppServer,
    Postgres,
    Stack,
    flask,
    python,
    redis_server,
    smtp_server,
)

DESK = ("desk@kresna.test", "desk-demo-2026", "Иван Приемна")
COMMISSION = ("commission@kresna.test", "commission-demo-2026")
CASES = 2000  # demo cases: statistics with something in them
INTAKES = 50  # per app server, in (d)
RECEIPTS = 50  # e-mails queued for (c)
LOGIN_LIMIT = 20  # LOGIN_LIMIT_PER_IP in bureau/config.py: "20 per minute"


class Failed(Exception):
    pass


def expect(condition, message: str) -> None:
    if not condition:
        raise Failed(message)


@dataclass
class World:
    stack: Stack
    primary: Postgres = None
    replica: Postgres = None
    redis_url: str = ""
    smtp: object = None
    env_a: dict = field(default_factory=dict)
    env_b: dict = field(default_factory=dict)
    a: AppServer = None
    b: AppServer = None
    commission: httpx.Cookies = None  # the commission member's session, from A
    token: str = ""
    receipts: list = field(default_factory=list)  # (reference, PIN) from (d)
    year: int = 0


def set_up(world: World) -> None:
    stack = world.stack

    def clusters():
        world.primary = Postgres.primary(stack)
        world.replica = Postgres.replica_of(world.primary)

    step("PostgreSQL primary (initdb) and its streaming replica (pg_basebackup -R)", clusters)
    world.redis_url = redis_server(stack)
    world.smtp = smtp_server(stack)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUREAU_")}
    env.update({
        "BUREAU_DATABASE_URL": world.primary.url,
        "BUREAU_SECRET_KEY": secrets.token_hex(32),  # the same on every app server
        "BUREAU_REDIS_URL": world.redis_url,
        "BUREAU_MAIL_SERVER": "127.0.0.1",
        "BUREAU_MAIL_PORT": str(world.smtp.port),
        "BUREAU_MAIL_SENDER": "bureau@kresna.test",
        "BUREAU_UPLOAD_FOLDER": str(stack.dir / "uploads"),  # shared, as the README says
        "BUREAU_PUBLIC_URL": "http://127.0.0.1",
    })  # fmt: skip
    world.env_a = env
    world.env_b = {**env, "BUREAU_READ_DATABASE_URL": world.replica.url}
    step("flask db upgrade", lambda: flask(env, "db", "upgrade"))
    load = ("demo", "load", "--cases", str(CASES))
    step(f"flask {' '.join(load)}", lambda: flask(env, *load))

    def serve():
        world.a = AppServer(stack, "A", world.env_a)
        world.b = AppServer(stack, "B", world.env_b)
        world.a.wait_ready()
        world.b.wait_ready()

    step("gunicorn A (primary) and B (primary + replica reads), as gunicorn.conf.py", serve)
    world.year = datetime.now(ZoneInfo("Europe/Sofia")).year
    # Before (b) fills the login limit for a minute.
    world.commission = httpx.Cookies(login(world.a, COMMISSION).cookies)


def step(label: str, action) -> None:
    started = time.monotonic()
    action()
    print(f"  set-up  {label} ({time.monotonic() - started:.1f} s)", flush=True)


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def login(server: AppServer, account) -> httpx.Client:
    client = server.client()
    token = csrf(client.get("/login").text)
    answer = client.post(
        "/login", data={"csrf_token": token, "email": account[0], "password": account[1]}
    )
    expect(answer.status_code == 303, f"login on {server.name} answered {answer.status_code}")
    return client


# (a) --------------------------------------------------------------------------------------


def sessions_are_shared(w: World) -> str:
    cookies = httpx.Cookies(login(w.a, DESK).cookies)  # a copy: B's answers change no copy
    with w.b.client(cookies=cookies) as on_b:
        page = on_b.get("/cases/")
        expect(page.status_code == 200, f"B answered {page.status_code} to A's session")
        expect(DESK[2] in page.text, "B's page does not name the desk volunteer")
        out = on_b.post("/logout", data={"csrf_token": csrf(page.text)})
        expect(out.status_code == 303, f"logout on B answered {out.status_code}")
    with w.a.client(cookies=cookies) as on_a:
        again = on_a.get("/cases/")
    expect(
        again.status_code in (302, 303) and "/login" in again.headers.get("location", ""),
        f"A still accepts the session ended on B ({again.status_code})",
    )
    return (
        "a login through A's form opens /cases on B; after a logout on B the same cookie "
        "is sent to /login by A"
    )


# (b) --------------------------------------------------------------------------------------


def rate_limits_are_shared(w: World) -> str:
    clients = [w.a.client(), w.b.client()]
    tokens = [csrf(client.get("/login").text) for client in clients]
    codes = []
    for n in range(LOGIN_LIMIT + 2):
        side = n % 2
        answer = clients[side].post("/login", data={
            "csrf_token": tokens[side], "email": f"nobody-{n}@example.test", "password": "wrong",
        })  # fmt: skip
        codes.append(answer.status_code)
    for client in clients:
        client.close()
    expect(codes[:LOGIN_LIMIT] == [200] * LOGIN_LIMIT, f"answers before the limit: {codes}")
    expect(codes[LOGIN_LIMIT:] == [429, 429], f"answers past the limit: {codes}")
    keys = list(redis.Redis.from_url(w.redis_url).scan_iter(match="*LIMITER*"))
    in_database = w.primary.query("SELECT count(*) FROM rate_limit_counter")[0][0]
    expect(keys and in_database == 0, f"Redis keys {keys}, database counters {in_database}")
    return (
        f"{LOGIN_LIMIT} failed logins alternating A and B answered 200, the next on A and "
        f"on B 429: one count of {LOGIN_LIMIT} a minute, in Redis ({keys[0].decode()}), none "
        f"in the database; counts per server would have let {2 * LOGIN_LIMIT} through"
    )


# (d) --------------------------------------------------------------------------------------

CATEGORIES = ("local_taxes", "social_assistance", "health", "property_land", "utilities")


def references_of_year(w: World) -> list[int]:
    rows = w.primary.query(
        "SELECT reference FROM inquiry WHERE reference LIKE %s", f"KRS-{w.year}-%"
    )
    return sorted(int(reference.rsplit("-", 1)[1]) for (reference,) in rows)


def intakes_get_gapless_references(w: World) -> str:
    w.token = flask(w.env_a, "users", "token", DESK[0]).strip()
    before = references_of_year(w)
    headers = {"Authorization": f"Bearer {w.token}"}

    def intake(n: int):
        server = (w.a, w.b)[n % 2]
        body = {"channel": "phone", "category": CATEGORIES[n % len(CATEGORIES)],
                "description": f"Запитване {n} от теста за мащаб.", "consent": True,
                "anonymous": True}  # fmt: skip
        answer = httpx.post(f"{server.base}/api/v1/inquiries", json=body, headers=headers,
                            timeout=60)  # fmt: skip
        return answer.status_code, answer.json()

    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(intake, range(2 * INTAKES)))
    seconds = time.monotonic() - started
    codes = Counter(code for code, _body in answers)
    expect(codes == {201: 2 * INTAKES}, f"answers: {dict(codes)}")
    references = [body["reference"] for _code, body in answers]
    expect(len(set(references)) == len(references), "a reference was given twice")
    expect(all(r.startswith(f"KRS-{w.year}-") for r in references), f"year: {references[:3]}")
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in references)
    first = (before[-1] if before else 0) + 1
    expect(numbers == list(range(first, first + 2 * INTAKES)), f"numbers {numbers}")
    everything = references_of_year(w)
    expect(everything == list(range(1, len(everything) + 1)), "the year's references have gaps")
    w.receipts = [(body["reference"], body["pin"]) for _code, body in answers]
    return (
        f"{2 * INTAKES} intakes, 16 at a time through A and B, in {seconds:.1f} s: "
        f"KRS-{w.year}-{first:05d} to -{first + 2 * INTAKES - 1:05d}, unique; the year's "
        f"{len(everything)} references run from 00001 without a gap"
    )


# (c) --------------------------------------------------------------------------------------

QUEUE_RECEIPTS = """
import json, sys
from sqlalchemy import select
from bureau.domain import notifications
from bureau.extensions import db
from bureau.models import Inquiry
from wsgi import app

with app.app_context():
    for n, (reference, pin) in enumerate(json.load(sys.stdin)):
        case = db.session.scalar(select(Inquiry).where(Inquiry.reference == reference))
        context = {"reference": reference, "pin": pin, "office": case.office,
                   "status_url": notifications.status_url(reference), "due_date": case.due_date}
        notifications.queue_email(f"scale-{n:03d}@example.test", "ask_receipt", context,
                                  inquiry=case)
    db.session.commit()
"""


def jobs_send_each_message_once(w: World) -> str:
    python(w.env_a, QUEUE_RECEIPTS, json.dumps(w.receipts[:RECEIPTS]))
    w.smtp.clear()
    command = [str(BIN / "flask"), "--app", "wsgi", "jobs", "run"]
    jobs = {name: w.stack.spawn(f"jobs-{name}", command, env)
            for name, env in (("A", w.env_a), ("B", w.env_b))}  # fmt: skip
    for name, job in jobs.items():
        failed = job.wait(timeout=300)
        expect(not failed, f"jobs run for {name} failed: {w.stack.tail(f'jobs-{name}')}")
    rows = w.primary.query("SELECT id FROM outbox_message WHERE status = 'sent'")
    sent = {row[0] for row in rows}
    received = w.smtp.wait_for(len(sent), timeout=15)
    times = Counter(int(m.header("X-Bureau-Message")) for m in received)
    expect(not [i for i, n in times.items() if n > 1], f"sent twice: {times.most_common(3)}")
    expect(set(times) == sent, f"{len(times)} received, {len(sent)} marked sent")
    ours = Counter(r for m in received for r in m.recipients if r.startswith("scale-"))
    expect(len(ours) == RECEIPTS and set(ours.values()) == {1}, f"receipts: {len(ours)}")
    a, b = (_report(w.stack.tail(f"jobs-{name}", 3)) for name in jobs)
    return (
        f"{RECEIPTS} e-mailed receipts queued; jobs run for A and for B, started together, "
        f"queued {a['reminders']} + {b['reminders']} overdue reminders between them and sent "
        f"{a['mail sent']} + {b['mail sent']} messages; the SMTP server got {len(received)}, "
        "each once, every one the outbox marks sent"
    )


def _report(output: str) -> dict:
    """The figures of the job's last line: `mail sent 33, …, reminders 20, …`."""
    return {
        key.strip(): int(n) for key, n in re.findall(r"([a-zA-Z ]+?) (\d+)(?:,|$)", output.strip())
    }


# (e) --------------------------------------------------------------------------------------


def replica_log_reads(w: World) -> int:
    """Statements the replica ran that read the statistics' tables (log_statement=all)."""
    return w.replica.log.read_text(errors="replace").count("FROM stat_")


def replica_serves_the_statistics(w: World) -> str:
    lag = w.replica.caught_up_with(w.primary)
    stats = f"/api/v1/public/statistics?office=KRS&year={w.year}"
    export = f"/commission/export.json?period=year&year={w.year}"
    page = f"/open-data?office=KRS&year={w.year}"

    def read(server: AppServer) -> tuple:
        with server.client(cookies=w.commission) as client:
            answers = [client.get(path) for path in (stats, export, page)]
        for answer in answers:
            code = answer.status_code
            expect(code == 200, f"{answer.url.path} on {server.name}: {code}")
        return answers[0].json(), answers[1].json()

    asked = replica_log_reads(w)
    from_a = read(w.a)
    expect(replica_log_reads(w) == asked, "A read the replica")
    from_b = read(w.b)
    served = replica_log_reads(w) - asked
    expect(served > 0, "the replica's log shows none of B's reads")
    expect(from_a[0] == from_b[0], "the public statistics differ between A and B")
    expect(from_a[1] == from_b[1], "the commission's export differs between A and B")
    tables = len(from_a[0]["tables"]) + len(from_a[1]["tables"])
    summary = (
        f"replica caught up in {lag:.2f} s; the public statistics and the commission's "
        f"export ({tables} tables), and /open-data from B equal A's, and the replica's log holds "
        f"{served} statements of B's reads (none of A's)"
    )
    return summary + "; " + replica_outage(w, stats)


def replica_outage(w: World, stats: str) -> str:
    w.replica.stop()
    with w.b.client() as client:
        down = client.get(stats).status_code
    up = httpx.get(w.a.base + stats, timeout=60).status_code
    headers = {"Authorization": f"Bearer {w.token}"}
    body = {"channel": "walk_in", "category": "health", "description": "Без реплика.",
            "consent": True, "anonymous": True}  # fmt: skip
    posted = httpx.post(w.b.base + "/api/v1/inquiries", json=body, headers=headers, timeout=60)
    expect(down == 503, f"B answered {down} without its replica")
    expect(up == 200, f"A answered {up} while the replica was down")
    expect(posted.status_code == 201, f"B's intake without the replica: {posted.status_code}")
    reference = posted.json()["reference"]
    shown = httpx.get(f"{w.b.base}/api/v1/inquiries/{reference}", headers=headers, timeout=60)
    expect(shown.status_code == 200, f"B does not show its own new case ({shown.status_code})")
    w.replica.restart()
    w.replica.caught_up_with(w.primary)
    back = httpx.get(w.b.base + stats, timeout=60)
    expect(back.status_code == 200, f"B answered {back.status_code} with the replica back")
    expect(back.json() == httpx.get(w.a.base + stats, timeout=60).json(), "figures differ after")
    return (
        f"with the replica stopped B's statistics answered 503 and A's 200, B logged "
        f"{reference} (201) and showed it; with the replica back B answers again, as A"
    )


CHECKS = [
    ("(a) a session is valid on every app server", sessions_are_shared),
    ("(b) rate limits are counted once across app servers", rate_limits_are_shared),
    ("(d) concurrent intakes get unique, gapless references", intakes_get_gapless_references),
    ("(c) jobs run on two hosts at once sends each message once", jobs_send_each_message_once),
    ("(e) statistics read from the streaming replica", replica_serves_the_statistics),
]


def main() -> int:
    started = time.monotonic()
    stack = Stack()
    atexit.register(stack.close)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda n, _frame: sys.exit(128 + n))
    print(f"scale-test in {stack.dir}", flush=True)
    world, passed, failed = World(stack), 0, 0
    try:
        set_up(world)
        for label, check in CHECKS:
            began = time.monotonic()
            try:
                detail = check(world)
            except Exception as error:  # noqa: BLE001 (a verdict, then the next check)
                failed += 1
                print(f"FAIL  {label} ({time.monotonic() - began:.1f} s): {error}", flush=True)
            else:
                passed += 1
                print(f"PASS  {label} ({time.monotonic() - began:.1f} s): {detail}", flush=True)
    except Exception as error:  # noqa: BLE001 (the set-up failed: say so, clean up)
        failed += 1
        print(f"FAIL  set-up: {error}", flush=True)
    except (KeyboardInterrupt, SystemExit):
        print("interrupted: stopping everything it started", flush=True)
        raise
    finally:
        if failed:
            for name in ("server-A", "server-B", "primary", "replica", "jobs-A", "jobs-B"):
                if tail := stack.tail(name):
                    print(f"--- last lines of {name}.log\n{tail}")
        stack.close()
    total = time.monotonic() - started
    verdict = "passed" if not failed else "FAILED"
    print(f"scale-test {verdict}: {passed} passed, {failed} failed in {total:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
