"""What the next build repairs after one that was killed or could not write its files.

A build on Read the Docs can be stopped by its time limit, a local one by
Ctrl-C, and either can run out of disk. Sphinx saves the environment before it
writes any page, so the next build believes every page of the killed one was
written; it writes only what changed since. This module makes running the
build again enough:

- pages: a build that follows an interrupted one writes every page again;
- images: every build copies the images Sphinx's environment knows and the
  output lacks (Sphinx copies an image only when it writes a page showing it);
- the archive's own files: a file that cannot be written ends the writer with
  one error line naming the file and the cause, and the build fails.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from lwkd_archive.files import WriteError, write_atomically
from lwkd_archive.warnings import logger

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Present in the bookkeeping folder from the moment the environment of a build
#: is saved until that build has written everything; left behind by a killed build.
WRITING_MARKER = ".build-incomplete"
#: The archive's own records (fingerprints, what was generated, the search
#: index's inputs), kept with Sphinx's environment, outside the published site.
BOOKKEEPING = ".lwkd"


def bookkeeping_dir(app: Sphinx) -> Path:
    """``<doctrees>/.lwkd/<builder>``: never published, and gone with ``make clean``."""
    return Path(app.doctreedir) / BOOKKEEPING / app.builder.name


def describe_os_error(error: OSError) -> str:
    """``cannot write feeds/atom.xml: No space left on device; free space and run again``."""
    if isinstance(error, WriteError):
        return str(error)
    where = f" {error.filename}" if error.filename else ""
    return f"cannot update{where}: {error.strerror or error}; check the output folder and run again"


@contextmanager
def reporting_write_errors(app: Sphinx) -> Iterator[None]:
    """Stop the writes inside at the first file that cannot be written, and fail the build.

    A full disk or a read-only output folder then shows as one error line naming
    the file, rather than a traceback; the build's exit status is 1 even without
    ``-W``. The writer's fingerprints, saved after its files, are not saved, so
    the next build writes those files again.
    """
    try:
        yield
    except OSError as error:
        report_write_error(app, error)


def report_write_error(app: Sphinx, error: OSError) -> None:
    """One error line naming the file and the cause; the build's exit status is 1."""
    logger.error(describe_os_error(error))
    app.statuscode = 1


def writing_marker(app: Sphinx) -> Path:
    return bookkeeping_dir(app) / WRITING_MARKER


def mark_writing_started(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Leave the marker before Sphinx saves the environment and starts writing.

    When the marker is already there, the last build stopped before it had
    written all of its pages, yet saved an environment that counts them as
    written: a page it had still to write (an issue whose neighbour was added,
    a KEP page) would keep its old content for good. This build writes every
    page then (the pages returned here are written without being read again).
    """
    if app.builder.format != "html":
        return []
    marker = writing_marker(app)
    if marker.exists():
        logger.info("the last build stopped before it finished: writing every page again")
        return sorted(env.found_docs)
    with reporting_write_errors(app):
        write_atomically(marker, b"")
    return []


def mark_writing_finished(app: Sphinx, exception: Exception | None) -> None:
    """Remove the marker once the build wrote everything it had to."""
    if exception is not None or app.builder.format != "html" or app.statuscode != 0:
        return
    with reporting_write_errors(app):
        writing_marker(app).unlink(missing_ok=True)


def restore_missing_images(app: Sphinx, exception: Exception | None) -> None:
    """Copy into ``_images/`` every image of the site that is missing there or not whole.

    Sphinx copies an image only for the pages it writes, so an image lost from
    the output (a build killed before it copied images, a file deleted by hand)
    would not come back until its page changes. Checking sizes keeps this to
    one ``stat`` per image on a build where nothing is missing. Which candidate
    of an image the builder shows is Sphinx's choice: it is asked again from
    the page's doctree, only for the pages of a missing image.
    """
    builder = app.builder
    if exception is not None or builder.format != "html" or not hasattr(builder, "images"):
        return
    env = app.env
    srcdir = Path(app.srcdir)
    images_dir = Path(builder.outdir) / builder.imagedir
    docs_to_ask: set[str] = set()
    for source, (docnames, name) in env.images.items():
        size = file_size(srcdir / source)
        # An image that is gone from the sources is Sphinx's to report.
        if size is not None and file_size(images_dir / name) != size:
            docs_to_ask.update(docnames)
    if not docs_to_ask:
        return
    for docname in sorted(docs_to_ask & env.found_docs):
        try:
            doctree = env.get_doctree(docname)
        except OSError:
            continue  # no doctree to ask: the page's next build copies its images
        builder.post_process_images(doctree)
    with reporting_write_errors(app):
        for source, name in sorted(builder.images.items()):
            size = file_size(srcdir / source)
            if size is not None and file_size(images_dir / name) != size:
                write_atomically(images_dir / name, (srcdir / source).read_bytes())


def file_size(path: Path) -> int | None:
    """The file's size in bytes; None when it is not there (or cannot be read)."""
    try:
        return path.stat().st_size
    except OSError:
        return None


def setup(app: Sphinx) -> None:
    # The last event before Sphinx saves the environment and writes pages.
    app.connect("env-updated", mark_writing_started)
    # After the other writers (Pagefind at 900), so the marker goes only when all succeeded.
    app.connect("build-finished", restore_missing_images, priority=800)
    app.connect("build-finished", mark_writing_finished, priority=950)
