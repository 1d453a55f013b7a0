"""Run ``check`` over a folder of LWKD posts and print every warning and the counts.

How many false alarms ``lwkd-archive check`` gives on real posts is measured here, not
assumed: every line it prints should be a defect one can name in the post.

    python benchmarks/check_posts.py ../lwkd/_posts --enhancements ../enhancements

prints each finding (``file:line: CODE message``), then the findings per code, then one
line: posts, errors, warnings, warnings per ten posts, and the seconds taken.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lwkd_archive.editor.check import check_file, issue_files, load_kep_facts  # noqa: E402
from lwkd_archive.facts.groups import load_groups  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("posts", type=Path, help="a folder of posts, such as lwkd/_posts")
    parser.add_argument(
        "--enhancements", help="kubernetes/enhancements checkout or keps.json (KEP facts)"
    )
    args = parser.parse_args(argv)
    files, problems = issue_files([args.posts])
    for problem in problems:
        print(problem, file=sys.stderr)
    if not files:
        return 2
    keps = load_kep_facts(args.enhancements)
    if args.enhancements and not keps:
        print(f"error: {args.enhancements}: no kep.yaml or keps.json facts in it", file=sys.stderr)
        return 2
    groups = load_groups()
    started = time.perf_counter()
    findings = [f for path in files for f in check_file(path, groups, keps)]
    seconds = time.perf_counter() - started
    for finding in findings:
        print(f"{finding.severity}: {finding}")
    by_code = collections.Counter((f.code, f.severity) for f in findings)
    print()
    for (code, severity), count in sorted(by_code.items()):
        print(f"{code} {severity}: {count}")
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    print(
        f"posts {len(files)}, errors {errors}, warnings {warnings} "
        f"({warnings / len(files) * 10:.2f} per ten posts), "
        f"KEP facts {'yes' if keps else 'no'}, {seconds:.1f} s"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
