# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The argument specs of the collection's plugins. Internal to this collection; not a public API.

Built by functions that return a fresh dict, so a caller can extend one without changing another's.
Documented once in plugins/doc_fragments; tests/unit/plugins/doc_fragments holds the two in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.sources import CREDENTIALS, env_fallback_nonempty, env_var
from ansible_collections.jwtauth.oidc.plugins.module_utils._environment.parts import PARTS
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.assertion import ASSERTION_TYPES, ASYMMETRIC_ALGS, DEFAULT_LIFETIME, HMAC_ALGS, TYP_JWT
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.audience import AUDIENCE_STYLES, ENDPOINT
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.client_auth import AUTH_METHODS
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.grants import ACCESS_TOKEN_TYPE, GRANT_ALIASES, GRANTS, TOKEN_EXCHANGE, TOKEN_TYPE_HINTS
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.names import API_STYLES, SEND_WRITE_ONLY
from ansible_collections.jwtauth.oidc.plugins.module_utils._store.files import LOCK_TIMEOUT

if TYPE_CHECKING:
    from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.sources import ArgumentSpec

# A token whose lifetime the OP does not state (no expires_in, not a JWT with exp) is
# reused for this long: RFC 6749 section 5.1 gives no default, and 5 minutes is the
# shortest access token lifetime common OPs default to (Keycloak; PingOne, Okta and
# Entra ID default to an hour), so a reused token is rarely one the OP already dropped.
DEFAULT_TOKEN_LIFETIME = 300
# use: the stored token while fresh; renew: a new one now; forget: drop the entry.
STORE_ACTIONS = ('use', 'renew', 'forget')

# What to do when the OP grants fewer scopes than requested (RFC 6749 section 3.3 lets it): warn, or fail.
SCOPE_DOWNGRADE = ('warn', 'fail')

# How long the device authorization grant waits for the user by default: oidc-provider's device codes live
# 10 minutes, and a job that waits longer for a person looks hung.
DEVICE_TIMEOUT = 600


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
        assertion_audience=dict(type='str', default=ENDPOINT, choices=list(AUDIENCE_STYLES)),
        assertion_typ=dict(type='str', default=TYP_JWT, choices=list(ASSERTION_TYPES)),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='int', default=30),
        http_agent=dict(type='str'),
        retries=dict(type='int', default=3),
        retry_after_max=dict(type='int', default=30),
        allow_plain_http=dict(type='bool', default=False),
        http_trace=dict(type='bool', default=False),
        # The controller's rate budget (_store.budget): unset, each task learns the rate from 429 answers.
        rate_limit=dict(type='float'),
        rate_limit_burst=dict(type='int', default=1),
        rate_limit_name=dict(type='str', default='default'),
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


# The keys whose values api_info treats as secrets by default: PingOne's application and resource secrets, SCIM and
# PingOne passwords, OAuth tokens. A result holding one is never displayed, and a failure never shows one.
SECRET_KEYS = ('secret', 'clientSecret', 'client_secret', 'password', 'access_token', 'refresh_token', 'id_token')


def api_info_argument_spec() -> ArgumentSpec:
    """The api_info module: one object or a collection to read, and how to get a bearer token."""
    spec = api_auth_argument_spec()
    spec.update(
        url=dict(type='str', required=True),
        bearer_token=dict(type='str', no_log=True),
        api_style=dict(type='str', default='generic', choices=list(API_STYLES)),
        list=dict(type='bool', default=False),
        page_size=dict(type='int', default=100),
        items_path=dict(type='str'),
        select_query=dict(type='str', no_log=False),
        query=dict(type='str'),
        not_found=dict(type='str', default='fail', choices=['fail', 'absent']),
        parent_created=dict(type='bool', default=False),
        secret_keys=dict(type='list', elements='str', default=list(SECRET_KEYS), no_log=False),
    )
    return spec


