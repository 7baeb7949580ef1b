"""Seed files: reading a directory of content into the database and exporting it back."""

from server.seeding.exporter import ExportReport, export_directory
from server.seeding.leftovers import Leftover
from server.seeding.loader import SeedReport, read_directory, seed_directory
from server.seeding.problems import Problem, SeedValidationError

__all__ = [
    "ExportReport",
    "Leftover",
    "Problem",
    "SeedReport",
    "SeedValidationError",
    "export_directory",
    "read_directory",
    "seed_directory",
]
