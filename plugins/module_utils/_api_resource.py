# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the api_resource module does, as data. Internal to this collection; not a public API."""

from __future__ import annotations

from ansible_collections.jwtauth.oidc.plugins.module_utils import _resources
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OIDCError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http import HttpClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options
from ansible_collections.jwtauth.oidc.plugins.module_utils._token_provider import TokenProvider

PAST_TENSE = {'create': 'created', 'update': 'updated', 'delete': 'deleted'}


def token_provider(options):
    """The token store's provider of the bearer token, or None when a static bearer_token is given."""
    if options.bearer_token:
        return None
    return TokenProvider(options.replace(grant_type=None if options.token_name else 'client_credentials'))


def token_source(options, provider):
    """A callable giving the bearer token: the static one, or one from the token store (renewed on request)."""
    if provider is None:
        return lambda renew=False: options.bearer_token
    return lambda renew=False: provider.get(options.token_name, force=renew)['access_token']


def run_resource_task(options, check_mode=False, diff=False, http=None):
    """Converge a collection: read it once, write only the objects that differ (none in check mode).

    Warnings of the API's HTTP client and of the token request (retries, allow_plain_http,
    a token that could not be stored) go on the result, or on the error when it fails.
    """
    options = Options.of(options)
    http = http or HttpClient.from_options(options)
    provider = token_provider(options)

    def warnings():
        found = list(http.warnings)
        found.extend(text for text in (provider.warnings if provider is not None else []) if text not in found)
        return found

    try:
        result = _converge(options, check_mode, diff, http, token_source(options, provider))
    except OIDCError as exc:
        exc.warnings.extend(text for text in warnings() if text not in exc.warnings)
        raise
    if warnings():
        result['warnings'] = warnings()
    return result


def _converge(options, check_mode, diff, http, source):
    collection = _resources.ResourceCollection(
        http, options.url, source, api_style=options.api_style,
        page_size=options.page_size, items_path=options.items_path,
        update_method=options.update_method, server_owned=options.ignore_keys,
    )
    desired = options.items if options.items is not None else [options.item]
    actions = _resources.plan(desired, collection.list_all(), key=options.key, key_query=options.key_query,
                              state=options.state, prune=options.prune,
                              server_owned=collection.server_owned)
    if options.prune:
        _resources.check_prune(actions, desired, options.prune_max)
    # Every object link is checked before the first write, so a refused one leaves nothing half done.
    collection.check_links(actions)
    result = {'created': [], 'updated': [], 'deleted': [], 'unchanged': [], 'ids': {}}
    diffs = []
    for action in actions:
        if action.kind == 'none':
            result['unchanged'].append(action.key)
            if action.current:
                result['ids'][action.key] = action.current.get('id')
            continue
        held = action.current
        if not check_mode:
            try:
                held = collection.apply(action)
            except OIDCError as exc:
                raise _resources.ResourceError(str(exc), done=dict(result), **exc.details) from None
        if action.kind != 'delete':
            # A check-mode create has no id yet: None says so.
            result['ids'][action.key] = (held or {}).get('id')
        result[PAST_TENSE[action.kind]].append(action.key)
        diffs.append({'before_header': str(action.key), 'after_header': str(action.key), 'before': action.before, 'after': action.after})
    result['changed'] = bool(result['created'] or result['updated'] or result['deleted'])
    result['requests'] = collection.requests
    if diff:
        result['diff'] = diffs
    return result
