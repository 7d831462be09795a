# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The aud of a client assertion, endpoint by endpoint: one table per function (ansible-test forks per test)."""

from __future__ import annotations

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OIDCError
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth import audience

ISSUER = 'https://op.example.test'
TOKEN = ISSUER + '/token'
REVOKE = ISSUER + '/token/revocation'
INTROSPECT = ISSUER + '/token/introspection'
DEVICE = ISSUER + '/device/auth'
EXPLICIT = 'https://op.example.test/custom-aud'


def outcome(*args):
    try:
        return audience.assertion_audience(*args)
    except OIDCError as exc:
        return (type(exc).__name__, str(exc))


def test_assertion_audience():
    """Each row: style, explicit audience, endpoint called, token endpoint, issuer, then the aud or (error class, message)."""
    table = [
        # endpoint (the default): the URL called, the token endpoint at the token endpoint.
        ('endpoint', None, TOKEN, TOKEN, ISSUER, TOKEN),
        ('endpoint', None, REVOKE, TOKEN, ISSUER, REVOKE),
        ('endpoint', None, INTROSPECT, TOKEN, None, INTROSPECT),
        ('endpoint', None, DEVICE, TOKEN, None, DEVICE),
        # token_endpoint: what every request named before; the endpoint itself when no token endpoint is known.
        ('token_endpoint', None, REVOKE, TOKEN, ISSUER, TOKEN),
        ('token_endpoint', None, DEVICE, TOKEN, None, TOKEN),
        ('token_endpoint', None, INTROSPECT, None, None, INTROSPECT),
        # issuer: the issuer identifier everywhere, as one string; without one, refused.
        ('issuer', None, TOKEN, TOKEN, ISSUER, ISSUER),
        ('issuer', None, REVOKE, TOKEN, ISSUER, ISSUER),
        ('issuer', None, DEVICE, TOKEN, None, ('ConfigurationError', audience.ISSUER_UNKNOWN)),
        # An explicit audience wins over every style, at every endpoint.
        ('endpoint', EXPLICIT, REVOKE, TOKEN, ISSUER, EXPLICIT),
        ('token_endpoint', EXPLICIT, DEVICE, TOKEN, ISSUER, EXPLICIT),
        ('issuer', EXPLICIT, TOKEN, TOKEN, None, EXPLICIT),
        (
            'everywhere',
            None,
            TOKEN,
            TOKEN,
            ISSUER,
            ('ConfigurationError', 'assertion_audience must be one of endpoint, token_endpoint, issuer, got everywhere'),
        ),
    ]
    wrong = [(row[:5], outcome(*row[:5])) for row in table if outcome(*row[:5]) != row[5]]
    assert wrong == []


def test_checks_before_any_request():
    """Each row: style, explicit audience, issuer known, then the error of require_issuer (or None) and the warning of ignored_style."""
    table = [
        ('issuer', None, False, audience.ISSUER_UNKNOWN, None),
        ('issuer', None, True, None, None),
        ('issuer', EXPLICIT, False, None, 'assertion_audience=issuer is not used: audience is set, and the client assertion names it at every endpoint'),
        (
            'token_endpoint',
            EXPLICIT,
            True,
            None,
            'assertion_audience=token_endpoint is not used: audience is set, and the client assertion names it at every endpoint',
        ),
        ('endpoint', EXPLICIT, False, None, None),  # the default says nothing of what the user chose
        ('endpoint', None, False, None, None),
    ]
    got = []
    for style, explicit, known, _error, _warning in table:
        try:
            audience.require_issuer(style, explicit, known)
            error = None
        except OIDCError as exc:
            error = str(exc)
        got.append((style, explicit, known, error, audience.ignored_style(style, explicit)))
    assert got == table
