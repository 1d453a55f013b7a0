"""Keep Python's cyclic garbage collector off the environment Sphinx loads.

Sphinx unpickles its whole environment (every issue's metadata, table of
contents, ablog post and mentions) at the start of each build. The collector's
full passes then scan all of it, over and over, though none of it is garbage:
on an archive of 1,336 issues they cost more than the build's own work, and
their share grows with the archive. The collector is paused while the
environment is loaded and the loaded objects are then frozen (``gc.freeze``,
CPython's tool for large long-lived heaps), so later passes scan only what the
build creates. They are unfrozen once the build has finished, so a process that
runs several builds (the tests, a live preview) frees them as usual, and frozen
again at exit, where a last full pass would otherwise scan them all.
"""

from __future__ import annotations

import atexit
import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def pause_collector(app: Sphinx, config: Config) -> None:
    """Before the environment is loaded: no collector pass while it is unpickled."""
    gc.disable()


def freeze_environment(app: Sphinx) -> None:
    """Once the environment is loaded: keep it out of every later pass."""
    gc.freeze()
    gc.enable()


def release_environment(app: Sphinx, exception: Exception | None) -> None:
    """After the build: the loaded objects are ordinary again (and may be freed)."""
    gc.unfreeze()
    gc.enable()


def setup(app: Sphinx) -> None:
    # Last of config-inited, so a configuration error leaves the collector running.
    app.connect("config-inited", pause_collector, priority=999)
    # builder-inited comes right after Sphinx has loaded the environment.
    app.connect("builder-inited", freeze_environment, priority=0)
    app.connect("build-finished", release_environment, priority=999)
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
