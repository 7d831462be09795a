#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: revoke
short_description: Revoke an OAuth 2.0 access or refresh token (RFC 7009), and drop it from the token store
version_added: 0.1.0
description:
  - Revokes a token at the OP's revocation endpoint (RFC 7009), authenticating the client exactly as
    M(jwtauth.oidc.token) does (V(client_secret_jwt), V(private_key_jwt), V(client_secret_basic), V(client_secret_post)
    or V(none)), with a new client assertion for every attempt.
  - Revokes either the O(token) given, or the tokens kept in the controller's token store, named by O(saved_as)
    (what M(jwtauth.oidc.token) saved with its O(jwtauth.oidc.token#module:save_as) option) or kept by the
    P(jwtauth.oidc.token#lookup) lookup for the same options. A stored entry's refresh token is revoked first (RFC 7009
    section 2.1 says the OP should then revoke the access tokens of its grant too), then its access token; then the entry
    is removed from the store, so the next lookup requests a new token.
  - The revocation endpoint is O(revocation_endpoint), else C(<issuer>/revoke) for PingOne
    (C(https://auth.pingone.<tld>/<environment_id>/as/revoke)), else the C(revocation_endpoint) of the discovery
    document of O(issuer).
  - The request always runs on the Ansible controller, whatever host the play targets.
author:
  - jwtauth.oidc developers (@jwtauth)
extends_documentation_fragment:
  - jwtauth.oidc.connection
  - jwtauth.oidc.connection.client_id
  - jwtauth.oidc.token_store
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - ansible.builtin.action_common_attributes.conn
options:
  token:
    description:
      - The access token or refresh token to revoke.
      - Without O(token) and O(saved_as), the tokens the lookup keeps in the store for the same options (and O(scope) and
        O(extra_params)) are revoked.
      - A token given here is not looked for in the token store; revoke a stored token with O(saved_as) (or neither
        option) so that its entry is removed too.
    type: str
  token_type_hint:
    description:
      - What O(token) is, as a hint to the OP (RFC 7009 section 2.1); an OP that does not find the token under the hint
        looks further. Only with O(token).
    type: str
    choices: [access_token, refresh_token]
  saved_as:
    description:
      - Revoke the tokens saved by M(jwtauth.oidc.token) under this name with its O(jwtauth.oidc.token#module:save_as) option by
        the same client at the same OP, and remove them from the store.
    type: str
  scope:
    description:
      - Only without O(token) and O(saved_as), to find the lookup's entry, which is kept per scope; give the scope the
        lookup was given. Sent nowhere.
    type: list
    elements: str
  extra_params:
    description:
      - Only without O(token) and O(saved_as), to find the lookup's entry, which is kept per extra_params; give those the
        lookup was given. Sent nowhere.
    type: dict
    default: {}
  revocation_endpoint:
    description:
      - URL of the revocation endpoint, when discovery does not announce one or only O(token_endpoint) is known.
    type: str
attributes:
  check_mode:
    support: full
    details:
      - Nothing is sent and the store is not changed. A stored entry is read to predict C(changed).
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
  - B(changed.) For a stored token, C(changed) says whether there was an entry (its tokens were revoked and it was
    removed); a second run reports C(changed=false). For a given O(token), C(changed=true) means the OP answered
    HTTP 200, which RFC 7009 section 2.2 has it answer for an unknown, expired or already revoked token too, so a
    module cannot tell whether anything was valid before.
  - B(PingOne.) PingOne's "Token Revocation" reference says tokens issued for the PingOne API resource may not be
    revoked (the PingOne APIs do not use the introspection endpoint), nor tokens of a custom resource that have no
    C(sid) (session) claim, such as those of the C(client_credentials) grant. So the worker tokens that automation
    gets for C(https://api.pingone.<tld>) stay valid until they expire; the issue that asked for this module reports
    that the revocation endpoint answers 200 for them all the same. Revoking a stored worker token still removes it
    from the store.
  - PingOne applies the application's token endpoint authentication method to revocation, so the same O(auth_method)
    works. The client assertion's C(aud) is the revocation endpoint's own URL (O(assertion_audience=endpoint)), which
    PingOne accepts (its page "Create a client secret JWT" lists the token endpoint, the issuer, and the endpoint being
    called) and which OPs such as idpyoidc and Glewlwyd require.
  - Transient failures (HTTP 429, 503 with C(Retry-After), and, since revocation can be repeated safely, 408, 500, 502,
    503 and 504) are retried as O(retries) says.
  - Errors such as C(unsupported_token_type) (RFC 7009 section 2.2.1) or C(invalid_client) say what failed, with the
    OP's C(error) and C(error_description), the HTTP status and the URL; never the token or a secret.
seealso:
  - module: jwtauth.oidc.introspect
  - module: jwtauth.oidc.token
  - name: RFC 7009
    description: OAuth 2.0 Token Revocation.
    link: https://www.rfc-editor.org/rfc/rfc7009
  - name: PingOne Token Revocation
    description: PingOne's revocation endpoint, and which tokens it cannot revoke.
    link: https://developer.pingidentity.com/pingone-api/auth/openid-connect-oauth-2/token-revocation.html
"""

EXAMPLES = r"""
- name: Log out at the end of a job, revoking the refresh token saved by the token module
  jwtauth.oidc.revoke:
    environment_id: "{{ pingone_environment_id }}"
    region: EU
    client_id: "{{ pingone_client_id }}"
    client_secret: "{{ pingone_client_secret }}"
    saved_as: operator

- name: Revoke a token held in a variable
  jwtauth.oidc.revoke:
    issuer: https://idp.example.com
    client_id: automation
    client_secret: "{{ vault_client_secret }}"
    token: "{{ login.refresh_token }}"
    token_type_hint: refresh_token
  no_log: true

- name: Drop the lookup's token for these options, revoking it first
  jwtauth.oidc.revoke:
    issuer: https://idp.example.com
    client_id: automation
    client_secret: "{{ vault_client_secret }}"
    scope: [api:read]
"""

RETURN = r"""
revoked:
  description:
    - What was revoked, V(refresh_token) and V(access_token) for a stored entry; for a given O(token), its O(token_type_hint)
      or V(token). Empty in check mode and when there was nothing to revoke.
  returned: success
  type: list
  elements: str
  sample: [refresh_token, access_token]
removed:
  description: Whether an entry was removed from the token store.
  returned: success, without O(token)
  type: bool
revocation_endpoint:
  description: The revocation endpoint the requests went to.
  returned: success, when a request was sent
  type: str
msg:
  description: What was done, in words.
  returned: always
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
  description: The OAuth C(error) code of the OP's error response, for example C(unsupported_token_type).
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

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import revoke_module_kwargs


def main():
    """Never run by a play: the action plugin of the same name does the work, on the controller."""
    module = AnsibleModule(supports_check_mode=True, **revoke_module_kwargs())
    module.fail_json(
        msg='jwtauth.oidc.revoke runs on the controller as an action plugin; this module file holds only its '
        'documentation. Run it from a play with the jwtauth.oidc collection installed.'
    )


if __name__ == '__main__':
    main()
