"""gunicorn's settings for Bureau: `gunicorn wsgi:app` run in this directory reads them.

Synchronous workers, one per core and one more. Bureau's requests are CPU-bound Python
(a page is 5–80 ms of rendering and counting, the database a few ms of it): threads in
one worker take turns on its interpreter lock, and a browser's kept-alive connection
stays with one worker however busy. With 2 workers × 4 threads, eight clients on two
cores saw a case page's p95 at 299 ms and the intake API's at 195 ms; with one sync
worker per core and one more (each request a connection of its own, taken from one
queue by whichever worker is free) 117 ms and 77 ms, and more requests a second
(`make bench`, 1,000,000 cases, 30.11.2026; bench/notes.md). Sync workers need a
buffering reverse proxy in front (nginx does by default), which a real installation
has for HTTPS anyway.

WEB_CONCURRENCY sets the number of workers, BUREAU_BIND the address (both optional).
"""

import gc
import multiprocessing
import os

bind = os.environ.get("BUREAU_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() + 1)
worker_class = "sync"


def post_worker_init(worker) -> None:
    """Once the worker has loaded the app: every template compiled now, not by the first
    visitor of each page after a restart (~150 ms for the commission's dashboard, 0.9 s for
    all 144 here), then the loaded objects (~200,000: templates, mappings, translations)
    moved to the collector's permanent generation, so a full collection walks only what
    requests made. Without that, one request in a few hundred paused for a full
    collection of 80 ms; with it, 1–2 ms (PostgreSQL 1,000,000, case list searched)."""
    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "jinja_env"):
        for name in app.jinja_env.list_templates():
            app.jinja_env.get_template(name)
    gc.freeze()
