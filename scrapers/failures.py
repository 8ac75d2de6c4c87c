"""Why a request failed, in words for the run report. Shared by every spider's errback."""

from __future__ import annotations

from scrapy.exceptions import DownloadCancelledError
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure


def failure_reason(failure: Failure, maxsize: int = 0) -> str:
    """Why a request failed, in words for the run report (status, Retry-After, size cap...)."""
    if failure.check(HttpError):
        response = failure.value.response
        after = (response.headers.get("Retry-After") or b"").decode("latin-1").strip()
        return f"HTTP {response.status}" + (f" (Retry-After: {after})" if after else "")
    if failure.check(DownloadCancelledError, CancelledError):
        detail = failure.getErrorMessage().split(" in request ")[0]
        limit = f"over DOWNLOAD_MAXSIZE ({maxsize} bytes)" if maxsize else "over DOWNLOAD_MAXSIZE"
        return f"body too large, download refused: {detail or limit}"[:300]
    return f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
