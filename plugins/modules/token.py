#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: token
short_description: Get OAuth 2.0 / OpenID Connect tokens, authenticating with a client assertion JWT
version_added: 0.1.0
description:
  - Sends one token request to an OAuth 2.0 / OpenID Connect token endpoint and returns the tokens.
  - Grants are the authorization code grant (RFC 6749 section 4.1, with PKCE per RFC 7636), client credentials
    (section 4.4), refresh token (section 6), the device authorization grant (RFC 8628) and token exchange (RFC 8693).
  - With the device authorization grant the task shows a verification URI and a user code in the job output at once,
    then polls the token endpoint at the interval the OP asks for until a person approves, at most O(device_timeout)
    seconds. The device code is never shown. A verification URI that is not https, or is on a host that is neither a
    host of the OP nor a subdomain of one, is shown with a warning (RFC 8628 section 5.4); the grant goes on.
  - The client authenticates with a JWT signed by its client secret (V(client_secret_jwt), PingOne's CLIENT_SECRET_JWT)
    or by its private key (V(private_key_jwt)), as RFC 7523 and OIDC Core section 9 describe, or with
    V(client_secret_basic), V(client_secret_post) or V(none).
  - Works with PingOne (O(environment_id) and O(region)) and with any standards-compliant OpenID Provider
    (O(issuer) or O(token_endpoint)).
  - When an ID token comes back it is validated (signature against the OP's JWKS, C(iss), C(aud), C(azp), C(exp),
    C(iat), C(nonce), C(at_hash)) and its claims are returned.
  - The request always runs on the Ansible controller, whatever host the play targets, so client secrets and keys
    never travel to managed hosts.
author:
  - jwtauth.oidc developers (@jwtauth)
extends_documentation_fragment:
  - jwtauth.oidc.connection
  - jwtauth.oidc.connection.client_id
  - jwtauth.oidc.grant
  - jwtauth.oidc.token_store
  - jwtauth.oidc.token_store.action
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - ansible.builtin.action_common_attributes.conn
options:
  save_as:
    description:
      - Save the tokens in the controller's token store under this name, so that
        V(lookup('jwtauth.oidc.token', 'NAME')) returns them, renewed with the refresh token when they near expiry.
      - This is how a token from a one-time authorization code stays usable for the rest of the play, and across plays.
      - Needs the token store (O(token_store=true)) and a client credential to encrypt with, so not O(auth_method=none).
    type: str
attributes:
  check_mode:
    support: partial
    details:
      - V(authorization_code) and V(refresh_token) grants are not sent in check mode, because they spend a single-use
        value; the task reports skipped and its result holds no token. Guard the tasks that use the tokens with a
        condition such as C(login is not skipped) (the registered name) or C(not ansible_check_mode), as the examples
        do. Add C(check_mode=false) to the task to send them anyway.
      - V(client_credentials) and token exchange spend nothing and run in check mode, so later tasks can use the token.
      - The device authorization grant is not started in check mode, since it asks a person to sign in.
      - V(pingone_flow) is not sent in check mode either. A sign-on counts towards the account's lockout when the password
        is wrong, and it issues a single-use code.
  diff_mode:
    support: none
  action:
    support: full
    details:
      - The work is done by the action plugin on the controller; C(delegate_to) does not change where it runs.
  async:
    support: none
  bypass_host_loop:
    support: none
  become:
    support: none
    details:
      - Runs in the controller process; C(become) has no effect.
  connection:
    support: none
    details:
      - Does not use the target's connection; the token request is made from the controller.
  delegation:
    support: none
    details:
      - C(delegate_to) is accepted and ignored; the request is made from the controller either way.
  platform:
    platforms: all
notes:
  - B(Keep tokens out of logs.) A successful result holds tokens, so its display is censored at every verbosity, as if
    the task had C(no_log=true); the registered variable still holds everything. Errors and check-mode skips hold no token and
    are shown in full. Still set C(no_log=true) on the task, and on any task that prints or passes on the registered tokens.
  - Ansible replaces a returned value that equals a C(no_log) input with C(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER). An OP that
    does not rotate refresh tokens returns the O(refresh_token) you sent; this module runs as an action plugin on the
    controller and returns the real value, so RV(refresh_token) is always usable.
  - The module reports C(changed=false); getting a token changes no configuration.
  - Errors say what failed and why, with the OP's C(error) and C(error_description), the HTTP status and the URL;
    they never contain the secret, the assertion or a token.
  - O(grant_type=pingone_flow) signs a user on at PingOne without a browser (C(response_mode=pi.flow)). The sign-on takes
    three requests to the PingOne auth host, then the code exchange; the password, the code and PingOne's session
    cookie are never shown. Cookies are kept for that one sign-on only and sent only to the auth host. See the
    "PingOne headless sign-on" guide of this collection (docs/docsite/rst/guide_pingone_headless.rst).
seealso:
  - name: RFC 7523
    description: JWT profile for OAuth 2.0 client authentication.
    link: https://www.rfc-editor.org/rfc/rfc7523
  - name: OpenID Connect Core 1.0, section 9
    description: Client authentication with client_secret_jwt and private_key_jwt.
    link: https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
"""

EXAMPLES = r"""
- name: Exchange an authorization code at PingOne, authenticating with a client secret JWT
  jwtauth.oidc.token:
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_client_id }}"
    client_secret: "{{ pingone_client_secret }}"
    auth_method: client_secret_jwt
    signing_alg: HS256
    code: "{{ authorization_code }}"
    redirect_uri: https://app.example.com/callback
  register: login
  no_log: true

