# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the token, api_resource, api_info, revoke, introspect and pingone_application_secret tasks do, as data: the use cases
the edge runs. Internal to this collection; not a public API.

Each takes the frozen options and the call's TaskContext, and returns the result dict of one task or raises; what the
user must also be told goes to the context, whose warnings the edge puts on the result, failed or not.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Union, cast

from ansible.module_utils.common.parameters import remove_values

from ansible_collections.jwtauth.oidc.plugins.module_utils import _masking
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._environment.engine import EnvironmentRun
from ansible_collections.jwtauth.oidc.plugins.module_utils._environment.export import EnvironmentExport, dump, dump_json, write_if_changed
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OIDCError, ResourceError, ResponseError, StoreError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.admin_client import TokenAdminClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.responses import with_default_expiry
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import bearer_origin, http_client_for
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone import secret_rotation as rotation
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.locations import management_root
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.collection import READ_AFTER_CREATE_TRIES, ResourceCollection, refused
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.converge import converge
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.plan import selector
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.report import detailed
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.query import compile_query, json_query
from ansible_collections.jwtauth.oidc.plugins.module_utils._store.budget import budget_for
from ansible_collections.jwtauth.oidc.plugins.module_utils._store.files import MISSING, OK, UNDECRYPTABLE, Entry, TokenStore, is_fresh
from ansible_collections.jwtauth.oidc.plugins.module_utils._store.provider import (
    FORGET,
    RENEW,
    USE,
    TokenProvider,
    credential_material,
    effective_leeway,
    identity,
    token_client,
)

if TYPE_CHECKING:
    from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import TokenClient
    from ansible_collections.jwtauth.oidc.plugins.module_utils._store.provider import ClientFactory

    # Gives the bearer token for the API; renew=True after the API answered 401.
    TokenSource = Callable[..., str]

# What the use cases take: the edge's Options, or a plain dict (tests, benchmarks), made Options with every default.
OptionsLike = Union[Options, Mapping[str, Any]]


def run_token_task(
    options: OptionsLike,
    context: TaskContext,
    check_mode: bool = False,
    client: TokenClient | None = None,
    client_factory: ClientFactory = token_client,
) -> dict[str, Any]:
    """What the token module does, as data: the result dict of one task (its warnings are the context's).

    In check mode a grant that spends something single-use (a code, a rotating
    refresh token) is not sent, so ``--check`` cannot burn it; client_credentials
    spends nothing and runs, so later tasks can predict their changes.  With
    ``save_as`` the tokens are saved in the store for the lookup; the store is
    checked before the grant is sent, and a save that still fails returns the
    tokens with a warning rather than losing them.
    """
    options = options_of(options)
    action = options.token_store_action
    if action != USE:
        return _run_store_action(options, context, action, check_mode, client_factory)
    client = client or client_factory(options, context)
    if check_mode:
        grant, _form = client.prepare()  # bad options fail in check mode too
        if grant.single_use:
            return dict(changed=False, skipped=True, msg=f'Check mode: the {grant.name} grant spends a single-use value and was not sent')
    name = options.save_as
    provider = TokenProvider(options, context) if name else None
    if provider is not None:
        # A code is spent the moment the OP sees it (RFC 6749 section 4.1.2): fail before that, not after.
        provider.check_saveable(name)
    sent_at = time.time()
    result = with_default_expiry(client.request_token(), options.default_token_lifetime, sent_at)
    if provider is not None:
        try:
            provider.save(name, result)
        except StoreError as exc:
            context.warn(f'The tokens were obtained but not saved as {name!r}: {exc}. They are in this result only; register it to use them')
    result.update(changed=False)
    return result


