"""`make bench`: build demo databases, serve them with gunicorn, measure over HTTP.

For each size (10,000 and 1,000,000 cases by default) it loads a fresh SQLite database
(and a PostgreSQL one, a database per size beside the one BUREAU_BENCH_POSTGRES_URL
names), starts gunicorn as gunicorn.conf.py sets it, drives it from this separate
process with concurrent httpx clients, then serves the smallest and the largest at once
for the growth ratios (in_turn), and writes a Markdown table to bench/results.md.
"""

import argparse
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DESK = ("desk@kresna.test", "desk-demo-2026")
COORDINATOR = ("coordinator@kresna.test", "coordinator-demo-2026")
COMMISSION = ("commission@kresna.test", "commission-demo-2026")
ADMIN = ("admin@bureau.test", "admin-demo-2026")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--requests", type=int, default=400, help="per measured endpoint")
    parser.add_argument("--only", default="", help="measure only labels matching this regex")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.md"))
    parser.add_argument(
        "--keep", action="store_true",
        help="reuse the databases of the last run where they are still there (no load figure)",
    )  # fmt: skip
    parser.add_argument(
        "--gunicorn", default="", help="gunicorn options over gunicorn.conf.py's, to compare"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    targets = [("SQLite", lambda size: f"sqlite:///{ROOT / 'bench' / f'bench-{size}.db'}")]
    pg = os.environ.get("BUREAU_BENCH_POSTGRES_URL") or os.environ.get("BUREAU_TEST_DATABASE_URL")
    if pg:
        targets.append(("PostgreSQL", lambda size: postgres_database(pg, size)))
    targets = [t for t in targets if t[0].lower() in args.databases.split(",")]
    results, paired = [], {}
    for name, url_for_size in targets:
        for size in sizes:
            url = url_for_size(size)
            cpu = loop_seconds()  # the machine's speed varies by the hour: note it per run
            sample = sample_file(url, size)
            if args.keep and sample.exists():
                flask(url, "db", "upgrade")  # revisions added since the load
                load_seconds, receipt = None, tuple(sample.read_text().split())
            else:
                load_seconds, receipt = build_database(url, size)
                sample.write_text(" ".join(receipt))
            with Server(url, args.gunicorn) as server:
                figures = measure(server, args.clients, args.requests, receipt, args.only)
            if load_seconds:
                figures["demo load (cases/s)"] = (f"{size / load_seconds:,.0f}", "", "")
            figures["CPU check: 10-million-step loop"] = (f"{cpu:.2f} s", "", "")
            results.append((name, size, figures))
            print_table(results)
            write_results(results, args)  # after each size: a later failure keeps these
        if len(sizes) > 1:
            smallest, largest = url_for_size(min(sizes)), url_for_size(max(sizes))
            with Server(smallest, args.gunicorn) as small, Server(largest, args.gunicorn) as large:
                paired[name] = in_turn(small, large, max(args.requests // 4, 20), args.only)
            write_results(results, args, paired)


def flask(url: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "BUREAU_DATABASE_URL": url, "BUREAU_SECRET_KEY": "bench-secret"}
    return subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True, **kwargs,
    )  # fmt: skip


def build_database(url: str, size: int) -> float:
    """A fresh database with the demo users and `size` cases; returns the load time."""
    sample_file(url, size).unlink(missing_ok=True)
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        reset_postgres(url)
    flask(url, "db", "upgrade")
    output = flask(url, "demo", "load", "--cases", str(size)).stdout
    loaded = re.search(r"Loaded .* in ([\d.]+) s.*", output)
    print(loaded.group(0), file=sys.stderr)
    sample = re.search(r"try (\S+) PIN (\d{6})", output).groups()
    # The loader's own figure, without interpreter start-up.
    return float(loaded.group(1)), sample


def sample_file(url: str, size: int) -> Path:
    """Where the receipt of a loaded database is kept, for --keep (deleted on a reset):
    bench/sqlite-1000000.sample, bench/postgresql-bench_1000000-1000000.sample."""
    if url.startswith("sqlite:///"):
        return ROOT / "bench" / f"sqlite-{size}.sample"
    return ROOT / "bench" / f"postgresql-{make_url(url).database}-{size}.sample"


def postgres_database(url: str, size: int) -> str:
    """A database of its own for each size, named after the one `url` names (bench_1000000
    for .../bench; that one need not exist), created if missing: the sizes are served at
    once for the growth ratios, and --keep finds each one loaded."""
    import psycopg
    from psycopg import sql

    given = make_url(url)
    name = f"{given.database}_{size}"
    server = given.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(_libpq(server), autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return given.set(database=name).render_as_string(hide_password=False)


def reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(url), autocommit=True) as c:
        c.execute("DROP SCHEMA public CASCADE")
        c.execute("CREATE SCHEMA public")


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


class Server:
    """gunicorn as deployed (gunicorn.conf.py: one sync worker per core and one more) on a
    free loopback port; `options` override it (`--gunicorn "--workers 2 --threads 4"`)."""

    def __init__(self, url: str, options: str = ""):
        self.url, self.options = url, options.split()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        # The bench logs coordinators in with a password alone: no second factor here.
        env = {**os.environ, "BUREAU_DATABASE_URL": self.url, "BUREAU_SECRET_KEY": "bench-secret",
               "BUREAU_MFA_REQUIRED_ROLES": ""}  # fmt: skip
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), *self.options, "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[str]:
        return subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()

    def worker_rss_mb(self) -> float:
        rss = [int(Path(f"/proc/{pid}/status").read_text().split("VmRSS:")[1].split()[0])
               for pid in self.workers()]  # fmt: skip
        return max(rss) / 1024 if rss else 0.0

    def worker_cpu_seconds(self) -> float:
        """The CPU time the workers have used so far (user and system; a database server's
        own, PostgreSQL's, is not in it)."""
        ticks = 0
        for pid in self.workers():
            # Fields 14 and 15 of /proc/PID/stat, after the command name in parentheses.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def login(base: str, account=DESK) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    token = csrf_token(client.get("/login").text)
    response = client.post(
        "/login", data={"csrf_token": token, "email": account[0], "password": account[1]}
    )
    assert response.status_code == 303, response.status_code
    return client


def api_token(url: str) -> str:
    return flask(url, "users", "token", DESK[0]).stdout.strip()


def timed(clients: list, requests: int, call) -> tuple[list[float], float]:
    """Run `call(client, i)` `requests` times over the clients concurrently."""
    latencies: list[float] = []

    assigned: dict[int, object] = {}
    lock = threading.Lock()

    def work(index: int):
        # One client per thread: a login session or a form's CSRF cookie is not shared.
        with lock:
            client = assigned.setdefault(
                threading.get_ident(), clients[len(assigned) % len(clients)]
            )
        started = time.perf_counter()
        try:
            call(client, index)
        except httpx.TransportError:
            # gunicorn closes an idle keep-alive connection after 2 s; a request sent as it
            # closes is reset. A browser retries it; so does the bench, counting the time.
            call(client, index)
        latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    with ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(work, range(requests)))
    return latencies, time.perf_counter() - started


