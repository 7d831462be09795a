# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OIDC applications of the PingOne test server as clients of the test OP (RFC 7591 registration, RFC 7592 update and
delete).

In PingOne an OIDC application is a client of its environment's authorization server: its ``id`` is the client_id,
its secret (``GET .../applications/{id}/secret``) the client secret, its tokenEndpointAuthMethod, redirectUris,
grantTypes, responseTypes and pkceEnforcement the client's metadata.

A rotated secret reaches the OP through its own routes (tests/servers/op/server.mjs, handleSecretRotation): RFC 7592
has no rotation (its section 2.2: "The client MUST NOT be allowed to overwrite its existing client secret with its own
chosen value", and oidc-provider keeps a client's secret across updates), so the OP issues the new secret itself and
keeps the previous one usable until the expiresAt PingOne was given, reports when it was last used, and ends it on
request. Those routes take the registration endpoint's initial access token, which only this server holds.
"""

import json
import sys

import requests

from .errors import MESSAGES, APIError, invalid

# ---- applications as clients of the test OP (RFC 7591 registration, RFC 7592 update and delete) ----

# PingOne's application attributes as OAuth client metadata (RFC 7591 section 2). The attribute values are those of
# Create Application (OIDC Protocol - Web App / Worker App / Native App / Single Page App) and Update Application
# (OIDC), https://developer.pingidentity.com/pingone-api/platform/applications/applications-1.html:
# tokenEndpointAuthMethod, the application's client authentication at the token endpoint -> RFC 7591
# token_endpoint_auth_method (the values OIDC Core section 9 names);
TOKEN_AUTH_METHODS = {
    'NONE': 'none',
    'CLIENT_SECRET_BASIC': 'client_secret_basic',
    'CLIENT_SECRET_POST': 'client_secret_post',
    'CLIENT_SECRET_JWT': 'client_secret_jwt',
    'PRIVATE_KEY_JWT': 'private_key_jwt',
}
# grantTypes -> grant_types (RFC 7591 section 2: the grant_type values of RFC 6749, and the URNs of RFC 8628 section
# 3.4, RFC 8693 section 2.1, OpenID CIBA section 10.1; the test OP has no CIBA grant and refuses it);
GRANT_TYPE_URIS = {
    'AUTHORIZATION_CODE': 'authorization_code',
    'IMPLICIT': 'implicit',
    'REFRESH_TOKEN': 'refresh_token',
    'CLIENT_CREDENTIALS': 'client_credentials',
    'DEVICE_CODE': 'urn:ietf:params:oauth:grant-type:device_code',
    'TOKEN_EXCHANGE': 'urn:ietf:params:oauth:grant-type:token-exchange',
    'CIBA': 'urn:openid:params:grant-type:ciba',
}
# responseTypes lists the parts an authorization request may ask for ("CODE", "TOKEN", "ID_TOKEN"); RFC 7591
# response_types lists whole response_type values (OAuth 2.0 Multiple Response Type Encoding Practices section 3), so
# each combination of the allowed parts, in that document's order, is one value;
RESPONSE_PARTS = (('CODE', 'code'), ('ID_TOKEN', 'id_token'), ('TOKEN', 'token'))
# type -> application_type (OIDC Dynamic Client Registration 1.0 section 2: native or web).
APPLICATION_TYPES = {'NATIVE_APP': 'native'}
# pkceEnforcement has no standard metadata: the test OP takes it as its private client metadata of this name (RFC 7591
# section 2 lets extensions define more), and requires S256 PKCE for REQUIRED and S256_REQUIRED (server.mjs).
PKCE_METADATA = 'pingone_pkce_enforcement'


def client_metadata(app):
    """The RFC 7591 client metadata of an OIDC application, or None for one the test OP cannot hold as a client.

    PRIVATE_KEY_JWT needs the application's keys (``jwks``, a JWKS as a string, or ``jwksUrl``, Update Application
    (OIDC)); without them there is nothing to verify assertions with, so such an application is not registered (its
    id and secret are this server's own, and no token exchange can run with it).
    """
    method = TOKEN_AUTH_METHODS[app['tokenEndpointAuthMethod']]
    metadata = {
        'client_name': app['name'],
        'token_endpoint_auth_method': method,
        'application_type': APPLICATION_TYPES.get(app['type'], 'web'),
        'grant_types': [GRANT_TYPE_URIS[grant] for grant in app['grantTypes']],
        'redirect_uris': list(app.get('redirectUris') or []),
    }
    parts = [part for name, part in RESPONSE_PARTS if name in (app.get('responseTypes') or ())]
    metadata['response_types'] = [' '.join(part for i, part in enumerate(parts) if mask >> i & 1) for mask in range(1, 1 << len(parts))]
    if app.get('pkceEnforcement'):
        metadata[PKCE_METADATA] = app['pkceEnforcement']
    if method == 'private_key_jwt':
        if isinstance(app.get('jwks'), str):
            try:
                metadata['jwks'] = json.loads(app['jwks'])
            except ValueError:
                raise invalid(('INVALID_VALUE', 'jwks', 'jwks must be a JSON Web Key Set'))
        elif isinstance(app.get('jwksUrl'), str):
            metadata['jwks_uri'] = app['jwksUrl']
        else:
            return None
    return metadata


class OPClients(object):
    """The test OP's clients that stand for this server's OIDC applications: register, update, delete.

    Registration access tokens (RFC 7592 section 1.2) live in memory only: never logged, never answered. A refusal
    of the OP, or no answer, is an APIError 500 UNEXPECTED_ERROR that names the operation, the OP's status and its
    error and error_description; the caller changes nothing in its store then.
    """

    def __init__(self, config):
        self.endpoint = config.get('op_registration_endpoint')
        self.initial_token = config.get('op_registration_token')
        self.env_id = config.get('op_env_id')
        self.ca_path = config.get('ca_path')
        self.registered = {}  # application id -> (registration_client_uri, registration_access_token)
        self.session = requests.Session()
        self.session.trust_env = False  # loopback only: no proxy, and REQUESTS_CA_BUNDLE would override verify

    def enabled_for(self, env, app):
        return bool(self.endpoint and self.initial_token) and env == self.env_id and app.get('protocol') == 'OPENID_CONNECT'

    def _call(self, what, method, url, token, body=None):
        try:
            resp = self.session.request(
                method, url, json=body, verify=self.ca_path or True, timeout=10, headers={'Authorization': 'Bearer ' + token, 'Accept': 'application/json'}
            )
        except requests.RequestException as exc:
            raise self._failure(what, 'no answer (%s)' % type(exc).__name__) from None
        expected = {'register': 201, 'update': 200, 'delete': 204, 'rotate the secret of': 200, 'read the previous secret of': 200}.get(what, 204)
        if resp.status_code != expected:
            try:
                error = resp.json()
            except ValueError:
                error = {}
            reason = 'HTTP %s %s: %s' % (resp.status_code, str(error.get('error', ''))[:60], str(error.get('error_description', ''))[:200])
            raise self._failure(what, reason)
        return resp.json() if resp.content else {}

    @staticmethod
    def _failure(what, reason):
        sys.stderr.write('test OP refused to %s a client: %s\n' % (what, reason))
        return APIError(500, 'UNEXPECTED_ERROR', "%s The test OP refused to %s the application's client: %s" % (MESSAGES['UNEXPECTED_ERROR'], what, reason))

    def register(self, metadata):
        """RFC 7591 section 3.1: (client_id, client_secret or None) of a new client; keeps its management token."""
        answer = self._call('register', 'POST', self.endpoint, self.initial_token, metadata)
        self.registered[answer['client_id']] = (answer['registration_client_uri'], answer['registration_access_token'])
        return answer['client_id'], answer.get('client_secret')

    def update(self, app_id, metadata):
        """RFC 7592 section 2.2: replace the client's metadata (client_id included, as the section requires); its
        client_secret, or None. The OP rotates the registration access token (section 2.2 allows it): keep the new one."""
        uri, token = self.registered[app_id]
        answer = self._call('update', 'PUT', uri, token, dict(metadata, client_id=app_id))
        self.registered[app_id] = (uri, answer.get('registration_access_token') or token)
        return answer.get('client_secret')

    def delete(self, app_id):
        """RFC 7592 section 2.3: the client is gone (204)."""
        uri, token = self.registered[app_id]
        self._call('delete', 'DELETE', uri, token)
        del self.registered[app_id]

    def delete_all(self):
        for app_id in list(self.registered):
            self.delete(app_id)

    def _secret_url(self, app_id, previous=False):
        return '%s/%s/secret%s' % (self.endpoint.rstrip('/'), app_id, '/previous' if previous else '')

    def rotate(self, app_id, previous_expires_at):
        """A new secret the OP issued for the client; the old one keeps authenticating it until ``previous_expires_at``
        (an aware datetime), or stops at once (None)."""
        until = previous_expires_at.timestamp() if previous_expires_at is not None else None
        answer = self._call('rotate the secret of', 'POST', self._secret_url(app_id), self.initial_token, {'previous_expires_at': until})
        return answer['client_secret']

    def previous_last_used(self, app_id):
        """When the client's previous secret last authenticated it (epoch seconds), or None: never, or no previous secret."""
        try:
            resp = self.session.get(
                self._secret_url(app_id, True), verify=self.ca_path or True, timeout=10, headers={'Authorization': 'Bearer ' + self.initial_token}
            )
        except requests.RequestException as exc:
            raise self._failure('read the previous secret of', 'no answer (%s)' % type(exc).__name__) from None
        if resp.status_code == 404:
            return None
        if resp.status_code != 200:
            raise self._failure('read the previous secret of', 'HTTP %s' % resp.status_code)
        return resp.json().get('last_used')

    def delete_previous(self, app_id):
        """End the client's previous secret at the OP; one that already ended (404) is no failure."""
        try:
            resp = self.session.delete(
                self._secret_url(app_id, True), verify=self.ca_path or True, timeout=10, headers={'Authorization': 'Bearer ' + self.initial_token}
            )
        except requests.RequestException as exc:
            raise self._failure('end the previous secret of', 'no answer (%s)' % type(exc).__name__) from None
        if resp.status_code not in (204, 404):
            raise self._failure('end the previous secret of', 'HTTP %s' % resp.status_code)