- name: Show who logged in (claims only, not the tokens)
  ansible.builtin.debug:
    msg: "{{ login.id_token_claims.sub }} until {{ login.expires_at }}"
  # --check does not spend the code: the exchange reports skipped and returns no tokens.
  when: login is not skipped

- name: Client credentials from any OP found by discovery, with HS512
  jwtauth.oidc.token:
    issuer: https://idp.example.com
    client_id: automation
    client_secret: "{{ vault_client_secret }}"
    signing_alg: HS512
    scope: [api:read, api:write]
    extra_params:
      resource: https://api.example.com
  register: api
  no_log: true

- name: private_key_jwt with an EC key
  jwtauth.oidc.token:
    token_endpoint: https://idp.example.com/oauth2/token
    client_id: automation
    auth_method: private_key_jwt
    private_key: "{{ lookup('ansible.builtin.file', 'automation.key') }}"
    key_id: automation-2026
    signing_alg: ES256
  register: api
  no_log: true

- name: Refresh before a long job step
  jwtauth.oidc.token:
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_client_id }}"
    client_secret: "{{ pingone_client_secret }}"
    refresh_token: "{{ login.refresh_token }}"
  register: login
  no_log: true
  when: not ansible_check_mode

- name: Sign a PingOne service account on without a browser (headless sign-on, response_mode=pi.flow)
  jwtauth.oidc.token:
    grant_type: pingone_flow
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_client_id }}"
    client_secret: "{{ pingone_client_secret }}"
    redirect_uri: https://automation.example.com/callback
    scope: [openid, profile]
    username: svc-ansible
    password: "{{ vault_svc_ansible_password }}"
    save_as: svc-ansible
  register: signed_on
  no_log: true
  when: not ansible_check_mode

- name: A person approves this job at PingOne (the user code appears in the job output), tokens kept for the play
  jwtauth.oidc.token:
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_client_id }}"
    client_secret: "{{ pingone_client_secret }}"
    grant_type: device_code
    scope: [openid, offline_access]
    device_timeout: 300
    save_as: operator
  register: operator
  no_log: true