def _run_store_action(options: Options, context: TaskContext, action: str, check_mode: bool, client_factory: ClientFactory) -> dict[str, Any]:
    """token_store_action renew or forget in the module: act on the saved ``save_as`` entry, or on the options' own entry."""
    name = options.save_as
    provider = TokenProvider(options, context, client_factory=client_factory)
    if provider.store is None:
        raise provider.no_store_error(action, name)
    label = provider.describe_token(name)
    if action == FORGET:
        if check_mode:
            exists = provider.store.read(identity(options, name), cast(bytes, provider.credential)).state != MISSING
            return dict(changed=exists, msg=f'Check mode: would remove {label}' if exists else f'Check mode: {provider.describe_token(name, "no")} to remove')
        provider.get(name, action=FORGET)
        return dict(changed=provider.removed, msg=f'Removed {label}' if provider.removed else f'{provider.describe_token(name, "No")} to remove')
    if check_mode:
        return dict(changed=False, skipped=True, msg=f'Check mode: {label} was not renewed')
    result = cast('dict[str, Any]', provider.get(name, action=RENEW))  # None only for forget
    result.update(changed=False)
    return result


def token_provider(options: Options, context: TaskContext) -> TokenProvider | None:
    """The token store's provider of the bearer token, or None when a static bearer_token is given."""
    if options.bearer_token:
        return None
    # api_resource gets its bearer token by client credentials, or the token saved as token_name.
    return TokenProvider(options.replace(grant_type='client_credentials'), context)


def token_source(options: Options, provider: TokenProvider | None) -> TokenSource:
    """A callable giving the bearer token: the static one, or one from the token store, held in memory (HeldToken)."""
    if provider is None:
        return lambda renew=False: options.bearer_token
    return HeldToken(provider, options.token_name)


class HeldToken:
    """The bearer token of one task: read from the token store once, then held in memory for the task's requests.

    Reading it from the store decrypts a file (a key derived by HKDF, then AES-GCM): once a request, that was most of
    what a converge of 10,000 objects did besides waiting on the network (issue 27).  The token held is given while it
    is fresh for the provider's leeway (expiry_leeway, or half its lifetime when that is shorter), then asked of the
    provider again, which serves the store's or renews it; ``renew=True`` (the API answered 401) renews it at once.
    Thread-safe: a converge's requests share it.
    """

    def __init__(self, provider: TokenProvider, name: str | None) -> None:
        self.provider = provider
        self.name = name
        self.tokens: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def __call__(self, renew: bool = False) -> str:
        with self._lock:
            tokens = self.tokens
            if renew or tokens is None or not is_fresh(tokens, effective_leeway(tokens, self.provider.leeway)):
                tokens = self.tokens = cast('dict[str, Any]', self.provider.get(self.name, force=renew))
            return cast(str, tokens['access_token'])


def budgeted_http(options: Options, context: TaskContext) -> HttpClient:
    """The HTTP client of a task, paced by the controller's rate budget its options name (rate_limit): every use case
    takes it from here, so that none is left out of the budget."""
    return http_client_for(options, context, budget_for(options))


def run_resource_task(
    options: OptionsLike, context: TaskContext, check_mode: bool = False, diff: bool = False, http: HttpClient | None = None
) -> dict[str, Any]:
    """Converge a collection: read it once, write only the objects that differ (none in check mode).

    What the API's HTTP client and the token request learn (retries, allow_plain_http, a token that could not be
    stored) goes to the context; a long converge shows its progress there every few seconds.
    """
    options = options_of(options)
    http = http if http is not None else budgeted_http(options, context)
    http.check_url(options.url, 'the url option')  # before the token request too
    return detailed(converge(options, check_mode, diff, http, token_source(options, token_provider(options, context))), options.result_detail)


def run_environment_task(
    options: OptionsLike, context: TaskContext, check_mode: bool = False, diff: bool = False, http: HttpClient | None = None
) -> dict[str, Any]:
    """Converge a PingOne environment document (or one part of it): every type of the type table, in order, each
    collection read once and written only where it differs (nothing in check mode), with one bearer token source."""
    options = options_of(options)
    http = http if http is not None else budgeted_http(options, context)
    url = environment_url(options, http)
    run = EnvironmentRun(options, http, token_source(options, token_provider(options, context)), url, check_mode, bearer_origin(options))
    result = run.run(options.part)
    if not diff:
        del result['diff']
    return result


def environment_url(options: Options, http: HttpClient) -> str:
    """The Management API URL of the environment: api_url, else https://api.pingone.<tld>/v1/environments/<envID>."""
    url = options.api_url.rstrip('/') if options.api_url else management_root(options.environment_id, options.region)
    http.check_url(url, 'the api_url option')  # before the token request too
    return url