def summary(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered):.1f} ms · p95 {p95:.1f} ms"


def measure(
    server: Server, n_clients: int, requests: int, sample: tuple[str, str], only: str = ""
) -> dict:
    v = visitors(server, n_clients)
    api, desks, anonymous = v["api"], v["desks"], v["anonymous"]
    body = {"channel": "phone", "category": "local_taxes", "description": "Данък сгради",
            "consent": True,
            "citizen": {"name": "Мария Иванова", "phone": "0888123456"}}  # fmt: skip
    reference, pin = sample

    def post_api(client, _i):
        assert client.post("/api/v1/inquiries", json=body).status_code == 201

    def post_form(client, _i):
        form = client.get("/desk/new").text
        fields = dict(re.findall(r'name="(csrf_token|token)" type="hidden" value="([^"]+)"', form))
        response = client.post("/desk/new", data={
            **fields, "category": "social_assistance", "description": "Помощ за отопление",
            "anonymous": "y", "channel": "walk_in", "urgency": "normal",
            "gender": "undisclosed", "age_band": "undisclosed", "settlement": "0"})  # fmt: skip
        assert response.status_code == 303, response.status_code

    def status_lookup(client, _i):
        token = csrf_token(client.get(f"/status?ref={reference}").text)
        response = client.post("/status", data={"csrf_token": token, "reference": reference,
                                                 "pin": pin})  # fmt: skip
        assert response.status_code == 303, response.status_code

    def get(path):
        def call(client, _i):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return call

    figures = {}

    def run(label: str, clients: list, count: int, call) -> int:
        """Throughput and latency with all clients at once, then latency one at a time;
        how many requests that was (none if `only` leaves it out)."""
        if not re.search(only, label):
            return 0
        latencies, seconds = timed(clients, count, call)
        alone, _seconds = timed(clients[:1], max(count // 4, 20), call)
        figures[label] = (f"{count / seconds:,.0f}/s", summary(latencies), summary(alone))
        return len(latencies) + len(alone)

    cpu, client_cpu = server.worker_cpu_seconds(), time.process_time()
    if served := run("intake API (8 clients)", api, requests, post_api):
        # The issue measured ~15 ms of CPU an intake (issue 18: halve it). Over both runs
        # of the measure, and of the server alone; the load client's own, on the same two
        # cores, beside it: together they bound the throughput (2 cores / their sum).
        server_ms = (server.worker_cpu_seconds() - cpu) / served * 1000
        client_ms = (time.process_time() - client_cpu) / served * 1000
        figures["intake API, server CPU per intake"] = (
            f"{server_ms:.1f} ms (the load client: {client_ms:.1f} ms)",
            "",
            "",
        )
    run("intake form (GET+POST)", desks, requests // 2, post_form)
    for label, path, clients in pages(v):
        run(label, clients, requests // 2, get(path))
    # Each browser proves the PIN once first, as a citizen would: concurrent first tries
    # of one reference from one address beyond its burst are refused by the PIN guard.
    for client in anonymous:
        status_lookup(client, 0)
    run("status lookup (GET+POST)", anonymous, requests // 4, status_lookup)
    figures["worker RSS"] = (f"{server.worker_rss_mb():.0f} MB", "", "")
    return figures


def visitors(server: Server, n_clients: int) -> dict[str, list[httpx.Client]]:
    """Logged-in browsers of each kind (and API clients with a desk's token)."""
    bearer = {"Authorization": f"Bearer {api_token(server.url)}"}
    return {
        "api": [httpx.Client(base_url=server.base, timeout=60, headers=bearer)
                for _ in range(n_clients)],
        "desks": [login(server.base) for _ in range(n_clients)],
        "coordinators": [login(server.base, COORDINATOR) for _ in range(n_clients)],
        "commission": [login(server.base, COMMISSION) for _ in range(n_clients)],
        "anonymous": [httpx.Client(base_url=server.base, timeout=60) for _ in range(n_clients)],
        "admins": [login(server.base, ADMIN) for _ in range(n_clients)],
    }  # fmt: skip


def pages(v: dict[str, list[httpx.Client]]) -> list[tuple[str, str, list[httpx.Client]]]:
    """The pages measured with GET: (label, path, the visitors who open it)."""
    api, desks, coordinators = v["api"], v["desks"], v["coordinators"]
    commission, anonymous, admins = v["commission"], v["anonymous"], v["admins"]
    year = datetime.now().year
    case = api[0].get("/api/v1/inquiries", params={"status": "in_progress", "per_page": 1})
    case_reference = case.json()["items"][0]["reference"]
    choices = coordinators[0].get("/cases/").text
    expert = _first_option(choices, "expert")
    settlement = _first_option(choices, "settlement", prefer="Кресна")  # the town: most cases
    return [
        ("desk home (today)", "/desk/", desks),
        ("case list default", "/cases/", coordinators),
        ("case list filtered", "/cases/?status=in_progress&category=social_assistance",
         coordinators),
        ("case list searched (name)", "/cases/?q=petrova", coordinators),
        ("case list searched (phone)", "/cases/?q=0888123", coordinators),
        ("case page", f"/cases/{case_reference}", coordinators),
        ("API list searched", "/api/v1/inquiries?q=ivanov", api),
        # Every filter of the case list with a name, a phone or a reference typed (issue 18):
        # a common first name, a surname, the start of a mobile number, a receipt's number.
        ("case list status × name", "/cases/?status=in_progress&q=Иван", coordinators),
        ("case list category × name", "/cases/?category=local_taxes&q=Петрова", coordinators),
        ("case list expert × name", f"/cases/?expert={expert}&q=Иван", coordinators),
        ("case list settlement × name", f"/cases/?settlement={settlement}&q=Иван",
         coordinators),
        ("case list overdue × name", "/cases/?overdue=1&q=Иван", coordinators),
        ("case list status × phone", "/cases/?status=in_progress&q=0888", coordinators),
        ("case list category × reference", "/cases/?category=local_taxes&q=42",
         coordinators),
        ("API list status × name", "/api/v1/inquiries?status=in_progress&q=ivan", api),
        ("commission dashboard, year", f"/commission/?period=year&year={year - 1}", commission),
        ("commission services, half-year",
         f"/commission/services?period=half&year={year - 1}&half=2", commission),
        ("monitoring report, half-year",
         f"/commission/monitoring?period=half&year={year - 1}&half=2", commission),
        ("public statistics API", f"/api/v1/public/statistics?office=KRS&year={year - 1}",
         anonymous),
        # Every office side by side: the administrator's network comparison of a year.
        ("network comparison, year", f"/commission/network?period=year&year={year - 1}",
         admins),
    ]  # fmt: skip


# The measures whose growth from the smallest to the largest size is ruled (issue 18).
GROWTH_RULED = ("case list", "case page", "API list")
GROWTH_TARGET = 1.5


def in_turn(small: Server, large: Server, count: int, only: str = "") -> dict:
    """The ruled measures' one-client latency with the smallest and the largest database
    served at once, a request to each in turn (A B B A …): both sizes meet the machine at
    the same speed, so their ratio tells the size's cost, not the hour's. Measured one
    after the other, minutes apart, the same ratios moved by ±0.3 between runs.
    {label: (p50 smallest, p50 largest)}."""
    sides = [{label: (path, clients[0]) for label, path, clients in pages(visitors(s, 1))}
             for s in (small, large)]  # fmt: skip
    found = {}
    for label in sides[0]:
        if not (label.startswith(GROWTH_RULED) and re.search(only, label)):
            continue
        times: tuple[list[float], list[float]] = ([], [])
        for i in range(count + 3):
            for side in (0, 1) if i % 2 == 0 else (1, 0):
                path, client = sides[side][label]
                started = time.perf_counter()
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                if i >= 3:  # the first three warm each worker's caches
                    times[side].append((time.perf_counter() - started) * 1000)
        found[label] = (statistics.median(times[0]), statistics.median(times[1]))
    return found


def _first_option(html: str, name: str, prefer: str = "") -> str:
    """A real choice of a select of the case list's filters (an expert, a place): the one
    named `prefer`, else the first."""
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    found = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)<', select.group(0)) if select else []
    if not found:
        raise RuntimeError(f"no {name} to filter the case list by")
    return next((value for value, text in found if text == prefer), found[0][0])


def print_table(results) -> None:
    print(render(results), file=sys.stderr)


def render(results) -> str:
    lines = [
        "| database | cases | measure | throughput (8 clients) | latency, 8 clients "
        "| latency, one client |",
        "|---|---:|---|---:|---|---|",
    ]
    for name, size, figures in results:
        for label, (rate, latency, alone) in figures.items():
            lines.append(f"| {name} | {size:,} | {label} | {rate} | {latency} | {alone} |")
    return "\n".join(lines)


def growth(results, paired=None) -> str:
    """p50 at the largest size over p50 at the smallest, per database and measure: from the
    sizes' own runs, and for the ruled measures from the sizes served in turn (in_turn),
    which the verdict reads when there."""
    paired = paired or {}
    lines = [
        "| database | measure | p50 growth, one client (largest / smallest size), "
        "each size in its run | the sizes in turn: p50 smallest → largest, growth "
        f"| target ≤ {GROWTH_TARGET} |",
        "|---|---|---:|---:|---|",
    ]
    for name in dict.fromkeys(r[0] for r in results):
        runs = sorted((size, figures) for db_name, size, figures in results if db_name == name)
        if len(runs) < 2:
            continue
        (_small, first), (_large, last) = runs[0], runs[-1]
        for label, (_rate, _latency, alone) in last.items():
            before = re.search(r"p50 ([\d.]+)", first.get(label, ("", "", ""))[2])
            after = re.search(r"p50 ([\d.]+)", alone)
            if not (before and after and float(before.group(1)) > 0):
                continue
            sequential = ratio = float(after.group(1)) / float(before.group(1))
            together = ""
            if label in paired.get(name, {}):
                small, large = paired[name][label]
                ratio = large / small
                together = f"{small:.1f} → {large:.1f} ms: {ratio:.2f}"
            verdict = "—"
            if label.startswith(GROWTH_RULED):
                verdict = "met" if ratio <= GROWTH_TARGET else "**missed**"
            lines.append(f"| {name} | {label} | {sequential:.2f} | {together} | {verdict} |")
    return "\n".join(lines)


# Issue 8's targets at the largest size on SQLite: (measure, "value" — the first column,
# a rate or a size — or "p50" — one client's median —, bound, at least?).
TARGETS = [
    ("demo load (cases/s)", "value", 20_000, True),
    ("intake API (8 clients)", "value", 300, True),
    # Issue 18: the ~15 ms of CPU an intake cost (22.11.2026), halved.
    ("intake API, server CPU per intake", "value", 7.5, False),
    ("case list default", "p50", 30, False),
    ("case page", "p50", 30, False),
    ("commission dashboard, year", "p50", 200, False),
    # The services view answers within the dashboard's budget (issue 14).
    ("commission services, half-year", "p50", 200, False),
    ("monitoring report, half-year", "p50", 200, False),
    ("public statistics API", "p50", 100, False),
    # Every office of a national network side by side (issue 18: 265 offices, 1 s).
    ("network comparison, year", "p50", 1_000, False),
    ("worker RSS", "value", 150, False),
]
POSTGRES_FACTOR = 1.5
CLIENTS = 8
GUNICORN = f"as gunicorn.conf.py sets it ({(os.cpu_count() or 1) + 1} sync workers)"


# Issue 18: with 8 clients at once, every measured page's p95 within this (SQLite).
P95_UNDER_LOAD = 250


def figure(value: tuple[str, str, str], kind: str) -> float | None:
    """The first column (rate, size), the median latency of one client at a time (p50),
    or the p95 with every client at once (p95)."""
    text = {"value": value[0], "p50": value[2], "p95": value[1]}[kind]
    pattern = {"value": r"([\d,.]+)", "p50": r"p50 ([\d.]+)", "p95": r"p95 ([\d.]+)"}[kind]
    found = re.search(pattern, text)
    return float(found.group(1).replace(",", "")) if found else None


def verdicts(results) -> str:
    """Each target against the largest size of each database: met, or missed by how much."""
    lines = ["| database | measure | target | measured | verdict |", "|---|---|---:|---:|---|"]
    for name in dict.fromkeys(r[0] for r in results):
        size, figures = max((size, f) for db_name, size, f in results if db_name == name)
        factor = 1 if name == "SQLite" else POSTGRES_FACTOR
        for label, kind, bound, at_least in TARGETS:
            value = figure(figures[label], kind) if label in figures else None
            if value is None:
                continue
            bound = bound / factor if at_least else bound * factor
            met = value >= bound if at_least else value <= bound
            off = abs(value - bound) / bound * 100
            digits = 0 if bound >= 100 or float(bound).is_integer() else 1  # 7.5 ms is not "8"
            target = f"{'≥' if at_least else '≤'} {bound:,.{digits}f}"
            verdict = "met" if met else f"**missed by {off:.0f} %**"
            measure = f"{label}, one client p50" if kind == "p50" else label
            lines.append(f"| {name} {size:,} | {measure} | {target} | {value:,.1f} | {verdict} |")
        if name != "SQLite":
            continue
        for size, figures in sorted((s, f) for db_name, s, f in results if db_name == name):
            for label, value in figures.items():
                p95 = figure(value, "p95")
                if p95 is None:
                    continue
                off = p95 / P95_UNDER_LOAD * 100 - 100
                verdict = "met" if off <= 0 else f"**missed by {off:.0f} %**"
                lines.append(
                    f"| {name} {size:,} | {label}, p95 with {CLIENTS} clients "
                    f"| ≤ {P95_UNDER_LOAD} | {p95:,.1f} | {verdict} |"
                )
    return "\n".join(lines)


def loop_seconds() -> float:
    started = time.perf_counter()
    total = 0
    for step in range(10_000_000):
        total += step
    return time.perf_counter() - started


def write_results(results, args, paired=None) -> None:
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in lines if "model name" in line), "?")
    header = (
        f"# Bureau benchmark\n\n{datetime.now():%d.%m.%Y %H:%M}, {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}, gunicorn {args.gunicorn or GUNICORN}, "
        f"{args.clients} concurrent clients, {args.requests} requests per measure. "
        "The machine's speed varies from hour to hour: the CPU check row (a 10-million-step "
        "Python loop, timed before each database is built) tells how fast it was.\n\n"
        "Throughput and the first latency: all clients at once, on the same two cores as "
        "the server. The second latency: one client, one request at a time — what one "
        "volunteer waits; the latency targets and growth ratios are read from it.\n\n"
    )
    path = Path(args.output)
    notes = ROOT / "bench" / "notes.md"
    path.write_text(
        header + render(results) + "\n\n" + growth(results, paired) + "\n\n## Targets\n\n"
        + verdicts(results) + "\n"
        + (f"\n{notes.read_text()}" if notes.exists() else "")
    )  # fmt: skip
    print(f"written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
