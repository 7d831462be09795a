# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the token and api_resource tasks do, as data: the two use cases the edge runs. Internal to this collection; not a public API.

Each takes the frozen options and returns the result dict of one task, or raises.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from ansible_collections.jwtauth.oidc.plugins.module_utils import _converge, _grants, _token_store
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OIDCError, StoreError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http import HttpClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options, OptionsLike
from ansible_collections.jwtauth.oidc.plugins.module_utils._stored_tokens import FORGET, USE, RENEW, TokenProvider, identity, token_client

if TYPE_CHECKING:
    from ansible_collections.jwtauth.oidc.plugins.module_utils._stored_tokens import ClientFactory
    from ansible_collections.jwtauth.oidc.plugins.module_utils._token_request import TokenClient

    # Gives the bearer token for the API; renew=True after the API answered 401.
    TokenSource = Callable[..., str]


def run_token_task(options: OptionsLike, check_mode: bool = False, client: TokenClient | None = None,
                   client_factory: ClientFactory = token_client, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """What the token module does, as data: the result dict of one task.

    In check mode a grant that spends something single-use (a code, a rotating
    refresh token) is not sent, so ``--check`` cannot burn it; client_credentials
    spends nothing and runs, so later tasks can predict their changes.  With
    ``save_as`` the tokens are saved in the store for the lookup; the store is
    checked before the grant is sent, and a save that still fails returns the
    tokens with a warning rather than losing them.
    """
    options = Options.of(options)
    action = options.token_store_action
    if action != USE:
        return _run_store_action(options, action, check_mode, client_factory)
    client = client or client_factory(options)
    if check_mode:
        grant, _form = client.prepare()  # bad options fail in check mode too
        if grant.single_use:
            return dict(changed=False, skipped=True, warnings=client.warnings,
                        msg='Check mode: the {0} grant spends a single-use value and was not sent'.format(grant.name))
    name = options.save_as
    provider = TokenProvider(options) if name else None
    if provider is not None:
        # A code is spent the moment the OP sees it (RFC 6749 section 4.1.2): fail before that, not after.
        provider.check_saveable(name)
    sent_at = time.time()
    try:
        tokens = client.request_token(progress) if progress is not None else client.request_token()
    except OIDCError as exc:
        # Warnings explain failures most of all (a short HMAC secret behind invalid_client, retries).
        exc.warnings.extend(client.warnings)
        raise
    result = _grants.with_default_expiry(tokens, options.default_token_lifetime, sent_at)
    warnings = list(client.warnings)
    if provider is not None:
        try:
            provider.save(name, result)
        except StoreError as exc:
            warnings.append('The tokens were obtained but not saved as {0!r}: {1}. They are in this result only; register it to '
                            'use them'.format(name, exc))
    result.update(changed=False, warnings=warnings)
    return result


def _run_store_action(options: Options, action: str, check_mode: bool, client_factory: ClientFactory) -> dict[str, Any]:
    """token_store_action renew or forget in the module: act on the saved ``save_as`` entry, or on the options' own entry."""
    name = options.save_as
    provider = TokenProvider(options, client_factory=client_factory)
    if provider.store is None:
        raise provider.no_store_error(action, name)
    label = provider.describe_token(name)
    if action == FORGET:
        if check_mode:
            exists = provider.store.read(identity(options, name), cast(bytes, provider.credential)).state != _token_store.MISSING
            return dict(changed=exists, msg='Check mode: would remove {0}'.format(label) if exists else
                        'Check mode: {0} to remove'.format(provider.describe_token(name, 'no')))
        provider.get(name, action=FORGET)
        return dict(changed=provider.removed, msg='Removed {0}'.format(label) if provider.removed else
                    '{0} to remove'.format(provider.describe_token(name, 'No')))
    if check_mode:
        return dict(changed=False, skipped=True, msg='Check mode: {0} was not renewed'.format(label))
    result = cast('dict[str, Any]', provider.get(name, action=RENEW))  # None only for forget
    result.update(changed=False, warnings=provider.warnings)
    return result


def token_provider(options: Options) -> TokenProvider | None:
    """The token store's provider of the bearer token, or None when a static bearer_token is given."""
    if options.bearer_token:
        return None
    return TokenProvider(options.replace(grant_type=None if options.token_name else 'client_credentials'))


def token_source(options: Options, provider: TokenProvider | None) -> TokenSource:
    """A callable giving the bearer token: the static one, or one from the token store (renewed on request)."""
    if provider is None:
        return lambda renew=False: options.bearer_token
    return lambda renew=False: cast('dict[str, Any]', provider.get(options.token_name, force=renew))['access_token']


def run_resource_task(options: OptionsLike, check_mode: bool = False, diff: bool = False, http: HttpClient | None = None,
                      progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Converge a collection: read it once, write only the objects that differ (none in check mode).

    Warnings of the API's HTTP client and of the token request (retries, allow_plain_http,
    a token that could not be stored) go on the result, or on the error when it fails.
    ``progress`` receives a line every few seconds while the writes of a long converge run.
    """
    options = Options.of(options)
    http = http or HttpClient.from_options(options)
    provider = token_provider(options)

    def warnings() -> list[str]:
        found = list(http.warnings)
        found.extend(text for text in (provider.warnings if provider is not None else []) if text not in found)
        return found

    try:
        result = _converge.converge(options, check_mode, diff, http, token_source(options, provider), progress)
    except OIDCError as exc:
        exc.warnings.extend(text for text in warnings() if text not in exc.warnings)
        raise
    own = result.pop('warnings', [])
    found = own + [text for text in warnings() if text not in own]
    if found:
        result['warnings'] = found
    return result