def run_export_task(options: OptionsLike, context: TaskContext, check_mode: bool = False, diff: bool = False, http: HttpClient | None = None) -> dict[str, Any]:
    """Read a PingOne environment into the document that converges it, and write it as YAML (JSON for a ``.json`` file) to ``dest`` when it differs
    from what the file holds (not in check mode). Reads only, so it runs in check mode too."""
    options = options_of(options)
    http = http if http is not None else budgeted_http(options, context)
    url = environment_url(options, http)
    export = EnvironmentExport(
        http,
        token_source(options, token_provider(options, context)),
        url,
        options.types,
        options.select,
        options.page_size,
        options.parallel,
        options.vault_variable,
        bearer_origin(options),
    )
    document = export.read()
    counts = ', '.join(f'{count:,} {plural}' for plural, count in export.counts.items())
    result: dict[str, Any] = {'changed': False, 'counts': export.counts, 'requests': export.requests}
    if not options.dest:
        result.update(document=document, msg=f'Read {counts}')
        return result
    # A .json file is for pingone_environment's document_file, which parses it 30 times faster than YAML.
    text = (dump_json if options.dest.lower().endswith('.json') else dump)(document, options.variable_prefix)
    changed, before = write_if_changed(options.dest, text, check_mode)
    result.update(
        changed=changed, dest=options.dest, msg=f'{"Would write" if check_mode and changed else "Wrote" if changed else "Unchanged"} {options.dest}: {counts}'
    )
    if diff and changed:
        result['diff'] = {'before_header': options.dest, 'after_header': options.dest, 'before': before or '', 'after': text}
    return result


def run_info_task(options: OptionsLike, context: TaskContext, check_mode: bool = False, http: HttpClient | None = None) -> dict[str, Any]:
    """What the api_info module does, as data: read one object, or every object of a collection, and say what was found.

    A read changes nothing, so it runs in check mode too.  The values at ``secret_keys`` are remembered in the context:
    the edge masks them wherever a failure or warning could show them, and ``secrets`` in the result tells the action
    plugin to censor its display.
    """
    options = options_of(options)
    http = http if http is not None else budgeted_http(options, context)
    http.check_url(options.url, 'the url option')  # before the token request too
    collection = ResourceCollection(
        http,
        options.url,
        token_source(options, token_provider(options, context)),
        api_style=options.api_style,
        page_size=options.page_size,
        items_path=options.items_path,
        not_found_retries=READ_AFTER_CREATE_TRIES - 1 if options.parent_created else 0,
        bearer=bearer_origin(options),
    )
    # Every expression of the task is parsed before the first request: a typo is not found after a read.
    selected = selector(options.select_query if options.list else None)
    for name, expression in (('query', options.query), ('items_path', options.items_path if options.list else None)):
        if expression:
            compile_query(expression, name)
    result: dict[str, Any] = {'changed': False, 'url': collection.url}
    if options.list:
        found: Any = [obj for obj in collection.list_all() if selected(obj)]
        result.update(objects=found, count=len(found), found=bool(found), msg=f'{collection.name}: {len(found)} object{"" if len(found) == 1 else "s"}')
    else:
        found = collection.read(missing_ok=options.not_found == 'absent')
        result.update(object=found, found=found is not None, msg=f'{collection.url}: {"found" if found is not None else "not found (HTTP 404)"}')
    if options.query:
        result['value'] = json_query(options.query, found, 'query')
    secrets = secret_values(found, options.secret_keys)
    context.remember(*secrets)
    result['secrets'] = bool(secrets)
    result['requests'] = collection.requests
    return result


def secret_values(value: Any, keys: Iterable[str]) -> list[str]:
    """The string values at ``keys`` anywhere in ``value`` (a PingOne application secret's ``secret`` and
    ``previous.secret``), for masking and to censor the display."""
    keys = set(keys)
    found: list[str] = []
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, Mapping):
            for key, item in current.items():
                if key in keys and isinstance(item, str) and item:
                    found.append(item)
                else:
                    pending.append(item)
        elif isinstance(current, list):
            pending.extend(current)
    return found


