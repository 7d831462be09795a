# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""URLs the collection sends credentials to, and links it meets in answers. Internal to this collection; not a public API.

One origin rule for the whole library (RFC 6454 section 4: scheme, host and port, a missing port being the
scheme's default): a link in an answer, a PingOne flow's next step and an ID token's issuer are trusted only on
the origin the client already trusts with its credentials, and secrets go only over https.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, cast
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import json_type

# RFC 6454 section 4: a URL without a port has the scheme's default port.
DEFAULT_PORTS = {'https': 443, 'http': 80}

# Hosts that never leave this machine: the only ones allow_plain_http may reach.
LOOPBACK_NAMES = ('localhost', 'localhost.localdomain')


def origin(url: str) -> tuple[str, str, int | None]:
    """RFC 6454 section 4: the (scheme, host, port) of an absolute URL; ValueError when its port is not a port."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or '').lower(), parts.port or DEFAULT_PORTS.get(scheme)


def same_origin(url_a: str, url_b: str) -> bool:
    """True when two absolute URLs have the same origin (RFC 6454 section 4); False when either is not a URL with one."""
    try:
        first, second = origin(url_a), origin(url_b)
    except ValueError:
        return False
    return bool(first[1]) and first == second


def shown_url(url: str) -> str:
    """A URL fit for a message: user credentials a server put in a link are left out."""
    parts = urlsplit(url)
    if '@' not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc='***@' + parts.netloc.rsplit('@', 1)[1]))


# Query parameters that carry a credential or a one-time value somewhere in OAuth 2.0 and OIDC (RFC 6749 section
# 4.1.2 code and state, RFC 7636 code_verifier, OIDC Core id_token_hint and nonce, RFC 6750 section 2.3
# access_token), and what a careless API or proxy puts there.
CREDENTIAL_PARAMETERS = frozenset(
    (
        'access_token', 'actor_token', 'assertion', 'client_assertion', 'client_secret', 'code', 'code_verifier', 'device_code',
        'id_token', 'id_token_hint', 'key', 'nonce', 'password', 'refresh_token', 'secret', 'state', 'subject_token', 'token',
        'user_code',
    )
)  # fmt: skip


def traced_url(url: str) -> str:
    """A URL for a trace of the exchange: shown_url, with the value of each credential-carrying query parameter as ***."""
    parts = urlsplit(shown_url(url))
    if not parts.query:
        return urlunsplit(parts)
    query = [(name, '***' if name.lower() in CREDENTIAL_PARAMETERS else value) for name, value in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query, safe='*')))


def with_query(url: str, **params: Any) -> str:
    """The URL with query parameters added or replaced."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update({k: str(v) for k, v in params.items() if v is not None})
    return urlunsplit(parts._replace(query=urlencode(query)))


def resolve_link(link: Any, base: str, collection_url: str) -> tuple[str | None, str | None]:
    """Where a link found in an answer leads, and whether the bearer token may go there.

    ``link`` is resolved against ``base``, the URL of the answer that carried it (RFC 3986 section 5; HAL
    links are often relative).  Returns ``(url, refusal)``: ``refusal`` is None when ``url`` has the origin
    of ``collection_url`` (same scheme, host and port, RFC 6454), else why not, as words that complete
    "the link ...".  Like requests, which drops Authorization on a redirect to another host, the token
    never follows a link off its origin, and never from https down to http.
    """
    if not isinstance(link, str) or not link.strip():
        return None, f'is {"an empty string" if isinstance(link, str) else json_type(link)}, not a URL'
    url = urljoin(base, link)
    try:
        found, wanted = origin(url), origin(collection_url)
    except ValueError:
        return url, 'is not a valid URL'
    if found[0] not in DEFAULT_PORTS or not found[1]:
        return url, 'is not an http(s) URL'
    if '@' in urlsplit(url).netloc:
        return url, 'carries user credentials'
    if found[0] != wanted[0] and wanted[0] == 'https':
        return url, f'is {found[0]}, not https'
    if found != wanted:
        return url, f'is on another origin ({found[0]}://{found[1]}:{found[2]}) than url ({wanted[0]}://{wanted[1]}:{wanted[2]})'
    return url, None


# RFC 3986 section 3.2.2: a reg-name is unreserved, sub-delims and pct-encoded characters. Non-ASCII letters are an
# internationalized name, which requests encodes (IDNA) and refuses itself when it cannot.
_REG_NAME = re.compile("[A-Za-z0-9\\-._~!$&'()*+,;=%\u0080-\U0010ffff]+")


def authority_problem(parts: SplitResult) -> str | None:
    """Why the host or port of a URL cannot be connected to, whatever the network says (a space in the host, a port of
    99999), or None.  A name that only DNS can refuse is not judged here."""
    try:
        parts.port
    except ValueError:
        return f'its port {parts.netloc.rsplit(":", 1)[-1]!r} is not a number from 0 to 65535'
    host = parts.hostname or ''
    if ':' in host:
        try:
            ipaddress.IPv6Address(host.split('%', 1)[0])
        except ValueError:
            return f'its host [{host}] is not an IPv6 address'
        return None
    if not _REG_NAME.fullmatch(host):
        return f'its host {host!r} is not a host name (RFC 3986 section 3.2.2: letters, digits, "-" and ".")'
    return None


def is_loopback(host: str | None) -> bool:
    """True for a host name or address that stays on this machine (127.0.0.0/8, ::1, localhost)."""
    host = (host or '').strip('[]').lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str | None, source: str, allow_plain_http: bool = False) -> str | None:
    """Refuse a URL that would carry credentials in clear; return a warning text when the opt-in allowed one.

    Secrets go only over TLS (RFC 6749 section 2.3.1 and 3.2: "MUST require the use of
    TLS"; RFC 7523 assertions and bearer tokens are as good as the secret). ``source``
    says where the URL came from, for the message: an option, or a discovery document.
    """
    try:
        parts = urlsplit(url or '')
    except ValueError as exc:  # an unbalanced or invalid [IPv6] literal
        raise ConfigurationError(f'{url} ({source}) is not a valid URL: {exc}', url=url) from None
    if '@' in parts.netloc:
        # RFC 9110 section 4.2.4: userinfo in an http(s) URL is deprecated; requests would also show it in every message.
        shown = shown_url(cast(str, url))
        raise ConfigurationError(
            f'Refusing {shown} ({source}): the URL carries user credentials (user:password@), which are never sent nor shown; '
            'remove them: the token or client authentication comes from the options',
            url=shown,
        )
    scheme = parts.scheme.lower()
    problem = authority_problem(parts) if parts.hostname else None
    if problem:
        # Refused here, naming where the URL came from, rather than sent to requests, which would refuse it too.
        raise ConfigurationError(f'Refusing {url} ({source}): {problem}', url=url)
    if scheme == 'https' and parts.hostname:
        return None
    if scheme == 'http' and parts.hostname:
        if allow_plain_http and is_loopback(parts.hostname):
            return f'allow_plain_http: {url} ({source}) was sent over plain HTTP, without TLS; use this for a development OP on loopback only'
        hint = (
            'allow_plain_http permits plain HTTP to a loopback address only'
            if allow_plain_http
            else 'a proxy that terminates TLS must keep the https scheme (X-Forwarded-Proto), or set allow_plain_http=true for a development OP on loopback'
        )
        raise ConfigurationError(f'Refusing {url} ({source}): secrets and tokens are sent only over https; {hint}', url=url)
    raise ConfigurationError(f'{url} ({source}) is not an absolute https URL', url=url)
