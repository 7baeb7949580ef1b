"""Reading a /metrics answer back into numbers, with prometheus-client's own parser."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(exposition: str) -> Samples:
    """Every sample of a Prometheus text exposition, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def value(scraped: Samples, name: str, **labels: str) -> float:
    """The sample's value; 0 for one the exposition does not have (a counter not yet moved)."""
    return scraped.get((name, frozenset(labels.items())), 0.0)