def run_revoke_task(options: OptionsLike, context: TaskContext, check_mode: bool = False, client: TokenAdminClient | None = None) -> dict[str, Any]:
    """What the revoke module does, as data: revoke ``token``, or the stored tokens of ``saved_as`` (or of the lookup's entry
    for these options) and remove that entry.  Check mode sends nothing and changes nothing.

    ``changed``: for a stored entry, whether there was one (its tokens were revoked and it was removed); for a given
    ``token``, whether the OP answered 200, which RFC 7009 section 2.2 also answers for a token that was already invalid.
    """
    options = options_of(options)
    client = client or TokenAdminClient(options, budgeted_http(options, context))
    client.prepare()  # bad options fail in check mode too
    if options.token:
        return _revoke_given(options, check_mode, client)
    return _revoke_stored(options, context, check_mode, client)


def _revoke_given(options: Options, check_mode: bool, client: TokenAdminClient) -> dict[str, Any]:
    what = f'the given {(options.token_type_hint or "token").replace("_", " ")}'
    revoked = [options.token_type_hint or 'token']
    if check_mode:
        return dict(changed=True, revoked=[], msg=f'Check mode: would revoke {what}; nothing was sent')
    endpoint = client.revoke(options.token, options.token_type_hint)
    return dict(
        changed=True,
        revoked=revoked,
        revocation_endpoint=endpoint.url,
        msg=f'Revoked {what} at {endpoint.url} (HTTP 200, which RFC 7009 section 2.2 also answers for a token that was already invalid)',
    )


# The stored tokens revoke sends, refresh token first: RFC 7009 section 2.1 says revoking a refresh token SHOULD revoke
# the access tokens of its grant; the access token is revoked too for OPs that do not.
REVOKED_FIELDS = ('refresh_token', 'access_token')


def _revoke_stored(options: Options, context: TaskContext, check_mode: bool, client: TokenAdminClient) -> dict[str, Any]:
    name = options.saved_as
    provider = TokenProvider(options, context)
    if provider.store is None:
        raise provider.no_store_error('revoke', name)
    store, credential = provider.store, cast(bytes, provider.credential)
    identifier = identity(options, name)
    label = provider.describe_token(name)
    if check_mode:
        return _revoke_stored_prediction(provider, store.read(identifier, credential), name, label)
    with store.lock(identifier, label):
        entry = store.read(identifier, credential)
        if entry.state == MISSING:
            return dict(changed=False, revoked=[], removed=False, msg=f'{provider.describe_token(name, "No")} to revoke')
        if entry.state != OK:
            raise _unreadable_entry(provider, entry, name, label)
        revoked: list[str] = []
        endpoint = None
        try:
            for field in REVOKED_FIELDS:
                if entry.tokens.get(field):
                    endpoint = client.revoke(entry.tokens[field], field)
                    revoked.append(field)
        except OIDCError as exc:
            done = ' and '.join(revoked).replace('_', ' ')
            exc.message += f'; {label} stays in the store{f" (its {done} was revoked)" if revoked else ""}'
            raise
        removed = store.remove(identifier)
    words = ' and '.join(field.replace('_', ' ') for field in revoked) or 'nothing (the entry held no token)'
    result = dict(changed=True, revoked=revoked, removed=removed, msg=f'Revoked the {words} of {label} and removed it from the store')
    if endpoint is not None:
        result['revocation_endpoint'] = endpoint.url
    return result


def _revoke_stored_prediction(provider: TokenProvider, entry: Entry, name: str | None, label: str) -> dict[str, Any]:
    if entry.state == MISSING:
        return dict(changed=False, revoked=[], removed=False, msg=f'Check mode: {provider.describe_token(name, "no")} to revoke')
    if entry.state != OK:
        raise _unreadable_entry(provider, entry, name, label)
    fields = [field for field in REVOKED_FIELDS if entry.tokens.get(field)]
    return dict(
        changed=True,
        revoked=[],
        removed=False,
        msg=(
            f'Check mode: would revoke the {" and ".join(field.replace("_", " ") for field in fields) or "nothing"} of {label} and remove it from '
            'the store; nothing was sent'
        ),
    )


