# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The requests session of a client: kept-alive connections, as many as its requests in flight, and one TLS context
per CA bundle. Internal to this collection; not a public API.

requests hands urllib3 the path of the CA bundle, and urllib3 loads it into a new TLS context for every new
connection (about 1.2 ms for a bundle of a few hundred certificates, issue 27).  Here the context is built once per
bundle and process and given to every connection pool: requests calls ``HTTPAdapter.cert_verify`` for every request
in every version (before 2.32 as after, where ``build_connection_pool_key_attributes`` was added), so that is where
the pool is given the context and told not to load the bundle again.  A bundle that changes on disk (its size or
modification time) gets a new context.
"""

from __future__ import annotations

import os
import ssl
import threading
from typing import Any

try:
    from requests.adapters import HTTPAdapter
    from urllib3.util.ssl_ import create_urllib3_context
except ImportError:  # pragma: no cover - reported by client.require_requests()
    HTTPAdapter = object  # type: ignore[assignment,misc]
    create_urllib3_context = None  # type: ignore[assignment]

# requests' own pool size: kept when the client sends fewer requests at once.
DEFAULT_POOL_SIZE = 10

_contexts: dict[tuple[str, int, int], ssl.SSLContext] = {}
_contexts_lock = threading.Lock()


def tls_context(bundle: str) -> ssl.SSLContext:
    """The TLS context that verifies servers against ``bundle`` (a PEM file or a c_rehash directory), built once per
    bundle, size and modification time in this process."""
    found = os.stat(bundle)
    key = (os.path.abspath(bundle), found.st_size, found.st_mtime_ns)
    with _contexts_lock:
        context = _contexts.get(key)
        if context is None:
            # The context urllib3 itself would make (its protocol floor, ciphers and verification flags).
            context = create_urllib3_context(cert_reqs=ssl.CERT_REQUIRED)
            if os.path.isdir(bundle):
                context.load_verify_locations(capath=bundle)
            else:
                context.load_verify_locations(cafile=bundle)
            _contexts[key] = context
        return context


class KeptAliveAdapter(HTTPAdapter):
    """requests' adapter with a pool of ``pool_size`` connections a host and a TLS context shared per CA bundle."""

    def __init__(self, pool_size: int = DEFAULT_POOL_SIZE) -> None:
        super().__init__(pool_connections=DEFAULT_POOL_SIZE, pool_maxsize=max(DEFAULT_POOL_SIZE, pool_size))

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        """requests' checks and settings, then the pool's TLS context in place of the bundle's path."""
        super().cert_verify(conn, url, verify, cert)
        bundle = getattr(conn, 'ca_certs', None) or getattr(conn, 'ca_cert_dir', None)
        if not bundle or getattr(conn, 'cert_reqs', None) != 'CERT_REQUIRED' or not hasattr(conn, 'conn_kw'):
            return
        # New connections of this pool verify with the shared context; urllib3 loads no bundle when none is named.
        conn.conn_kw['ssl_context'] = tls_context(bundle)
        conn.ca_certs = None
        conn.ca_cert_dir = None


def mount(session: Any, pool_size: int) -> None:
    """Give ``session`` a KeptAliveAdapter for https and http."""
    adapter = KeptAliveAdapter(pool_size)
    session.mount('https://', adapter)
    session.mount('http://', adapter)
