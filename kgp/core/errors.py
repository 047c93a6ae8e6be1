"""The one application error type: services raise it, audiences turn it into a 4xx."""

from __future__ import annotations


class ServiceError(Exception):
    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