def _unreadable_entry(provider: TokenProvider, entry: Entry, name: str | None, label: str) -> StoreError:
    why = (
        'this client credential cannot decrypt it (saved with another client_secret or private_key?)'
        if entry.state == UNDECRYPTABLE
        else "it is damaged (not in the store's format)"
    )
    return StoreError(
        (
            f'Cannot revoke {label}: {why}, so its tokens are unknown and nothing was sent. Drop the entry with the token module '
            f'(token_store_action: forget{f", save_as: {name}" if name is not None else ""}); its tokens expire on their own'
        )
    )


def run_introspect_task(options: OptionsLike, context: TaskContext, check_mode: bool = False, client: TokenAdminClient | None = None) -> dict[str, Any]:
    """What the introspect module does, as data: the OP's claims about ``token`` (RFC 7662 section 2.2), never the token.

    Introspection changes nothing, so it runs in check mode too.  ``active: false`` is an answer, not a failure, unless
    ``fail_if_inactive`` says so.
    """
    options = options_of(options)
    client = client or TokenAdminClient(options, budgeted_http(options, context))
    client.prepare()
    claims, endpoint = client.introspect(options.token, options.token_type_hint)
    # RFC 7662 section 2.2 answers about the token, never with it; an OP that echoes it anyway (inside a nested claim, inside a
    # string) gets it masked in the claims as the edge masks a failure: every form of it and of what the task minted.  A
    # successful result is not masked by the edge (a token task returns its tokens), so the claims are masked here.
    claims = remove_values(claims, _masking.occurring(_masking.mask_values({options.token, *context.minted}), claims))
    if options.fail_if_inactive and not claims['active']:
        raise ResponseError(
            f'The token is not active according to {endpoint.url} (RFC 7662 section 2.2: expired, revoked, never issued by this OP, or not '
            'for this client to see); fail_if_inactive is set',
            url=endpoint.url,
            status=200,
        )
    return dict(changed=False, active=claims['active'], claims=claims, introspection_endpoint=endpoint.url)


def run_secret_rotation_task(options: OptionsLike, context: TaskContext, check_mode: bool = False, http: HttpClient | None = None) -> dict[str, Any]:
    """What the pingone_application_secret module does, as data: one step of the rotation of a PingOne application's
    secret (see _pingone.secret_rotation), its state kept in ``state_dir`` without the secret.

    ``status`` reads; ``rotate`` rotates, or continues a rotation in progress, and returns the new secret; ``handed_over``
    and ``verified`` record consumers (``verified`` of every consumer named also drops the token store's entries sealed
    with the previous secret); ``retire`` deletes the previous secret once idle.  Check mode sends no write and records
    nothing.  Both secrets are remembered in the context, so no failure or warning can show them.
    """
    options = options_of(options)
    http = http if http is not None else budgeted_http(options, context)
    base = options.url.rstrip('/')
    http.check_url(base, 'the url option')
    source = token_source(options, token_provider(options, context))
    app_id, app_name = _application_of(options, http, base, source)
    secret_url = f'{base}/applications/{app_id}/secret'
    collection = ResourceCollection(http, secret_url, source, api_style='pingone', bearer=bearer_origin(options))
    state_file = rotation.StateFile(options.state_dir, base.rsplit('/', 1)[-1], app_id)
    state = state_file.load()
    now = time.time()
    answer = cast('dict[str, Any]', collection.read())
    context.remember(answer.get('secret'), (answer.get('previous') or {}).get('secret'))
    result: dict[str, Any] = {'changed': False, 'application_id': app_id, 'application': app_name, 'state_path': state_file.path}
    step = options.step
    if step == 'rotate':
        result.update(_rotate(options, collection, state_file, state, answer, now, check_mode, context))
    elif step in ('handed_over', 'verified'):
        result.update(_record(options, state_file, state, answer, now, check_mode, step))
    elif step == 'retire':
        result.update(_retire(options, collection, state_file, state, answer, now, check_mode))
    else:
        result['msg'] = f'{app_name}: ' + (f'rotation {state["phase"]}' if state else 'no rotation recorded')
    state = result.pop('state', state)
    answer = result.pop('answer', answer)
    previous = rotation.previous_of(answer if not result.get('retired') else {}, time.time())
    result.update(
        phase=(state or {}).get('phase'),
        consumers=(state or {}).get('consumers') or {},
        previous=None
        if previous is None
        else {
            'expires_at': rotation.utc(previous['expires_at']),
            'last_used': rotation.utc(previous['last_used']) if previous['last_used'] is not None else None,
        },
        requests=collection.requests,
    )
    return result


