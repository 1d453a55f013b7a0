"""Machine-readable index of the archive: ``api/issues.json``, ``api/keps.json``,
``api/sigs.json`` and ``api/releases.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lwkd_archive.files import write_atomically
from lwkd_archive.outputs.record import generated_outputs
from lwkd_archive.outputs.recovery import reporting_write_errors
from lwkd_archive.pages.releases import api_releases, kep_issue_cycles
from lwkd_archive.reading.domain import ArchiveDomain, kep_pagename, sig_pagename

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STATIC = Path(__file__).resolve().parents[1] / "static"


def _url(app: Sphinx, pagename: str) -> str:
    return app.builder.get_target_uri(pagename)


def api_documents(app: Sphinx) -> dict[str, list[dict[str, Any]]]:
    domain: ArchiveDomain = app.env.domains["lwkd"]
    views = domain.views
    issues = [
        {
            "source": issue.source,
            "week_ending": issue.week_ending.isoformat(),
            "published": issue.published.isoformat().replace("+00:00", "Z"),
            "title": issue.title,
            "url": _url(app, issue.docname),
            "keps": list(issue.keps),
            "sigs": list(views.groups_of[issue.docname]),
            # The groups the issue itself names ("sigs" adds the owners of its KEPs).
            "named_sigs": list(issue.groups),
        }
        for issue in views.issues
    ]
    keps = []
    for number in sorted(views.by_kep):
        facts = domain.kep_facts.get(number)
        keps.append(
            {
                "number": number,
                "title": domain.kep_title(number),
                "owning_sig": facts.owning_sig if facts else "",
                "participating_sigs": list(facts.participating_sigs) if facts else [],
                "status": facts.status if facts else "",
                "stage": facts.stage if facts else "",
                # kep.yaml's stage -> release, planned or reached (v1.33 as written there).
                "milestones": dict(sorted(facts.milestones.items())) if facts else {},
                "latest_milestone": facts.latest_milestone if facts else "",
                "url": _url(app, kep_pagename(number)),
                "issues": [_url(app, i.docname) for i in views.by_kep[number]],
                # The same issues, each with its release cycle ("1.33") and week of it.
                "issue_cycles": kep_issue_cycles(app, views.by_kep[number]),
            }
        )
    sigs = []
    for slug in sorted(views.by_group):
        group = domain.group(slug)
        sigs.append(
            {
                "slug": slug,
                "name": group.name if group else slug,
                "url": _url(app, sig_pagename(slug)),
                "issues": [_url(app, i.docname) for i in views.by_group[slug]],
                "keps": [k["number"] for k in keps if k["owning_sig"] == slug],
            }
        )
    return {"issues": issues, "keps": keps, "sigs": sigs, "releases": api_releases(app)}


def write_api(app: Sphinx, exception: Exception | None) -> None:
    """Write the JSON files (only those whose bytes changed) and the index tables' script."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.builder.outdir)
    generated = generated_outputs(app)
    with reporting_write_errors(app):
        for name, rows in api_documents(app).items():
            text = json.dumps(rows, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
            generated.add_file(f"api/{name}.json")
            write_atomically(outdir / "api" / f"{name}.json", text.encode("utf-8"))
        write_atomically(
            outdir / "_static" / "lwkd-tables.js", (STATIC / "lwkd-tables.js").read_bytes()
        )
