# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Exceptions raised by the library. Internal to this collection; not a public API."""

from __future__ import annotations

from typing import Any, TypeVar

Error = TypeVar('Error', bound='OIDCError')


def failed_to(what: str, where: str | None, reason: str) -> str:
    """The words of every failure: ``Failed to {what} at {where}: {reason}``, written once (amazon.aws errors.py does so).

    ``what`` is the step in the user's words ("exchange the authorization code"), ``where`` the URL it was sent to (or
    None), ``reason`` what the server said or what went wrong.
    """
    return f'Failed to {what}{f" at {where}" if where else ""}: {reason}'


class OIDCError(Exception):
    """Base error: a message that says what failed and why, plus structured details.

    ``details`` holds only non-secret facts (URL, HTTP status, the OP's ``error``,
    ``error_description`` and ``error_uri``, the answer's correlation ID) so the module and lookup edges can
    return them as result keys.  No secret, assertion or token is ever put here.
    """

    def __init__(
        self,
        message: str,
        url: str | None = None,
        status: int | None = None,
        error: str | None = None,
        error_description: str | None = None,
        error_uri: str | None = None,
        correlation_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.url = url
        self.status = status
        self.error = error
        self.error_description = error_description
        self.error_uri = error_uri
        self.correlation_id = correlation_id

    @classmethod
    def failure(cls: type[Error], what: str, where: str | None, reason: str, **details: Any) -> Error:
        """The error in the words of failed_to, with ``where`` as its ``url`` detail unless ``details`` name another."""
        details.setdefault('url', where)
        return cls(failed_to(what, where, reason), **details)

    @property
    def details(self) -> dict[str, Any]:
        """The non-empty structured details, as a dict of result keys."""
        found = {
            'url': self.url,
            'status': self.status,
            'error': self.error,
            'error_description': self.error_description,
            'error_uri': self.error_uri,
            'correlation_id': self.correlation_id,
        }
        return {key: value for key, value in found.items() if value is not None}

    def __str__(self) -> str:
        return self.message


class ConfigurationError(OIDCError):
    """The options cannot work together; raised before any network traffic."""


class TransportError(OIDCError):
    """The request did not get an HTTP answer: DNS, refused connection, TLS, timeout."""


class ResponseError(OIDCError):
    """The server answered, but not with something this client can use."""


class DeadlineError(OIDCError):
    """A call would run past the time its caller gave it (a device poll and device_timeout): nothing more was sent.

    ``why`` says what the call met last (an answer to wait for, a lost connection), in words that complete "the last
    attempt ...", for the caller's own message.
    """

    def __init__(self, message: str, why: str = '', **details: Any) -> None:
        super().__init__(message, **details)
        self.why = why


class PageLimitError(ResponseError):
    """A list with more pages than its reader allows (``max_pages``): nothing of it is returned."""


class UnpagedListError(ResponseError):
    """A SCIM server that holds more objects than it lists and does not page through them (PingOne's SCIM API
    answers at most 200, whatever startIndex asks): the objects can be read by filter, not listed.
    ``listed`` is how many distinct objects the list showed, ``total`` how many the server says it holds."""

    def __init__(self, message: str, listed: int = 0, total: int = 0, **details: Any) -> None:
        super().__init__(message, **details)
        self.listed = listed
        self.total = total


class OAuthError(ResponseError):
    """The server answered with an OAuth 2.0 error response (RFC 6749 section 5.2)."""


class DiscoveryError(ResponseError):
    """The OpenID Provider metadata or its JWKS could not be used."""


class IdTokenError(OIDCError):
    """The ID token failed validation (OIDC Core section 3.1.3.7)."""


class ResourceError(OIDCError):
    """A read or write of api_resource failed; ``done`` lists what was already changed."""

    def __init__(self, message: str, done: dict[str, Any] | None = None, **details: Any) -> None:
        super().__init__(message, **details)
        self.done: dict[str, Any] | list[Any] = done or []


class StoreError(OIDCError):
    """A stored token cannot be used or renewed."""