def _application_of(options: Options, http: HttpClient, base: str, source: TokenSource) -> tuple[str, str]:
    """(id, name) of the application the options name, by id or by name (readAllApplications)."""
    if options.application_id:
        return options.application_id, options.application or options.application_id
    applications = ResourceCollection(http, f'{base}/applications', source, api_style='pingone').list_all()
    found = [app for app in applications if app.get('name') == options.application]
    if len(found) != 1:
        why = 'no application has that name' if not found else f'{len(found)} applications have that name: give application_id'
        raise ResourceError.failure(f'find the application {options.application!r}', f'{base}/applications', why)
    return str(found[0]['id']), options.application


def _rotate(
    options: Options,
    collection: ResourceCollection,
    state_file: rotation.StateFile,
    state: dict[str, Any] | None,
    answer: dict[str, Any],
    now: float,
    check_mode: bool,
    context: TaskContext,
) -> dict[str, Any]:
    step = rotation.plan_rotation(state, answer, now, options.min_age, options.force)
    name = options.application or options.application_id
    if step.action == 'refuse':
        raise rotation.RotationError(f'Not rotating the secret of {name}: {step.reason}')
    if step.action == 'not_due':
        return dict(msg=f'{name}: not rotated, {step.reason}', rotated=False)
    if step.action in ('continue', 'adopt'):
        if step.action == 'adopt':
            state = dict(cast('dict[str, Any]', state), phase=rotation.ROTATED, fingerprint=rotation.fingerprint(answer['secret']))
            if not check_mode:
                state_file.save(state)
        return dict(msg=f'{name}: {step.reason}; not rotated again', rotated=False, secret=answer['secret'], state=state, changed=step.action == 'adopt')
    until = now + options.previous_lifetime
    if check_mode:
        return dict(msg=f'Check mode: would rotate the secret of {name}, the previous one kept until {rotation.utc(until)} ({step.reason})', changed=True)
    # Recorded before the POST: an answer lost on the way is found again by the next run (plan_rotation's adopt), instead
    # of a second rotation that would end the secret the consumers still use.
    state = {
        'phase': rotation.ROTATING,
        'application': {'id': collection.url.rsplit('/', 2)[-2], 'name': name},
        'previous_expires_at': until,
        'consumers': {},
        'last_completed': (state or {}).get('retired_at'),
    }
    state_file.save(state)
    # A rotation is not sent twice: a lost answer and a retry would rotate again, and the previous secret PingOne keeps
    # would be the one nobody ever received.
    response = collection._send('POST', collection.url, f'rotate the secret of {name}', body={'previous': {'expiresAt': rotation.utc(until)}}, single_use=True)
    if response.status_code != 200:
        raise refused(f'rotate the secret of {name}', None, response, dialect=collection.dialect, bearer=collection.bearer)
    rotated = response.json()
    context.remember(rotated.get('secret'), (rotated.get('previous') or {}).get('secret'))
    # The answer's previous.expiresAt, as PingOne kept it; the one asked for if it leaves it out (UNCONFIRMED that the
    # answer carries it: the contract gives the answer's model, ApplicationSecret, whose previous is optional).
    expires = rotation.epoch((rotated.get('previous') or {}).get('expiresAt')) or until
    state = dict(state, phase=rotation.ROTATED, rotated_at=now, previous_expires_at=expires, fingerprint=rotation.fingerprint(rotated['secret']))
    state_file.save(state)
    return dict(
        msg=f'Rotated the secret of {name}; the previous one is kept until {rotation.utc(expires)}',
        changed=True,
        rotated=True,
        secret=rotated['secret'],
        state=state,
    )


