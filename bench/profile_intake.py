"""Where an intake's CPU goes: in-process, no server, no HTTP client on the same cores.

    .venv/bin/python bench/profile_intake.py [--cases 20000] [--intakes 500] [--keep]
        [--no-profile] [--dump FILE] [--pages 50] [--profile-pages REGEX]

Loads a SQLite demo database into bench/profile-<cases>.db (`--keep` reuses it), then
posts `--intakes` inquiries to POST /api/v1/inquiries through the Flask test client with
a coordinator's API token: CPU time (time.process_time) of each, then the same number
again under cProfile, printing the top functions by cumulative and by own time. The
desk's intake form and the GET pages bench/run.py measures (case list, case page,
dashboard) get their CPU per request too, and a profile with --profile-pages. cProfile
slows everything down by about half, function calls most: read its shares, not its
seconds.
"""

import argparse
import cProfile
import os
import pstats
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from run import loop_seconds  # bench/run.py's CPU check, so the two runs compare

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COORDINATOR = ("coordinator@kresna.test", "coordinator-demo-2026")
DESK = ("desk@kresna.test", "desk-demo-2026")
BODY = {
    "channel": "phone", "category": "local_taxes", "description": "Данък сгради",
    "consent": True, "citizen": {"name": "Мария Иванова", "phone": "0888123456"},
}  # fmt: skip
# bench/run.py's intake form (post_form).
FORM = {
    "category": "social_assistance", "description": "Помощ за отопление", "anonymous": "y",
    "channel": "walk_in", "urgency": "normal", "gender": "undisclosed",
    "age_band": "undisclosed", "settlement": "0",
}  # fmt: skip
ENV = {
    "BUREAU_SECRET_KEY": "bench-secret",
    # The coordinator logs in with a password alone here, as in bench/run.py.
    "BUREAU_MFA_REQUIRED_ROLES": "",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--intakes", type=int, default=500)
    parser.add_argument("--pages", type=int, default=50, help="requests per GET page")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="reuse the database if there")
    parser.add_argument("--no-profile", action="store_true", help="CPU times only")
    parser.add_argument("--dump", help="also write the profile here (for pstats or snakeviz)")
    parser.add_argument("--profile-pages", default="", help="profile the pages matching this")
    args = parser.parse_args()
    path = ROOT / "bench" / f"profile-{args.cases}.db"
    url = f"sqlite:///{path}"
    if not (args.keep and path.exists()):
        build(path, url, args.cases)
    token = flask(url, "users", "token", COORDINATOR[0]).stdout.strip()

    os.environ.update(ENV, BUREAU_DATABASE_URL=url)
    sys.path.insert(0, str(ROOT))
    from bureau import create_app

    app = create_app()
    served = served_cpu(app)
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    def post(_i):
        response = api.post("/api/v1/inquiries", json=BODY)
        assert response.status_code == 201, (response.status_code, response.get_data())

    for i in range(20):  # templates compiled, caches and connections warm
        post(i)
    print(f"CPU check: 10-million-step loop {loop_seconds():.2f} s (bench/run.py's)")
    served.clear()
    times = cpu_times(post, args.intakes)
    print(f"intake API: CPU per intake over {args.intakes}: {describe(times)}")
    print(f"  of which in the app (its WSGI callable): {describe(served)}")
    if not args.no_profile:
        profile(post, args.intakes, args.top, args.dump)

    if args.pages:
        measure_pages(app, api, args.pages, args.top, args.profile_pages, args.dump)


def measure_pages(app, api, count: int, top: int, profiled: str = "", dump=None) -> None:
    """CPU per request of the desk's intake form (bench/run.py's GET+POST, apart) and of
    the GET pages bench/run.py measures; cProfile's top for labels matching `profiled`."""
    desk, coordinator = logged_in(app, DESK), logged_in(app, COORDINATOR)
    year = datetime.now().year
    reference = api.get("/api/v1/inquiries?status=in_progress&per_page=1").get_json()
    pages = [
        ("intake form (GET)", desk, "/desk/new"),
        ("intake form (POST)", desk, None),
        ("case list default", coordinator, "/cases/"),
        ("case page", coordinator, f"/cases/{reference['items'][0]['reference']}"),
        ("commission dashboard, year", coordinator, f"/commission/?period=year&year={year - 1}"),
    ]
    for label, browser, page in pages:
        call, prepare = (get(browser, page), None) if page else post_form(browser)
        for i in range(5):
            call(prepare() if prepare else i)
        times = cpu_times(call, count, prepare)
        print(f"{label}: CPU per request over {count}: {describe(times)}")
        if profiled and re.search(profiled, label):
            slug = re.sub(r"\W+", "-", label).strip("-")
            profile(call, count, top, dump and f"{dump}.{slug}", prepare=prepare)


def get(browser, page: str):
    def call(_i):
        response = browser.get(page)
        assert response.status_code == 200, (page, response.status_code)

    return call


def post_form(browser):
    """The desk's intake form sent as bench/run.py sends it; `prepare` (not measured)
    fetches the form for its one-time tokens."""

    def prepare():
        form = browser.get("/desk/new").get_data(as_text=True)
        return dict(re.findall(r'name="(csrf_token|token)" type="hidden" value="([^"]+)"', form))

    def call(tokens):
        response = browser.post("/desk/new", data={**tokens, **FORM})
        assert response.status_code == 303, response.status_code

    return call, prepare


def flask(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **ENV, "BUREAU_DATABASE_URL": url}
    return subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    )  # fmt: skip


def build(path: Path, url: str, cases: int) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    flask(url, "db", "upgrade")
    output = flask(url, "demo", "load", "--cases", str(cases)).stdout
    print(re.search(r"Loaded .*", output).group(0), file=sys.stderr)


def served_cpu(app) -> list[float]:
    """Milliseconds of CPU each request spends inside the app, the test client's own
    work (building the request, reading the response) left out."""
    times: list[float] = []
    inner = app.wsgi_app

    def timed(environ, start_response):
        started = time.process_time()
        try:
            return inner(environ, start_response)
        finally:
            times.append((time.process_time() - started) * 1000)

    app.wsgi_app = timed
    return times


def cpu_times(call, count: int, prepare=None) -> list[float]:
    """Milliseconds of this process's CPU for each call (`prepare`'s outside the count)."""
    times = []
    for i in range(count):
        argument = prepare() if prepare else i
        started = time.process_time()
        call(argument)
        times.append((time.process_time() - started) * 1000)
    return times


def describe(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered):.2f} ms · p95 {p95:.2f} ms"


def profile(call, count: int, top: int, dump: str | None = None, prepare=None) -> None:
    profiler = cProfile.Profile()
    for i in range(count):
        argument = prepare() if prepare else i
        profiler.enable()
        call(argument)
        profiler.disable()
    if dump:
        profiler.dump_stats(dump)
    for order in ("cumulative", "tottime"):
        print(f"\n--- top {top} by {order} time ({count} calls under cProfile) ---")
        stats = pstats.Stats(profiler).strip_dirs().sort_stats(order)
        stats.print_stats(top)


def logged_in(app, account):
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = browser.post(
        "/login", data={"csrf_token": token, "email": account[0], "password": account[1]}
    )
    assert response.status_code == 303, response.status_code
    return browser


if __name__ == "__main__":
    main()
