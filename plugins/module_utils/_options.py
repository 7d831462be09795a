# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The option layer shared by modules and lookups. Internal to this collection; not a public API.

Argument specs are built by functions that return a fresh dict, so a caller
can extend one without changing another's.  Every connection and
authentication option falls back to an environment variable named
``JWTAUTH_OIDC_<OPTION>``: the names the AWX credential type injects.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import KeysView, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NoReturn, Union

from ansible.module_utils.errors import AnsibleFallbackNotFound, UnsupportedError

from ansible_collections.jwtauth.oidc.plugins.module_utils import _masking, _pingone
from ansible_collections.jwtauth.oidc.plugins.module_utils._assertion import ASYMMETRIC_ALGS, DEFAULT_LIFETIME, HMAC_ALGS
from ansible_collections.jwtauth.oidc.plugins.module_utils._client_auth import AUTH_METHODS
from ansible_collections.jwtauth.oidc.plugins.module_utils._grants import ACCESS_TOKEN_TYPE, GRANT_ALIASES, GRANTS, TOKEN_EXCHANGE
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources import SEND_WRITE_ONLY
from ansible_collections.jwtauth.oidc.plugins.module_utils._token_store import LOCK_TIMEOUT

if TYPE_CHECKING:
    from ansible.module_utils.common.arg_spec import ValidationResult

    # An argument spec: option name -> its spec (type, default, choices, no_log, fallback, ...).
    ArgumentSpec = dict[str, dict[str, Any]]

# A token whose lifetime the OP does not state (no expires_in, not a JWT with exp) is
# reused for this long: RFC 6749 section 5.1 gives no default, and 5 minutes is the
# shortest access token lifetime common OPs default to (Keycloak; PingOne, Okta and
# Entra ID default to an hour), so a reused token is rarely one the OP already dropped.
DEFAULT_TOKEN_LIFETIME = 300
# use: the stored token while fresh; renew: a new one now; forget: drop the entry.
STORE_ACTIONS = ('use', 'renew', 'forget')

ENV_PREFIX = 'JWTAUTH_OIDC_'

# What to do when the OP grants fewer scopes than requested (RFC 6749 section 3.3 lets it): warn, or fail.
SCOPE_DOWNGRADE = ('warn', 'fail')

# Options spelled more than one way by users: made canonical in every Options, so that the token
# store's entry and the URLs do not depend on the spelling ('eu' and 'EU', an ID with a trailing space).
CANONICAL = {
    'region': _pingone.canonical_region,
    'environment_id': _pingone.canonical_environment_id,
}

# Options whose values are secrets: masked in anything the edges print.
SECRET_OPTIONS = ('client_secret', 'private_key', 'private_key_passphrase', 'code', 'code_verifier', 'refresh_token', 'token',
                  'password', 'subject_token', 'actor_token')

# How long the device authorization grant waits for the user by default: oidc-provider's device codes live
# 10 minutes, and a job that waits longer for a person looks hung.
DEVICE_TIMEOUT = 600


def secret_values(options: Mapping[str, Any]) -> list[Any]:
    """The secret values among the options, for masking: the secret options, and the string values of the
    items' write-only attributes (an api_resource ``password``), which only the server may see."""
    found = [options[name] for name in SECRET_OPTIONS if options.get(name)]
    items = options.get('items') or ([options['item']] if options.get('item') else [])
    for item in items:
        if isinstance(item, Mapping):
            found.extend(item[name] for name in options.get('write_only_keys') or () if isinstance(item.get(name), str) and item[name])
    return found


def values_to_mask(validation: ValidationResult) -> set[str]:
    """Every form of every no_log option value and of every credential minted in this process (see _masking).

    Call it after the work: assertions and tokens are minted while the task runs.
    """
    secrets = set(validation._no_log_values) | set(secret_values(validation.validated_parameters))  # pylint: disable=protected-access
    return _masking.mask_values(secrets)


