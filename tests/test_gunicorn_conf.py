"""gunicorn.conf.py, as gunicorn reads it."""

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

CONF = Path(__file__).parents[1] / "gunicorn.conf.py"


def test_a_worker_compiles_every_template_then_freezes_what_it_loaded(app):
    settings = runpy.run_path(str(CONF))
    assert settings["worker_class"] == "sync"
    app.jinja_env.cache.clear()
    assert gc.get_freeze_count() == 0
    try:
        settings["post_worker_init"](SimpleNamespace(wsgi=app))
        # Compiled before any visitor asks: the commission's dashboard, a receipt's SMS.
        compiled = {name for _loader, name in app.jinja_env.cache}
        assert {"commission/dashboard.html", "sms/receipt.txt"} <= compiled
        assert len(compiled) == len(app.jinja_env.list_templates())
        # The objects alive now (the app, its templates, this run's modules) are out of
        # every collection: a full one walks only what was made after.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