- name: Exchange the operator's access token for a narrower one for the reports API (RFC 8693)
  jwtauth.oidc.token:
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_client_id }}"
    client_secret: "{{ pingone_client_secret }}"
    grant_type: token_exchange
    subject_token: "{{ operator.access_token }}"
    scope: [reports:read]
    token_audience: [https://reports.example.com]
  register: reports
  no_log: true
  when: operator is not skipped

- name: Credentials injected as JWTAUTH_OIDC_* environment variables (AWX credential type)
  jwtauth.oidc.token:
    grant_type: client_credentials
  register: api
  no_log: true

- name: Sign a service account on to the job's second client, from an AWX credential of the application type
  jwtauth.oidc.token:
    credential: application      # JWTAUTH_OIDC_APP_* variables: client, username and password
    grant_type: pingone_flow
    redirect_uri: https://app.example.com/callback
    scope: [openid, profile]
  register: login
  no_log: true
"""

RETURN = r"""
access_token:
  description: The access token.
  returned: success
  type: str
token_type:
  description: The token type, usually C(Bearer).
  returned: success
  type: str
expires_in:
  description: Lifetime of the access token in seconds, as the OP sent it, clamped to 0 .. one year.
  returned: success, when the OP sends it
  type: int
expires_at:
  description:
    - Expiry of the access token in epoch seconds, counted from when the request was sent.
    - From C(expires_in), else the C(exp) of a JWT access token, else O(default_token_lifetime).
  returned: success, unless the OP states no lifetime and O(default_token_lifetime=0)
  type: int
scope:
  description: The scopes granted, space-separated; absent when the OP granted exactly those requested (RFC 6749 section 5.1).
  returned: success, when the OP sends it
  type: str
id_token:
  description: The ID token (a JWT).
  returned: success, when the OP sends one
  type: str
id_token_claims:
  description: The claims of the validated ID token; V(null) when no ID token came back or O(validate_id_token=false).
  returned: success
  type: dict
  sample: {"iss": "https://auth.pingone.com/abc/as", "sub": "5f2...", "aud": "my-client", "exp": 1790000000}
refresh_token:
  description: The refresh token; the same one that was sent when the OP does not rotate refresh tokens.
  returned: success, when the OP sends one
  type: str
issued_token_type:
  description:
    - What the token exchange issued, a token type URI of RFC 8693 section 3; the token itself is in RV(access_token),
      whatever its type (RFC 8693 section 2.2.1).
  returned: success, when the OP sends it (token exchange)
  type: str
  sample: urn:ietf:params:oauth:token-type:access_token
grant_type:
  description: The grant that was used; the URN for the device authorization grant and token exchange.
  returned: always
  type: str
token_endpoint:
  description: The token endpoint the request went to.
  returned: success
  type: str
issuer:
  description: The OP issuer, when known.
  returned: success
  type: str
url:
  description: The URL of the request that failed.
  returned: failure
  type: str
status:
  description: The HTTP status of the answer that failed.
  returned: failure, when the OP answered
  type: int
error:
  description:
    - The OAuth C(error) code of the OP's error response, for example C(invalid_grant).
    - With O(grant_type=pingone_flow), the C(code) of PingOne's error body, for example C(INVALID_DATA) for a wrong password.
  returned: failure, when the OP sent an OAuth error or a PingOne error body
  type: str
flow_status:
  description:
    - The status of PingOne's sign-on flow with O(grant_type=pingone_flow). On success V(COMPLETED). On failure, the
      status the flow stopped at, for example V(OTP_REQUIRED) (MFA), V(PASSWORD_EXPIRED) or V(MUST_CHANGE_PASSWORD).
  returned: with O(grant_type=pingone_flow), on success and when the flow stopped at another status
  type: str
  sample: COMPLETED
error_description:
  description: The OP's C(error_description).
  returned: failure, when the OP sent one
  type: str
correlation_id:
  description:
    - The correlation ID of the answer that failed, from its C(Correlation-Id) header (PingOne sends one with every
      answer). Give it, with the PingOne error id the message shows, to Ping support.
  returned: failure, when the answer had one
  type: str
http_trace:
  description:
    - With O(http_trace=true), the task's HTTP exchanges in order, for support. One entry an attempt, with C(method),
      C(url) (credential query values as C(***)), C(status) or C(error), C(seconds), C(attempt), and the answer's
      C(correlation_id) when it has one; and one entry a wait before a retry, with C(wait) (seconds),
      C(before_attempt) and C(why). Never a header nor a body.
  returned: when O(http_trace=true), failed or not
  type: list
  elements: dict
  sample:
    - {method: POST, url: "https://auth.pingone.eu/<envID>/as/token", status: 200, seconds: 0.21, attempt: 1,
       correlation_id: 5b1f0c1e-5f9b-4d3a-9a8e-2f1c3d4e5f60}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import token_module_kwargs


def main():
    """Never run by a play: the action plugin of the same name does the work, on the controller.

    This file carries the documentation, and the argument spec that ansible-test
    compares it with.  Run as a module anyway (say, copied elsewhere), it says so.
    """
    module = AnsibleModule(supports_check_mode=True, **token_module_kwargs())
    module.fail_json(
        msg='jwtauth.oidc.token runs on the controller as an action plugin; this module file holds only its '
        'documentation. Run it from a play with the jwtauth.oidc collection installed.'
    )


if __name__ == '__main__':
    main()
