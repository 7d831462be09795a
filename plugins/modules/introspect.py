#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: introspect
short_description: Ask the OP whether an OAuth 2.0 token is active, and what it grants (RFC 7662)
version_added: 0.1.0
description:
  - Sends a token to the OP's introspection endpoint (RFC 7662) and returns what the OP says about it, C(active) first,
    then claims such as C(scope), C(exp), C(sub), C(client_id) and C(token_type). The token itself is never returned.
  - The client authenticates exactly as M(jwtauth.oidc.token) does (V(client_secret_jwt), V(private_key_jwt),
    V(client_secret_basic), V(client_secret_post) or V(none)), with a new client assertion for every attempt.
  - The introspection endpoint is O(introspection_endpoint), else C(<issuer>/introspect) for PingOne
    (C(https://auth.pingone.<tld>/<environment_id>/as/introspect)), else the C(introspection_endpoint) of the discovery
    document of O(issuer).
  - C(active=false) (expired, revoked, unknown, or not for this client to see) is an answer, not a failure, unless
    O(fail_if_inactive=true).
  - The request always runs on the Ansible controller, whatever host the play targets.
author:
  - jwtauth.oidc developers (@jwtauth)
extends_documentation_fragment:
  - jwtauth.oidc.connection
  - jwtauth.oidc.connection.client_id
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - ansible.builtin.action_common_attributes.conn
options:
  token:
    description:
      - The access token or refresh token to introspect.
    type: str
    required: true
  token_type_hint:
    description:
      - What O(token) is, as a hint to the OP (RFC 7662 section 2.1); an OP that does not find the token under the hint
        looks further.
    type: str
    choices: [access_token, refresh_token]
  fail_if_inactive:
    description:
      - Fail the task when the OP says the token is not active. By default the task succeeds and RV(active) is V(false).
    type: bool
    default: false
  introspection_endpoint:
    description:
      - URL of the introspection endpoint, when discovery does not announce one or only O(token_endpoint) is known.
    type: str
attributes:
  check_mode:
    support: full
    details:
      - Introspection changes nothing, so it runs in check mode too and returns the real answer.
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
  connection:
    support: none
  delegation:
    support: none
  platform:
    platforms: all
notes:
  - Never reports C(changed).
  - B(PingOne.) An application may introspect the tokens of its own custom resources with its token endpoint
    authentication method; a custom resource introspects with its own ID and secret as O(client_id) and O(client_secret)
    and the O(auth_method) of its C(introspectEndpointAuthMethod) (PingOne "Token Introspection (Resource ID and
    Secret)"). PingOne's "Token Revocation" reference says the PingOne APIs do not use the introspection endpoint, and
    tokens issued for them (worker tokens for C(https://api.pingone.<tld>)) may not be revoked; what introspection says
    about such a token does not tell whether the PingOne API still takes it. The client assertion's C(aud) is the
    introspection endpoint's own URL (O(assertion_audience=endpoint)), which PingOne accepts, as it does the token
    endpoint and the issuer.
  - Errors such as C(invalid_client) (RFC 7662 section 2.3) say what failed, with the OP's C(error) and
    C(error_description), the HTTP status and the URL; never the token or a secret.
seealso:
  - module: jwtauth.oidc.revoke
  - module: jwtauth.oidc.token
  - name: RFC 7662
    description: OAuth 2.0 Token Introspection.
    link: https://www.rfc-editor.org/rfc/rfc7662
  - name: PingOne Token Introspection
    description: PingOne's introspection endpoint.
    link: https://developer.pingidentity.com/pingone-api/auth/openid-connect-oauth-2/token-introspection-access-token.html
"""

EXAMPLES = r"""
- name: Is the token still good, and for what?
  jwtauth.oidc.introspect:
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_client_id }}"
    client_secret: "{{ pingone_client_secret }}"
    token: "{{ login.access_token }}"
    token_type_hint: access_token
  register: seen

- name: Say so
  ansible.builtin.debug:
    msg: "{{ seen.claims.sub }} may {{ seen.claims.scope }} until {{ seen.claims.exp }}"
  when: seen.active

- name: Stop here unless the refresh token is active
  jwtauth.oidc.introspect:
    issuer: https://idp.example.com
    client_id: automation
    client_secret: "{{ vault_client_secret }}"
    token: "{{ login.refresh_token }}"
    token_type_hint: refresh_token
    fail_if_inactive: true
"""

RETURN = r"""
active:
  description: Whether the OP considers the token active (RFC 7662 section 2.2).
  returned: success
  type: bool
claims:
  description:
    - Everything the OP answered about the token (RFC 7662 section 2.2), C(active) included, except any member that
      repeats the token itself; the token, wherever else the OP echoes it (in a nested claim, inside a string), is masked.
      Which claims appear depends on the OP; an inactive token usually has C(active) alone.
  returned: success
  type: dict
  sample: {"active": true, "scope": "openid api:read", "client_id": "automation", "sub": "5f2...", "exp": 1790000000,
           "iat": 1789996400, "token_type": "Bearer", "iss": "https://auth.pingone.com/abc/as"}
introspection_endpoint:
  description: The introspection endpoint the request went to.
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
  description: The OAuth C(error) code of the OP's error response, for example C(invalid_client).
  returned: failure, when the OP sent an OAuth error
  type: str
error_description:
  description: The OP's C(error_description).
  returned: failure, when the OP sent one
  type: str
correlation_id:
  description: The correlation ID of the answer that failed, from its C(Correlation-Id) header.
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

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import introspect_module_kwargs


def main():
    """Never run by a play: the action plugin of the same name does the work, on the controller."""
    module = AnsibleModule(supports_check_mode=True, **introspect_module_kwargs())
    module.fail_json(
        msg='jwtauth.oidc.introspect runs on the controller as an action plugin; this module file holds only its '
        'documentation. Run it from a play with the jwtauth.oidc collection installed.'
    )


if __name__ == '__main__':
    main()
