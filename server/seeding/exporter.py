"""Exporting the database into a seed directory, in the one canonical style."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from server.seeding.files import DocumentDirectory
from server.seeding.kinds import KINDS


@dataclass
class ExportReport:
    """What an export wrote: records per kind, the files, and old documents it did not write."""

    counts: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)

    def summary(self) -> list[str]:
        return [f"{kind}: {count} exported" for kind, count in self.counts.items()]


async def export_directory(path: Path) -> ExportReport:
    """Writes every kind of content under `path` so that `cms seed` reads it back unchanged.

    Files are overwritten; other files are left alone, and documents that no exported
    record wrote are reported as `stale`.
    """
    report = ExportReport()
    path.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        records = await kind.read()
        if kind.attachments is not None:
            records, attached, stale = await kind.attachments.export(path, records)
            report.files.extend(attached)
            report.stale.extend(stale)
        written = kind.files.write(path, [record.model_dump(mode="json") for record in records])
        report.counts[kind.plural] = len(records)
        report.files.extend(written)
        if isinstance(kind.files, DocumentDirectory):
            report.stale.extend(kind.files.stale(path, written))
    return report
