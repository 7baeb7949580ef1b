"""Write a seed directory with more events than seeds/ has, for benchmarks.

    python benchmarks/synthetic_seeds.py /tmp/bench-seeds --events 200
    DATA_DIR=/tmp/bench-data cms migrate && DATA_DIR=/tmp/bench-data cms seed /tmp/bench-seeds

The real seeds/ are copied unchanged; each extra event is a copy of a real one
(same committee, participants and topics) under a numbered slug and title, so
pages of any size carry realistic relations.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import yaml

from server.seeding.files import render_document, split_front_matter

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="directory to write (replaced if it exists)")
    parser.add_argument("--events", type=int, default=200, help="events in all (at least 10)")
    args = parser.parse_args()

    if args.out.exists():
        shutil.rmtree(args.out)
    shutil.copytree(SEEDS, args.out)
    originals = sorted((SEEDS / "events").glob("*.md"))
    for number in range(max(0, args.events - len(originals))):
        source = originals[number % len(originals)]
        front_text, body, _ = split_front_matter(source.read_text(encoding="utf-8"))
        front = yaml.safe_load(front_text)
        front["slug"] = f"{front['slug'][:80]}-copy-{number + 1}"
        front["title"] = f"{front['title']} (copy {number + 1})"
        (args.out / "events" / f"{front['slug']}.md").write_text(
            render_document(front, body), encoding="utf-8"
        )
    print(f"wrote {max(args.events, len(originals))} events to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
