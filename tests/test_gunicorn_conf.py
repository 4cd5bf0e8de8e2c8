"""gunicorn.conf.py, as gunicorn reads it."""

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).parents[1] / "gunicorn.conf.py"


def test_a_worker_freezes_what_loading_the_app_made():
    settings = runpy.run_path(str(CONF))
    assert settings["worker_class"] == "sync"
    assert gc.get_freeze_count() == 0
    try:
        settings["post_worker_init"](worker=None)
        # The objects alive now (this test run's app and modules) are out of every
        # collection: a full one walks only what was made after.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