def validate(validation: ValidationResult, argument_spec: ArgumentSpec) -> list[str]:
    """Error texts of an ArgumentSpecValidator result plus the range and PingOne checks, for the edges (before any request).

    An unknown option is named with the closest valid one: a typo (``clientid``)
    otherwise surfaces as a missing required option, or as nothing at all.
    """
    unknown = sorted('.'.join(item) if isinstance(item, tuple) else item for item in validation.unsupported_parameters)
    errors = [error.msg for error in validation.errors.errors if not isinstance(error, UnsupportedError)]
    if unknown:
        errors.insert(0, unknown_options_message(unknown, argument_spec))
    params = validation.validated_parameters
    if params.get('credential') == 'application' and not params.get('client_id') and not params.get('bearer_token'):
        # Said outright: "missing required arguments: client_id" would not tell where the client was looked for.
        errors.append('credential=application takes the client from {0}CLIENT_ID, which is not set: attach a credential of the type '
                      '"OpenID Connect application (jwtauth.oidc)" to the job, or give client_id'.format(APPLICATION_ENV_PREFIX))
    if errors:
        return errors
    return check_ranges(params) + _pingone.check_options(params.get('environment_id'), params.get('region'), params.get('auth_base_url'))


# What an AWX credential injects comes as a whole, and so does what a task gives instead: a task that
# names another OP or another client must not be completed with the injected one's settings (a PingOne
# environment_id beside a task's issuer is "not both"; a worker's secret beside a web app's client_id is
# sent for the wrong client).  Each group is taken from the task alone once the task sets one of its keys.
LOCATION_KEYS = ('token_endpoint', 'issuer', 'environment_id', 'auth_base_url')
# ca_path stays: a CA bundle from the environment often serves every OP (a corporate CA), and where it does
# not, the TLS failure says to set ca_path.
LOCATION_OPTIONS = LOCATION_KEYS + ('region', 'audience')
CLIENT_KEYS = ('client_id',)
CLIENT_OPTIONS = CLIENT_KEYS + ('client_secret', 'private_key', 'private_key_passphrase', 'key_id', 'auth_method', 'signing_alg')
# The same for the user of grant_type=pingone_flow: a task's username never gets the injected account's password.
USER_KEYS = ('username',)
USER_OPTIONS = USER_KEYS + ('password',)

# AWX attaches at most one credential of a type to a job, and the usual PingOne job has two clients: a worker
# application for the Management API and the application its users sign on to.  The second comes from a credential
# of the application type (extensions/awx/application_credential_type.yml), injected as JWTAUTH_OIDC_APP_<OPTION>,
# and a task takes it with credential=application.
CREDENTIALS = ('default', 'application')
APPLICATION_ENV_PREFIX = ENV_PREFIX + 'APP_'


def credential_env_vars(option: str, credential: str | None, environ: Mapping[str, str]) -> list[str]:
    """The environment variables an option falls back to with this credential, the first set (non-empty) winning.

    The application credential gives the client and the user whole (never the worker's secret or account for
    another client), and the location whole when it names one; otherwise the application is in the worker's OP
    (the same PingOne environment).  A CA of the application's credential comes first, the default's after.
    """
    default = env_var(option)
    if credential != 'application':
        return [default]
    application = APPLICATION_ENV_PREFIX + option.upper()
    if option in CLIENT_OPTIONS + USER_OPTIONS:
        return [application]
    if option in LOCATION_OPTIONS:
        named = any(environ.get(APPLICATION_ENV_PREFIX + key.upper()) for key in LOCATION_KEYS)
        return [application] if named else [default]
    if option == 'ca_path':
        return [application, default]
    return [default]


