"""Log lines as JSON objects (one per line) or as text, and the configuration that
`cms serve` hands to uvicorn so that its workers log the same way.

A JSON line holds the time, level, logger and message, the request id of the request
being handled (if any), the exception's traceback (if any) and the fields the call
passed in `extra`, such as the request log's operation, status and duration.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson

from server.observability.request_id import current_request_id
from server.settings import LogFormat, Settings

# Attributes every LogRecord has; anything else on a record came from `extra`.
_STANDARD = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "color_message", "taskName"}
)


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id.get()
        if request_id is not None:
            line["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(line, default=str).decode()


class TextFormatter(logging.Formatter):
    """`time level logger: message [request id]`, for reading in a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        request_id = getattr(record, "request_id", None) or current_request_id.get()
        return f"{text} [{request_id}]" if request_id else text


def formatter_for(log_format: LogFormat) -> logging.Formatter:
    return JsonFormatter() if log_format is LogFormat.JSON else TextFormatter()


def logging_config(settings: Settings) -> dict[str, Any]:
    """A `logging.config.dictConfig` for the app and uvicorn, as the settings ask."""
    formatter = (
        "server.observability.logs.JsonFormatter"
        if settings.resolved_log_format is LogFormat.JSON
        else "server.observability.logs.TextFormatter"
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": {"()": formatter}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["default"], "level": settings.log_level},
        "loggers": {
            # uvicorn's own loggers write through the root handler, in the same format.
            "uvicorn": {"handlers": [], "level": settings.log_level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": settings.log_level, "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": True},
        },
    }
