# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PingOne's error answers, shaped as the contract types them per status.

Every body is ``{"id", "code", "message", "details": [{"code", "target", "message", "innerError"}]}`` (P1Error, SDK
lines 5666-5717); the top-level and detail codes of each status are those of pingone-go-client's typed error models
(contract.ERRORS, with their lines in pingone/api/openapi.yaml). The messages of NOT_FOUND, ACCESS_FAILED and
INVALID_DATA are the ones Ping's Terraform provider matches (internal/framework/retry.go:29, internal/sdk/retry.go:36,
docs/guides/admin-role-management.md); the other messages are UNCONFIRMED.
"""

import datetime
import uuid

from . import contract
from .times import iso, utc_now

MESSAGES = {
    'INVALID_DATA': 'The request could not be completed. One or more validation errors were in the request.',
    'INVALID_REQUEST': 'The request could not be completed. The request was malformed or invalid.',
    'NOT_FOUND': 'The request could not be completed. The requested resource was not found.',
    'ACCESS_FAILED': 'The request could not be completed. You do not have access to this resource.',
    'REQUEST_LIMITED': 'The request could not be completed. Too many requests; retry after the time in Retry-After.',
    'METHOD_NOT_ALLOWED': 'The request could not be completed. The method is not supported for this resource.',
    'UNEXPECTED_ERROR': 'The request could not be completed. An unexpected error occurred.',
    'SERVICE_UNAVAILABLE': 'The request could not be completed. The service is unavailable.',
}
# 401 shares ACCESS_FAILED with 403 (UnauthorizedError, GC 20021-20027): its own message, UNCONFIRMED.
UNAUTHORIZED_MESSAGE = 'The request could not be completed. The access token is missing, invalid or expired.'
# The first (or only) top-level code of each status in the contract's error models; 405 and 503 have no typed model
# (405 METHOD_NOT_ALLOWED and 503 SERVICE_UNAVAILABLE are UNCONFIRMED; 503 is a GeneralError with a free code).
STATUS_CODES = {error.status: error.codes[0] for error in contract.ERRORS if error.codes}
STATUS_CODES.update({405: 'METHOD_NOT_ALLOWED', 409: 'INVALID_DATA', 502: 'UNEXPECTED_ERROR', 503: 'SERVICE_UNAVAILABLE', 504: 'UNEXPECTED_ERROR'})
# What a 429 asks a client to wait, in seconds (Retry-After) and as innerError.retryAfter.
RETRY_AFTER_SECONDS = 1


class APIError(Exception):
    """An answer in PingOne's error shape: status, code, message, details and headers."""

    def __init__(self, status, code=None, message=None, details=None, headers=None):
        self.status = status
        self.code = code or STATUS_CODES.get(status, 'UNEXPECTED_ERROR')
        super().__init__(self.code)
        self.message = message or MESSAGES.get(self.code, MESSAGES['UNEXPECTED_ERROR'])
        self.details = details or []
        self.headers = headers or {}

    def body(self):
        body = {'id': str(uuid.uuid4()), 'code': self.code, 'message': self.message}
        if self.details:
            body['details'] = self.details
        return body


def detail(code, target, message, inner=None):
    """One item of ``details``."""
    item = {'code': code, 'message': message}
    if target is not None:
        item['target'] = target
    if inner:
        item['innerError'] = inner
    return item


def invalid(*problems):
    """400 INVALID_DATA (BadRequestError, GC 3503) with details, each (code, target, message[, innerError])."""
    return APIError(400, 'INVALID_DATA', details=[detail(*problem) for problem in problems])


def bad_request(*problems):
    """400 INVALID_REQUEST: a request PingOne cannot parse or take as sent (an undeclared query parameter, bad JSON)."""
    return APIError(400, 'INVALID_REQUEST', details=[detail(*problem) for problem in problems])


def not_found():
    """404 NOT_FOUND (NotFoundError, GC 12140)."""
    return APIError(404, 'NOT_FOUND')


def unauthorized(www_authenticate):
    """401 ACCESS_FAILED with the detail INVALID_TOKEN (UnauthorizedError, GC 12522; detail codes GC 20028-20034)."""
    return APIError(
        401,
        'ACCESS_FAILED',
        UNAUTHORIZED_MESSAGE,
        [detail('INVALID_TOKEN', 'Authorization', 'The access token is missing, invalid or expired.')],
        {'WWW-Authenticate': www_authenticate},
    )


def forbidden(target):
    """403 ACCESS_FAILED with the detail INSUFFICIENT_PERMISSIONS (ForbiddenError, GC 11976; detail codes GC 19791-19797),
    with the detail message Ping's Terraform provider quotes (internal/sdk/retry.go:36)."""
    return APIError(
        403, 'ACCESS_FAILED', details=[detail('INSUFFICIENT_PERMISSIONS', target, 'The actor attempting to perform the request is not authorized.')]
    )


def unknown_environment(target):
    """An environment the server does not hold: 403 ACCESS_FAILED, "This may occur if the environment doesn't exist"
    (http.403.Forbidden.P14C63085, GC 3421-3427; Terraform's CheckEnvironmentExistsOnPermissionsError, internal/framework/
    sdk.go:75-92). Which detail comes with it is UNCONFIRMED: INSUFFICIENT_PERMISSIONS here."""
    return forbidden(target)


def unsupported_media_type(content_type, allowed):
    """415 INVALID_REQUEST (UnsupportedMediaTypeError, GC 12561; code enum GC 20060-20066; its detail codes are free
    strings: INVALID_VALUE here, UNCONFIRMED)."""
    shown = (content_type or '(none)')[:100]
    return APIError(415, 'INVALID_REQUEST', details=[detail('INVALID_VALUE', 'Content-Type', 'Content type %s is not one of %s' % (shown, ', '.join(allowed)))])


def method_not_allowed(allowed):
    """405 (the SDK declares 405 on creates, P1Error; its code is UNCONFIRMED) with the Allow header of RFC 9110 section 15.5.6."""
    return APIError(405, 'METHOD_NOT_ALLOWED', headers={'Allow': ', '.join(allowed)})


def rate_limited(seconds=RETRY_AFTER_SECONDS):
    """429 REQUEST_LIMITED with the detail LIMIT_EXCEEDED whose innerError.retryAfter is a date-time, and a Retry-After
    header in seconds (TooManyRequestsError, GC 12481-12521, 19963-19995; http.429.TooManyRequests, GC 3472-3479)."""
    retry_at = iso(utc_now() + datetime.timedelta(seconds=seconds))
    return APIError(
        429,
        'REQUEST_LIMITED',
        details=[detail('LIMIT_EXCEEDED', None, 'The request rate limit was exceeded.', {'retryAfter': retry_at})],
        headers={'Retry-After': str(seconds)},
    )


def unavailable():
    """503 with Retry-After (GeneralError, http.503.ServiceUnavailable; its code is a free string, UNCONFIRMED)."""
    return APIError(503, 'SERVICE_UNAVAILABLE', headers={'Retry-After': str(RETRY_AFTER_SECONDS)})


def injected(status):
    """The answer of a fault armed for a status: PingOne's own shape where the contract has one."""
    if status == 429:
        return rate_limited()
    if status == 503:
        return unavailable()
    if status == 404:
        return not_found()
    return APIError(status)
