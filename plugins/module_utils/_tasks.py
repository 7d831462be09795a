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

from ansible_collections.jwtauth.oidc.plugins.module_utils import _grants, _resource_report, _resources, _token_store
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OIDCError, ResourceError, StoreError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http import HttpClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options, OptionsLike
from ansible_collections.jwtauth.oidc.plugins.module_utils._stored_tokens import FORGET, USE, RENEW, TokenProvider, identity, token_client

if TYPE_CHECKING:
    from ansible_collections.jwtauth.oidc.plugins.module_utils._stored_tokens import ClientFactory
    from ansible_collections.jwtauth.oidc.plugins.module_utils._token_request import TokenClient

    # Gives the bearer token for the API; renew=True after the API answered 401.
    TokenSource = Callable[..., str]


def run_token_task(options: OptionsLike, check_mode: bool = False, client: TokenClient | None = None,
                   client_factory: ClientFactory = token_client) -> dict[str, Any]:
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
        tokens = client.request_token()
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


PAST_TENSE = {'create': 'created', 'update': 'updated', 'delete': 'deleted'}


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


def run_resource_task(options: OptionsLike, check_mode: bool = False, diff: bool = False, http: HttpClient | None = None) -> dict[str, Any]:
    """Converge a collection: read it once, write only the objects that differ (none in check mode).

    Warnings of the API's HTTP client and of the token request (retries, allow_plain_http,
    a token that could not be stored) go on the result, or on the error when it fails.
    """
    options = Options.of(options)
    http = http or HttpClient.from_options(options)
    provider = token_provider(options)

    def warnings() -> list[str]:
        found = list(http.warnings)
        found.extend(text for text in (provider.warnings if provider is not None else []) if text not in found)
        return found

    try:
        result = _converge(options, check_mode, diff, http, token_source(options, provider))
    except OIDCError as exc:
        exc.warnings.extend(text for text in warnings() if text not in exc.warnings)
        raise
    own = result.pop('warnings', [])
    found = own + [text for text in warnings() if text not in own]
    if found:
        result['warnings'] = found
    return result


def _wrote(result: dict[str, Any]) -> bool:
    """Whether a converge created, updated or deleted anything (its ``changed``, on success or failure)."""
    return bool(result['created'] or result['updated'] or result['deleted'])


def _adopt(collection: _resources.ResourceCollection, action: _resources.Action, exc: ResourceError, options: Options,
           fold: Callable[[Any], Any], planned: Callable[..., list[_resources.Action]]) -> tuple[_resources.Action, Any] | None:
    """After a SCIM create refused with 409 (RFC 7644 section 3.3: uniqueness), the object the server already
    holds under that key, converged as an update: (the action taken, the object now), or None to fail.

    A server that lists fewer objects than it holds (PingOne answers at most 200) shows such objects as missing.
    """
    if action.kind != 'create' or exc.status != 409 or options.api_style != 'scim' or not options.key:
        return None
    existing = collection.find(options.key, action.key, fold)
    if existing is None:
        return None
    (update,) = planned([dict(action.desired, **(action.write_only or {}))], [existing])
    return update, collection.apply(update)


def _converge(options: Options, check_mode: bool, diff: bool, http: HttpClient, source: TokenSource) -> dict[str, Any]:
    collection = _resources.ResourceCollection(
        http, options.url, source, api_style=options.api_style,
        page_size=options.page_size, items_path=options.items_path,
        update_method=options.update_method, server_owned=options.ignore_keys,
    )
    where = 'items' if options.items is not None else 'item'
    desired = options.items if options.items is not None else [options.item]
    if options.member_ids is not None:
        desired = _resource_report.member_references(desired, options.member_ids, check_mode, where)
    fold = _resources.key_folder(options.api_style, options.key)

    def planned(items: list[dict[str, Any]], current: list[dict[str, Any]]) -> list[_resources.Action]:
        return _resources.plan(items, current, key=options.key, key_query=options.key_query, state=options.state, prune=options.prune,
                               server_owned=collection.server_owned, write_only=options.write_only_keys,
                               send_write_only=options.send_write_only, source=where, fold=fold)

    actions = planned(desired, collection.list_all())
    if options.prune:
        _resources.check_prune(actions, desired, options.prune_max)
    # Every object link is checked before the first write, so a refused one leaves nothing half done.
    collection.check_links(actions)
    result: dict[str, Any] = {'created': [], 'updated': [], 'deleted': [], 'unchanged': [], 'ids': {}, 'warnings': []}
    diffs: list[dict[str, Any]] = []
    for action in actions:
        server_object = action.current
        if action.kind != 'none' and not check_mode:
            try:
                try:
                    server_object = collection.apply(action)
                except ResourceError as exc:
                    adopted = _adopt(collection, action, exc, options, fold, planned)
                    if adopted is None:
                        raise
                    action, server_object = adopted
                    result['warnings'].append(
                        '{0} existed although the list of {1} did not show it: its create was refused (HTTP 409), so it was read back '
                        'by {2} and {3}'.format(collection.label(action.key), collection.url, options.key,
                                                'left as it was' if action.kind == 'none' else 'updated'))
            except OIDCError as exc:
                # What this run already wrote stays written: the failed result says so, and that it changed something.
                done = {name: value for name, value in result.items() if name != 'warnings'}
                done['changed'] = _wrote(result)
                failed = ResourceError(str(exc), done=done, **exc.details)
                failed.warnings.extend(list(exc.warnings) + result['warnings'])
                raise failed from None
        if action.kind == 'none':
            result['unchanged'].append(action.key)
            if server_object:
                result['ids'][action.key] = server_object.get('id')
            continue
        if action.kind != 'delete':
            # A check-mode create has no id yet: None says so.
            result['ids'][action.key] = (server_object or {}).get('id')
        result[PAST_TENSE[action.kind]].append(action.key)
        diffs.append({'before_header': str(action.key), 'after_header': str(action.key),
                      'before': _resource_report.diff_view(action.before, options.write_only_keys, options.member_ids),
                      'after': _resource_report.diff_view(action.after, options.write_only_keys, options.member_ids)})
    result['changed'] = _wrote(result)
    result['requests'] = collection.requests
    result['msg'] = _resource_report.summary(result, collection.name, check_mode)
    if diff:
        result['diff'] = diffs
    return result