def task_settings_win(argument_spec: ArgumentSpec, args: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> ArgumentSpec:
    """The spec, less the environment fallbacks of each group whose keys the task (or its module_defaults) sets,
    with the fallbacks of the task's ``credential`` (see credential_env_vars)."""
    given = without_unset(args)
    dropped: set[str] = set()
    for keys, group in ((LOCATION_KEYS, LOCATION_OPTIONS), (CLIENT_KEYS, CLIENT_OPTIONS), (USER_KEYS, USER_OPTIONS)):
        if any(key in given for key in keys):
            dropped.update(group)
    credential = given.get('credential')
    if not dropped & set(argument_spec) and credential != 'application':
        return argument_spec
    environ = os.environ if environ is None else environ
    adjusted: ArgumentSpec = {}
    for name, spec in argument_spec.items():
        spec = {key: value for key, value in spec.items() if not (key == 'fallback' and name in dropped)}
        if 'fallback' in spec:
            spec['fallback'] = (env_fallback_nonempty, credential_env_vars(name, credential, environ))
        adjusted[name] = spec
    return adjusted


def closest_option(name: str, argument_spec: ArgumentSpec) -> str | None:
    """The option (or alias) of the spec that a mistyped name most likely meant, if any is close."""
    path = name.split('.')
    spec: ArgumentSpec = argument_spec
    for parent in path[:-1]:  # a suboption: look among its siblings
        spec = (spec.get(parent) or {}).get('options') or {}
    candidates = {alias: option for option, option_spec in spec.items() for alias in [option] + list(option_spec.get('aliases') or [])}
    typed = path[-1].lower()
    # A dropped or doubled underscore is the commonest slip (clientid, client__id): compare without them first.
    squashed = {candidate.replace('_', ''): candidate for candidate in candidates}
    if typed.replace('_', '') in squashed:
        return squashed[typed.replace('_', '')]
    matches = difflib.get_close_matches(typed, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def unknown_options_message(names: list[str], argument_spec: ArgumentSpec) -> str:
    """'Unknown option clientid (did you mean client_id?)', for each unknown name; never a value, which may be a secret."""
    texts = []
    for name in names:
        closest = closest_option(name, argument_spec)
        texts.append('{0} (did you mean {1}?)'.format(name, closest) if closest else name)
    return 'Unknown option{0} {1}. See ansible-doc for the options'.format('s' if len(names) > 1 else '', ', '.join(texts))


def env_var(option: str) -> str:
    """The environment variable an option falls back to."""
    return ENV_PREFIX + option.upper()


def env_fallback_nonempty(*names: str) -> str:
    """The first of the environment variables that is set to a non-empty value.

    An AWX credential type renders an input left empty as an empty string, so
    every optional field of the credential arrives as ``VAR=""``.  Empty means
    not given: ansible-core's ``env_fallback`` would hand ``""`` to the option.
    """
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    raise AnsibleFallbackNotFound


# Ranges of integer options (inclusive; None is unbounded), checked at the edge before any work.
# An option outside its range is a mistake to report, never a value to replace silently.
INT_RANGES: dict[str, tuple[int, int | None, str | None]] = {
    'timeout': (1, 3600, 'seconds'),
    'retries': (0, 10, None),
    'retry_after_max': (0, 3600, 'seconds'),
    'parallel': (1, 32, None),
    'filter_chunk': (1, 200, None),
    'assertion_lifetime': (1, 3600, 'seconds'),
    'clock_skew': (0, 3600, 'seconds'),
    'expiry_leeway': (0, 86400, 'seconds'),
    'token_store_lock_timeout': (0, 3600, 'seconds'),
    'default_token_lifetime': (0, 31536000, 'seconds'),
    'page_size': (1, 10000, None),
    'prune_max': (0, None, None),
    'device_timeout': (1, 3600, 'seconds'),
}


def check_ranges(options: Mapping[str, Any]) -> list[str]:
    """Error texts for integer options outside their range (empty when all fit)."""
    errors: list[str] = []
    for name, (low, high, unit) in INT_RANGES.items():
        value = options.get(name)
        if value is None or isinstance(value, bool):
            continue
        if value < low or (high is not None and value > high):
            wanted = 'between {0} and {1}'.format(low, high) if high is not None else 'at least {0}'.format(low)
            errors.append('{0} must be {1}{2}, got {3}'.format(name, wanted, ' ' + unit if unit else '', value))
    return errors


def without_unset(options: Mapping[str, Any]) -> dict[str, Any]:
    """The options that have a value: neither None nor an empty string (see env_fallback_nonempty)."""
    return {name: value for name, value in options.items() if value is not None and value != ''}


def _env_fallback(option: str) -> tuple[Any, list[str]]:
    return (env_fallback_nonempty, [env_var(option)])


def connection_argument_spec(client_id_required: bool = True) -> ArgumentSpec:
    """Where the OP is, who the client is, how it authenticates, and transport settings."""
    spec: ArgumentSpec = dict(
        token_endpoint=dict(type='str', no_log=False),
        issuer=dict(type='str'),
        environment_id=dict(type='str'),
        # No choices: any case is accepted, and a wrong name gets a message that says which to use (_pingone.check_region).
        region=dict(type='str', default='NA'),
        auth_base_url=dict(type='str'),
        client_id=dict(type='str', required=client_id_required),
        client_secret=dict(type='str', no_log=True),
        private_key=dict(type='str', no_log=True),
        private_key_passphrase=dict(type='str', no_log=True),
        key_id=dict(type='str', no_log=False),
        auth_method=dict(type='str', default='client_secret_jwt', choices=list(AUTH_METHODS)),
        signing_alg=dict(type='str', choices=list(HMAC_ALGS + ASYMMETRIC_ALGS)),
        assertion_lifetime=dict(type='int', default=DEFAULT_LIFETIME),
        audience=dict(type='str'),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='int', default=30),
        http_agent=dict(type='str'),
        retries=dict(type='int', default=3),
        retry_after_max=dict(type='int', default=30),
        allow_plain_http=dict(type='bool', default=False),
    )
    for option, option_spec in spec.items():
        option_spec['fallback'] = _env_fallback(option)
    # Which credential the fallbacks read; given in the task only (no fallback of its own).
    spec['credential'] = dict(type='str', default='default', choices=list(CREDENTIALS))
    return spec


def grant_argument_spec() -> ArgumentSpec:
    """What to ask the token endpoint for, and how to check the ID token; the user of grant_type=pingone_flow."""
    spec: ArgumentSpec = dict(
        grant_type=dict(type='str', choices=list(GRANTS) + list(GRANT_ALIASES)),
        code=dict(type='str', no_log=True),
        redirect_uri=dict(type='str'),
        code_verifier=dict(type='str', no_log=True),
        refresh_token=dict(type='str', no_log=True),
        scope=dict(type='list', elements='str'),
        scope_downgrade=dict(type='str', default='warn', choices=list(SCOPE_DOWNGRADE)),
        extra_params=dict(type='dict', default={}),
        nonce=dict(type='str'),
        validate_id_token=dict(type='bool', default=True, no_log=False),
        clock_skew=dict(type='int', default=60),
        # RFC 8628, the device authorization grant.
        device_authorization_endpoint=dict(type='str'),
        device_timeout=dict(type='int', default=DEVICE_TIMEOUT),
        # RFC 8693, token exchange. token_audience is RFC 8693's audience: audience is already the client assertion's aud.
        subject_token=dict(type='str', no_log=True),
        subject_token_type=dict(type='str', default=ACCESS_TOKEN_TYPE, no_log=False),
        actor_token=dict(type='str', no_log=True),
        actor_token_type=dict(type='str', no_log=False),
        requested_token_type=dict(type='str', no_log=False),
        resource=dict(type='list', elements='str'),
        token_audience=dict(type='list', elements='str', no_log=False),
    )
    # The AWX credential type injects these two, as JWTAUTH_OIDC_USERNAME and JWTAUTH_OIDC_PASSWORD.
    spec['username'] = dict(type='str', no_log=False, fallback=_env_fallback('username'))
    spec['password'] = dict(type='str', no_log=True, fallback=_env_fallback('password'))
    return spec


def store_argument_spec() -> ArgumentSpec:
    """The controller-side token store: where it is, whether to use it, how early to renew, how long to wait."""
    spec: ArgumentSpec = dict(
        token_store=dict(type='bool', default=True),
        token_store_path=dict(type='path'),
        expiry_leeway=dict(type='int', default=60),
        token_store_lock_timeout=dict(type='int', default=LOCK_TIMEOUT),
        default_token_lifetime=dict(type='int', default=DEFAULT_TOKEN_LIFETIME, no_log=False),
    )
    for option, option_spec in spec.items():
        option_spec['fallback'] = _env_fallback(option)
    return spec


def store_action_argument_spec() -> ArgumentSpec:
    """What to do with the stored token: the token module and lookup only; no environment fallback,
    since a variable left set would renew or drop tokens in every later task."""
    return dict(token_store_action=dict(type='str', default='use', choices=list(STORE_ACTIONS), no_log=False))


def token_argument_spec() -> ArgumentSpec:
    """The full argument spec of the token module."""
    spec = connection_argument_spec()
    spec.update(grant_argument_spec())
    spec.update(store_argument_spec())
    spec.update(store_action_argument_spec())
    spec['save_as'] = dict(type='str')
    return spec


def lookup_argument_spec() -> ArgumentSpec:
    """The options of the token lookup: the module's, less save_as, plus query."""
    spec = token_argument_spec()
    del spec['save_as']
    spec['query'] = dict(type='str')
    return spec


def token_module_kwargs(argument_spec: ArgumentSpec | None = None) -> dict[str, Any]:
    """Keyword arguments for AnsibleModule / ArgumentSpecValidator of the token module (or the lookup's spec)."""
    return dict(
        argument_spec=argument_spec or token_argument_spec(),
        required_one_of=[['token_endpoint', 'issuer', 'environment_id', 'auth_base_url']],
        required_if=[
            ['auth_method', 'client_secret_jwt', ['client_secret']],
            ['auth_method', 'client_secret_basic', ['client_secret']],
            ['auth_method', 'client_secret_post', ['client_secret']],
            ['auth_method', 'private_key_jwt', ['private_key']],
            ['grant_type', 'authorization_code', ['code', 'redirect_uri']],
            ['grant_type', 'refresh_token', ['refresh_token']],
            ['grant_type', 'pingone_flow', ['username', 'password', 'redirect_uri']],
            ['grant_type', TOKEN_EXCHANGE, ['subject_token']],
            ['grant_type', 'token_exchange', ['subject_token']],
        ],
        required_by={'actor_token': ['actor_token_type']},
    )


def api_auth_argument_spec() -> ArgumentSpec:
    """How api_resource reaches the API and gets its token (bearer_token aside): the connection, the token
    store, and what to ask the OP for.  The scim_provision role takes exactly these in ``scim_provision_auth``."""
    spec = connection_argument_spec(client_id_required=False)
    spec.update(store_argument_spec())
    spec.update(
        token_name=dict(type='str', no_log=False),
        scope=dict(type='list', elements='str'),
        scope_downgrade=dict(type='str', default='warn', choices=list(SCOPE_DOWNGRADE)),
        extra_params=dict(type='dict', default={}),
    )
    return spec


def api_resource_argument_spec() -> ArgumentSpec:
    """The api_resource module: a REST collection, the desired objects, and how to get a bearer token."""
    spec = api_auth_argument_spec()
    spec.update(
        url=dict(type='str', required=True),
        bearer_token=dict(type='str', no_log=True),
        api_style=dict(type='str', default='generic', choices=['generic', 'scim', 'pingone']),
        key=dict(type='str', no_log=False),
        key_query=dict(type='str', no_log=False),
        item=dict(type='dict'),
        items=dict(type='list', elements='dict'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        update_method=dict(type='str', default='put', choices=['put', 'patch']),
        prune=dict(type='bool', default=False),
        prune_max=dict(type='int', default=20),
        page_size=dict(type='int', default=100),
        read_strategy=dict(type='str', default='auto', choices=['auto', 'list', 'filter']),
        filter_chunk=dict(type='int', default=50),
        parallel=dict(type='int', default=4),
        items_path=dict(type='str'),
        ignore_keys=dict(type='list', elements='str', default=[], no_log=False),
        write_only_keys=dict(type='list', elements='str', default=[], no_log=False),
        send_write_only=dict(type='str', default='on_create', choices=list(SEND_WRITE_ONLY)),
        member_ids=dict(type='dict'),
    )
    return spec


def api_resource_module_kwargs() -> dict[str, Any]:
    """Keyword arguments for AnsibleModule / ArgumentSpecValidator of the api_resource module."""
    return dict(
        argument_spec=api_resource_argument_spec(),
        mutually_exclusive=[['item', 'items'], ['key', 'key_query'], ['bearer_token', 'client_id'], ['bearer_token', 'token_name']],
        required_one_of=[['item', 'items'], ['key', 'key_query'], ['bearer_token', 'client_id']],
    )


# RFC 7009 section 2.1 and RFC 7662 section 2.1 (the two hints RFC 7009 section 4.1.2 registers).
TOKEN_TYPE_HINTS = ('access_token', 'refresh_token')

# The options that locate the OP, each enough for the revoke and introspect modules (with their own endpoint option).
LOCATION_REQUIRED = ['token_endpoint', 'issuer', 'environment_id', 'auth_base_url']


def _auth_required_if() -> list[list[Any]]:
    return [
        ['auth_method', 'client_secret_jwt', ['client_secret']],
        ['auth_method', 'client_secret_basic', ['client_secret']],
        ['auth_method', 'client_secret_post', ['client_secret']],
        ['auth_method', 'private_key_jwt', ['private_key']],
    ]


def revoke_argument_spec() -> ArgumentSpec:
    """The revoke module: the connection, a token or a stored one (saved_as, or the lookup's entry for scope and
    extra_params), and the token store that holds it."""
    spec = connection_argument_spec()
    spec.update(store_argument_spec())
    spec.update(
        token=dict(type='str', no_log=True),
        token_type_hint=dict(type='str', choices=list(TOKEN_TYPE_HINTS), no_log=False),
        saved_as=dict(type='str'),
        scope=dict(type='list', elements='str'),
        extra_params=dict(type='dict', default={}),
        revocation_endpoint=dict(type='str'),
    )
    return spec


def revoke_module_kwargs() -> dict[str, Any]:
    """Keyword arguments for AnsibleModule / ArgumentSpecValidator of the revoke module."""
    return dict(
        argument_spec=revoke_argument_spec(),
        required_one_of=[LOCATION_REQUIRED + ['revocation_endpoint']],
        # scope and extra_params are not exclusive with token: module_defaults of the group may set them for the token module.
        mutually_exclusive=[['token', 'saved_as'], ['token_type_hint', 'saved_as']],
        required_by={'token_type_hint': 'token'},
        required_if=_auth_required_if(),
    )


def introspect_argument_spec() -> ArgumentSpec:
    """The introspect module: the connection, the token, and whether an inactive token fails the task."""
    spec = connection_argument_spec()
    spec.update(
        token=dict(type='str', no_log=True, required=True),
        token_type_hint=dict(type='str', choices=list(TOKEN_TYPE_HINTS), no_log=False),
        fail_if_inactive=dict(type='bool', default=False),
        introspection_endpoint=dict(type='str'),
    )
    return spec


def introspect_module_kwargs() -> dict[str, Any]:
    """Keyword arguments for AnsibleModule / ArgumentSpecValidator of the introspect module."""
    return dict(
        argument_spec=introspect_argument_spec(),
        required_one_of=[LOCATION_REQUIRED + ['introspection_endpoint']],
        required_if=_auth_required_if(),
    )


def every_option_spec() -> ArgumentSpec:
    """Every option any plugin of the collection takes, with its spec (the lookup's and api_resource's included)."""
    spec = lookup_argument_spec()
    spec.update(token_argument_spec())
    for extra in (api_resource_argument_spec(), revoke_argument_spec(), introspect_argument_spec()):
        for name, option_spec in extra.items():
            spec.setdefault(name, option_spec)
    return spec


_DEFAULTS: dict[str, Any] | None = None


def _defaults() -> dict[str, Any]:
    global _DEFAULTS  # pylint: disable=global-statement
    if _DEFAULTS is None:
        _DEFAULTS = {name: option_spec.get('default') for name, option_spec in every_option_spec().items()}
    return _DEFAULTS


class Options:
    """The validated options of one task or lookup: frozen, read as attributes (``options.timeout``).

    Built once at the edge from the plugin's validated parameters. Every option that any plugin
    of the collection takes is an attribute, with its argument-spec default where this plugin does
    not take it (api_resource has no ``clock_skew``, yet gets a token through the same client), so
    the library shared by the plugins never supplies a default of its own.

    Not a Mapping on purpose: ``items``, ``values`` or ``get`` would shadow options of those names
    (api_resource has ``items``).  ``options[name]`` reads an option by a name held in a variable,
    and ``dict(options)`` gives them all.
    """

    __slots__ = ('_values',)

    def __init__(self, values: OptionsLike | None = None, **changes: Any) -> None:
        merged = dict(_defaults())
        merged.update(values or {})
        merged.update(changes)
        for name, canonical in CANONICAL.items():
            merged[name] = canonical(merged.get(name))
        object.__setattr__(self, '_values', MappingProxyType(merged))

    @classmethod
    def of(cls, values: OptionsLike) -> Options:
        """``values`` as Options: unchanged when they already are."""
        return values if isinstance(values, cls) else cls(values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError('jwtauth.oidc has no option {0!r}'.format(name)) from None

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError('Options are frozen: use replace()')

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def keys(self) -> KeysView[str]:
        """The option names (for ``dict(options)``)."""
        return self._values.keys()

    def __repr__(self) -> str:
        # Never the values: some are secrets.
        return 'Options({0})'.format(', '.join(sorted(name for name, value in self._values.items() if value is not None)))

    def replace(self, **changes: Any) -> Options:
        """A copy with some options changed (a refresh grant from a stored token, say)."""
        return Options(self._values, **changes)


# What the library's entry points take: the edge's Options, or a plain dict (tests, bench), made Options at once.
OptionsLike = Union[Options, Mapping[str, Any]]