def _record(
    options: Options, state_file: rotation.StateFile, state: dict[str, Any] | None, answer: dict[str, Any], now: float, check_mode: bool, step: str
) -> dict[str, Any]:
    name = options.application or options.application_id
    if not rotation.in_progress(state) or cast('dict[str, Any]', state).get('fingerprint') != rotation.fingerprint(str(answer.get('secret'))):
        raise rotation.RotationError(f'Cannot record consumers as {step.replace("_", " ")} for {name}: no rotation of its current secret is in progress')
    state = cast('dict[str, Any]', state)
    consumers = {key: dict(value) for key, value in (state.get('consumers') or {}).items()}
    new = [consumer for consumer in options.consumers if not (consumers.get(consumer) or {}).get(step)]
    for consumer in new:
        consumers.setdefault(consumer, {})[step] = now
    state = dict(state, consumers=consumers)
    result: dict[str, Any] = {'changed': bool(new), 'dropped_tokens': 0}
    if step == 'verified' and all(consumers.get(consumer, {}).get('verified') for consumer in options.consumers):
        state['phase'] = rotation.VERIFIED if state['phase'] == rotation.ROTATED else state['phase']
        previous = rotation.previous_of(answer, now)
        if options.drop_previous_tokens and previous and previous.get('secret') and not check_mode:
            # The token store keeps tokens sealed with the secret that obtained them: those of the previous secret go, so
            # nothing this controller serves from now on came from it (the store key of a client secret, _store.provider).
            store = TokenStore(options.token_store_path, lock_timeout=options.token_store_lock_timeout)
            result['dropped_tokens'] = store.drop_sealed_with(credential_material(previous['secret']))
    words = ', '.join(new) if new else 'none new'
    result['msg'] = f'{"Check mode: would record" if check_mode else "Recorded"} as {step.replace("_", " ")} for {name}: {words}'
    if not check_mode and new:
        state_file.save(state)
    result['state'] = state
    return result


def _retire(
    options: Options,
    collection: ResourceCollection,
    state_file: rotation.StateFile,
    state: dict[str, Any] | None,
    answer: dict[str, Any],
    now: float,
    check_mode: bool,
) -> dict[str, Any]:
    name = options.application or options.application_id
    step = rotation.plan_retirement(state, answer, now, options.retire_idle, list(options.consumers))
    # Check mode says what it would do now; it does not wait for it.
    deadline = now + (0 if check_mode else max(0, options.retire_wait))
    poll = max(1, options.retire_poll)
    while step.action == 'wait' and time.time() + poll <= deadline:
        # previous.lastUsed moves only when something uses the previous secret: read it again until it lies retire_idle back.
        collection.http.sleep(poll)
        answer = cast('dict[str, Any]', collection.read())
        now = time.time()
        step = rotation.plan_retirement(state, answer, now, options.retire_idle, list(options.consumers))
    if step.action == 'not_verified':
        raise rotation.RotationError(f'Not retiring the previous secret of {name}: {step.reason}')
    if step.action == 'wait':
        return dict(msg=f'{name}: previous secret kept: {step.reason}', retired=False, still_used=True, answer=answer)
    done = dict(state or {}, phase=rotation.RETIRED, retired_at=now) if rotation.in_progress(state) else state
    if step.action == 'ended':
        if not check_mode and done is not state:
            state_file.save(cast('dict[str, Any]', done))
        return dict(msg=f'{name}: {step.reason}', retired=True, still_used=False, changed=done is not state, state=done)
    if check_mode:
        return dict(msg=f'Check mode: would retire the previous secret of {name}: {step.reason}', changed=True, retired=False, still_used=False)
    response = collection._send('DELETE', collection.url, f'retire the previous secret of {name}')
    # 404: it ended between the read and the delete (its window closed). What PingOne answers a DELETE with no previous
    # secret is UNCONFIRMED (the contract declares 204 only); the test server answers 404.
    if response.status_code not in (204, 404):
        raise refused(f'retire the previous secret of {name}', None, response, dialect=collection.dialect, bearer=collection.bearer)
    state_file.save(cast('dict[str, Any]', done))
    return dict(msg=f'Retired the previous secret of {name}: {step.reason}', changed=True, retired=True, still_used=False, state=done)