def api_info_module_kwargs() -> dict[str, Any]:
    """Keyword arguments for AnsibleModule / ArgumentSpecValidator of the api_info module."""
    return dict(
        argument_spec=api_info_argument_spec(),
        mutually_exclusive=[['bearer_token', 'client_id'], ['bearer_token', 'token_name']],
        required_one_of=[['bearer_token', 'client_id']],
    )


def api_resource_argument_spec() -> ArgumentSpec:
    """The api_resource module: a REST collection, the desired objects, and how to get a bearer token."""
    spec = api_auth_argument_spec()
    spec.update(
        url=dict(type='str', required=True),
        bearer_token=dict(type='str', no_log=True),
        api_style=dict(type='str', default='generic', choices=list(API_STYLES)),
        key=dict(type='str', no_log=False),
        key_query=dict(type='str', no_log=False),
        select_query=dict(type='str', no_log=False),
        item=dict(type='dict'),
        items=dict(type='list', elements='dict'),
        items_name=dict(type='str', default='items'),
        items_file=dict(type='str'),
        items_file_key=dict(type='str', no_log=False),
        result_detail=dict(type='str', default='full', choices=['full', 'compact']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        update_method=dict(type='str', default='put', choices=['put', 'patch']),
        prune=dict(type='bool', default=False),
        prune_max=dict(type='int', default=20),
        prune_max_name=dict(type='str', default='prune_max'),
        page_size=dict(type='int', default=100),
        read_strategy=dict(type='str', default='auto', choices=['auto', 'list', 'filter']),
        filter_chunk=dict(type='int', default=50),
        parallel=dict(type='int', default=4),
        items_path=dict(type='str'),
        ignore_keys=dict(type='list', elements='str', default=[], no_log=False),
        write_only_keys=dict(type='list', elements='str', default=[], no_log=False),
        send_write_only=dict(type='str', default='on_create', choices=list(SEND_WRITE_ONLY)),
        member_ids=dict(type='dict'),
        parent_created=dict(type='bool', default=False),
        attribute_endpoints=dict(
            type='list',
            elements='dict',
            default=[],
            options=dict(
                name=dict(type='str', required=True),
                path=dict(type='str'),
                body=dict(type='str', default='object', choices=['object', 'value']),
            ),
        ),
    )
    return spec


def api_resource_module_kwargs() -> dict[str, Any]:
    """Keyword arguments for AnsibleModule / ArgumentSpecValidator of the api_resource module."""
    return dict(
        argument_spec=api_resource_argument_spec(),
        mutually_exclusive=[['item', 'items', 'items_file'], ['key', 'key_query'], ['bearer_token', 'client_id'], ['bearer_token', 'token_name']],
        required_one_of=[['item', 'items', 'items_file'], ['key', 'key_query'], ['bearer_token', 'client_id']],
        required_by={'items_file_key': 'items_file'},
    )


def pingone_environment_argument_spec() -> ArgumentSpec:
    """The pingone_environment module: an environment document to converge, the Management API, and how to get a bearer token."""
    spec = api_auth_argument_spec()
    spec.update(
        api_url=dict(type='str', default=''),
        bearer_token=dict(type='str', no_log=True),
        document=dict(type='dict', default={}),
        document_file=dict(type='str'),
        part=dict(type='str', default='all', choices=list(PARTS)),
        handover=dict(type='dict'),
        prune_memberships=dict(type='bool', default=False),
        prune_max=dict(type='int', default=20),
        user_update_method=dict(type='str', default='patch', choices=['put', 'patch']),
        page_size=dict(type='int', default=200),
        parallel=dict(type='int', default=4),
        variable_prefix=dict(type='str', default=''),
        substitutions=dict(type='dict', default={}),
        prune_types=dict(type='list', elements='str', default=[]),
        prune_exported_types=dict(type='bool', default=False),
        result_detail=dict(type='str', default='full', choices=['full', 'compact']),
    )
    return spec


def pingone_environment_module_kwargs() -> dict[str, Any]:
    """Keyword arguments for AnsibleModule / ArgumentSpecValidator of the pingone_environment module."""
    return dict(
        argument_spec=pingone_environment_argument_spec(),
        mutually_exclusive=[['document', 'document_file'], ['bearer_token', 'client_id'], ['bearer_token', 'token_name']],
        required_one_of=[['bearer_token', 'client_id']],
    )


def pingone_environment_export_argument_spec() -> ArgumentSpec:
    """The pingone_environment_export module: the environment to read, what to read of it, and where to write it."""
    spec = api_auth_argument_spec()
    spec.update(
        api_url=dict(type='str', default=''),
        bearer_token=dict(type='str', no_log=True),
        dest=dict(type='path'),
        types=dict(type='list', elements='str'),
        select=dict(type='dict', default={}),
        page_size=dict(type='int', default=200),
        parallel=dict(type='int', default=4),
        variable_prefix=dict(type='str', default='pingone_platform_'),
        vault_variable=dict(type='str', default='pingone_platform_vault', no_log=False),
    )
    return spec


def pingone_environment_export_module_kwargs() -> dict[str, Any]:
    """Keyword arguments for AnsibleModule / ArgumentSpecValidator of the pingone_environment_export module."""
    return dict(
        argument_spec=pingone_environment_export_argument_spec(),
        mutually_exclusive=[['bearer_token', 'client_id'], ['bearer_token', 'token_name']],
        required_one_of=[['bearer_token', 'client_id']],
    )


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


# The steps of pingone_application_secret (see _pingone.secret_rotation).
ROTATION_STEPS = ('status', 'rotate', 'handed_over', 'verified', 'retire')


def pingone_application_secret_argument_spec() -> ArgumentSpec:
    """The pingone_application_secret module: an application of a PingOne environment, one step of its secret's
    rotation, where its state is kept, and how to get a bearer token for the Management API."""
    spec = api_auth_argument_spec()
    spec.update(
        url=dict(type='str', required=True),
        bearer_token=dict(type='str', no_log=True),
        application=dict(type='str'),
        application_id=dict(type='str'),
        step=dict(type='str', default='status', choices=list(ROTATION_STEPS)),
        state_dir=dict(type='path', required=True),
        consumers=dict(type='list', elements='str', default=[]),
        # previous.expiresAt: 1 minute to 30 days (ApplicationSecret, SDK 1736-1738).
        previous_lifetime=dict(type='int', default=7 * 86400),
        min_age=dict(type='int', default=0),
        retire_idle=dict(type='int', default=3600),
        retire_wait=dict(type='int', default=0),
        retire_poll=dict(type='int', default=10),
        force=dict(type='bool', default=False),
        drop_previous_tokens=dict(type='bool', default=True, no_log=False),
    )
    return spec


def pingone_application_secret_module_kwargs() -> dict[str, Any]:
    """Keyword arguments for AnsibleModule / ArgumentSpecValidator of the pingone_application_secret module."""
    return dict(
        argument_spec=pingone_application_secret_argument_spec(),
        mutually_exclusive=[['bearer_token', 'client_id'], ['bearer_token', 'token_name']],
        required_one_of=[['bearer_token', 'client_id'], ['application', 'application_id']],
    )


def every_option_spec() -> ArgumentSpec:
    """Every option any plugin of the collection takes, with its spec (the lookup's and api_resource's included)."""
    spec = lookup_argument_spec()
    spec.update(token_argument_spec())
    for extra in (
        api_resource_argument_spec(),
        api_info_argument_spec(),
        revoke_argument_spec(),
        introspect_argument_spec(),
        pingone_environment_argument_spec(),
        pingone_environment_export_argument_spec(),
        pingone_application_secret_argument_spec(),
    ):
        for name, option_spec in extra.items():
            spec.setdefault(name, option_spec)
    return spec
