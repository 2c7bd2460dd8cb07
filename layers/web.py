"""Explicit, bounded HTTP access to the web services a user chose.

User *files* never reach the network (:mod:`.gdal_safety`). Web services are a
separate path that only an explicit user action takes: an address the user
typed or picked from the presets. Every address passes :func:`check_url`
(``http``/``https`` with a host only; no ``file:``, no GDAL ``/vsi...``
paths, no credentials in the address), every request has a timeout and a
size limit, and a failure to connect becomes one
:class:`.ServiceUnavailableError` ("geen verbinding").
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from slimmeregio.layers.errors import (
    ServiceResponseError,
    ServiceUnavailableError,
    ServiceUrlError,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_RESPONSE_BYTES",
    "Response",
    "check_url",
    "get",
    "ogc_capabilities",
    "user_agent",
]

#: Seconds to wait for a connection and for each read.
DEFAULT_TIMEOUT = 8.0
#: Largest response body read (a tile, a capabilities document, a page of
#: features); a larger answer is refused, not truncated.
MAX_RESPONSE_BYTES = 64 * 1024**2

_SCHEMES = ("http", "https")


def _refuse(url: str, nl: str, en: str) -> ServiceUrlError:
    return ServiceUrlError(url=url, reason={"nl": nl, "en": en})


def check_url(url: str) -> str:
    """``url`` stripped, when it is an ``http``/``https`` address with a host.

    Raises
    ------
    ServiceUrlError
        Another scheme (``file:``, ``ftp:`` ...), a GDAL virtual path
        (``/vsicurl/...``), no host, or a user name/password in the address.
    """
    text = str(url).strip()
    if not text:
        raise _refuse(text, "leeg adres", "empty address")
    if text.lower().startswith("/vsi") or "/vsi" in text.lower().split("?", 1)[0]:
        raise _refuse(text, "GDAL-pad", "GDAL virtual path")
    if any(ord(c) < 32 or c.isspace() for c in text):
        raise _refuse(text, "spaties of stuurtekens", "spaces or control characters")
    parts = urllib.parse.urlsplit(text)
    if parts.scheme.lower() not in _SCHEMES:
        raise _refuse(text, "alleen http en https", "only http and https")
    if not parts.hostname:
        raise _refuse(text, "geen server", "no server")
    if parts.username or parts.password:
        raise _refuse(
            text,
            "gebruikersnaam of wachtwoord in het adres",
            "user name or password in the address",
        )
    return text


def user_agent() -> str:
    """The User-Agent header (tile providers such as OpenStreetMap require one)."""
    from slimmeregio import __version__

    return f"SlimmeRegioPlanner/{__version__} (+https://github.com/slimmeregio)"


@dataclass(frozen=True)
class Response:
    """A complete HTTP answer: final URL, status, content type and body."""

    url: str
    status: int
    content_type: str
    body: bytes

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def _reason(error: BaseException) -> dict[str, str]:
    import requests

    if isinstance(error, requests.Timeout):
        return {
            "nl": "de server antwoordt niet op tijd",
            "en": "the server does not answer in time",
        }
    if isinstance(error, requests.ConnectionError):
        return {"nl": "de server is niet bereikbaar", "en": "the server cannot be reached"}
    return {"nl": "de verbinding mislukte", "en": "the connection failed"}


def get(
    url: str,
    *,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_RESPONSE_BYTES,
    session: Any = None,
) -> Response:
    """GET ``url`` (checked by :func:`check_url`) within ``timeout`` seconds.

    Raises
    ------
    ServiceUrlError
        The address is refused (nothing is requested).
    ServiceUnavailableError
        No connection, a timeout, or a server error (5xx).
    ServiceResponseError
        Another HTTP error (4xx) or an answer larger than ``max_bytes``.
    """
    import requests

    target = check_url(url)
    sender = session if session is not None else requests
    head = {"User-Agent": user_agent(), **(headers or {})}
    try:
        with sender.get(
            target, params=params, headers=head, timeout=timeout, stream=True
        ) as answer:
            declared = answer.headers.get("Content-Length")
            if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                raise ServiceResponseError(url=target, reason=_too_large(max_bytes))
            chunks: list[bytes] = []
            size = 0
            for chunk in answer.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > max_bytes:
                    raise ServiceResponseError(url=target, reason=_too_large(max_bytes))
                chunks.append(chunk)
            status = int(answer.status_code)
            content_type = answer.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
            final = str(answer.url)
    except (ServiceResponseError, ServiceUrlError):
        raise
    except requests.RequestException as error:
        raise ServiceUnavailableError(
            url=target, reason=_reason(error), detail=str(error)
        ) from None
    if status >= 500:
        raise ServiceUnavailableError(
            url=target,
            reason={"nl": f"serverfout {status}", "en": f"server error {status}"},
        )
    if status >= 400:
        raise ServiceResponseError(
            url=target, reason={"nl": f"HTTP-fout {status}", "en": f"HTTP error {status}"}
        )
    return Response(url=final, status=status, content_type=content_type, body=b"".join(chunks))


T = TypeVar("T")


def ogc_capabilities(
    url: str,
    service: str,
    version: str,
    read: Callable[[str, bytes], T],
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> T:
    """``read(address, document)`` of the GetCapabilities ``version`` of the
    OGC ``service`` (``WMS``, ``WFS``) at ``url``, asked at the address
    without its query; ``read`` failing on the server's XML is one
    :class:`.ServiceResponseError` ("geen geldig WFS-capabilitiesdocument").

    Raises
    ------
    ServiceUrlError, ServiceUnavailableError, ServiceResponseError
    """
    parts = urllib.parse.urlsplit(check_url(url))
    base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    answer = get(
        base,
        params={"SERVICE": service, "REQUEST": "GetCapabilities", "VERSION": version},
        timeout=timeout,
    )
    try:
        return read(base, answer.body)
    except Exception as error:  # noqa: BLE001 - any parse failure of the server's XML is one message
        raise ServiceResponseError(
            url=base,
            reason={
                "nl": f"geen geldig {service}-capabilitiesdocument",
                "en": f"no valid {service} capabilities document",
            },
            detail=f"{type(error).__name__}: {error}",
        ) from None


def _too_large(limit: int) -> dict[str, str]:
    mb = limit / 1024**2
    return {"nl": f"antwoord groter dan {mb:g} MB", "en": f"answer larger than {mb:g} MB"}
