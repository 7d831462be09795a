# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """Where the OP is, who the client is, how it authenticates: shared by every plugin of the collection."""

    DOCUMENTATION = r"""
options:
  token_endpoint:
    description:
      - Full URL of the OAuth 2.0 token endpoint, for example V(https://auth.pingone.com/<envID>/as/token).
      - When O(issuer) or the PingOne options are also set, this URL is used for the token request and the
        issuer is still used to validate the ID token.
      - One of O(token_endpoint), O(issuer), O(environment_id) or O(auth_base_url) is required.
      - Falls back to the E(JWTAUTH_OIDC_TOKEN_ENDPOINT) environment variable.
    type: str
  issuer:
    description:
      - The OpenID Provider's issuer identifier. The token endpoint and the JWKS are found through
        OpenID Connect Discovery at C(<issuer>/.well-known/openid-configuration); the metadata must name
        exactly this issuer.
      - Cannot be combined with O(environment_id) or O(auth_base_url), which derive the issuer themselves.
      - Falls back to the E(JWTAUTH_OIDC_ISSUER) environment variable.
    type: str
  environment_id:
    description:
      - PingOne environment ID, a UUID (admin console, B(Settings > Environment > Properties)). Spaces and slashes
        around it are removed; anything else that is not a UUID fails before any request.
      - The endpoints are derived without a discovery request,
        token endpoint C(https://auth.pingone.<tld>/<environment_id>/as/token), issuer
        C(https://auth.pingone.<tld>/<environment_id>/as), JWKS C(<issuer>/jwks).
      - Falls back to the E(JWTAUTH_OIDC_ENVIRONMENT_ID) environment variable.
    type: str
  region:
    description:
      - PingOne region of O(environment_id), which picks the top-level domain
        (V(NA) C(com), V(CA) C(ca), V(EU) C(eu), V(AU) C(com.au), V(SG) C(sg), V(AP) C(asia)).
      - In any case (V(eu) is V(EU)). Another value fails with a message naming the region to use (V(US) is V(NA)).
      - Ignored when O(auth_base_url) is set.
      - Falls back to the E(JWTAUTH_OIDC_REGION) environment variable.
    type: str
    default: NA
  auth_base_url:
    description:
      - Replaces C(https://auth.pingone.<tld>) in the PingOne URLs, for a PingOne custom domain or a
        test server laid out like PingOne.
      - With O(environment_id) the token endpoint is C(<auth_base_url>/<environment_id>/as/token);
        without it (a custom domain stands for one environment) it is C(<auth_base_url>/as/token).
      - Give the host only, for example V(https://login.example.com). An issuer or endpoint URL
        (ending in C(/as) or C(/as/token)) fails with a message that gives the value to use.
      - ID tokens are validated against the issuer that the discovery document at
        C(<auth_base_url>[/<environment_id>]/as/.well-known/openid-configuration) announces; on a custom domain
        PingOne may issue them as the custom domain or as C(https://auth.pingone.<tld>/<environment_id>/as).
      - Falls back to the E(JWTAUTH_OIDC_AUTH_BASE_URL) environment variable.
    type: str
  client_secret:
    description:
      - The client secret. With O(auth_method=client_secret_jwt) it never leaves the controller, it only keys
        the HMAC of the client assertion.
      - Required for O(auth_method) V(client_secret_jwt), V(client_secret_basic) and V(client_secret_post).
      - For V(HS256), V(HS384) and V(HS512), RFC 7518 section 3.2 asks for at least 32, 48 and 64 bytes; a
        shorter secret gives a warning.
      - Falls back to the E(JWTAUTH_OIDC_CLIENT_SECRET) environment variable.
    type: str
  private_key:
    description:
      - The client's private key in PEM format (PKCS#8 or traditional), for O(auth_method=private_key_jwt).
        Pass the key itself, for example V("{{ lookup('ansible.builtin.file', 'client.key'\) }}").
      - Falls back to the E(JWTAUTH_OIDC_PRIVATE_KEY) environment variable.
    type: str
  private_key_passphrase:
    description:
      - Passphrase of an encrypted O(private_key).
      - Falls back to the E(JWTAUTH_OIDC_PRIVATE_KEY_PASSPHRASE) environment variable.
    type: str
  key_id:
    description:
      - Key ID (C(kid) header) of O(private_key) as registered with the OP, so the OP can pick the right key.
      - Falls back to the E(JWTAUTH_OIDC_KEY_ID) environment variable.
    type: str
  auth_method:
    description:
      - How the client authenticates at the token endpoint (RFC 6749 section 2.3, OIDC Core section 9).
      - V(client_secret_jwt) sends a JWT signed with HMAC keyed by O(client_secret) (PingOne CLIENT_SECRET_JWT).
      - V(private_key_jwt) sends a JWT signed with O(private_key) (PingOne PRIVATE_KEY_JWT).
      - V(client_secret_basic) and V(client_secret_post) send the secret itself, in an HTTP Basic header or in the form.
      - V(none) is for public clients, which then need PKCE (C(code_verifier)) for the authorization code grant.
      - Falls back to the E(JWTAUTH_OIDC_AUTH_METHOD) environment variable.
    type: str
    default: client_secret_jwt
    choices: [none, client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt]
  signing_alg:
    description:
      - JWS algorithm of the client assertion.
      - V(HS256), V(HS384) or V(HS512) for V(client_secret_jwt) (default V(HS256)); must match what the OP
        expects when the client is pinned to one algorithm.
      - RSA (V(RS*), V(PS*)), EC (V(ES*)) or V(EdDSA) for V(private_key_jwt), matching the key type
        (default V(RS256) for RSA keys, V(ES256)/V(ES384)/V(ES512) for P-256/P-384/P-521 keys, V(EdDSA) for Ed25519).
      - Falls back to the E(JWTAUTH_OIDC_SIGNING_ALG) environment variable.
    type: str
    choices: [HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA]
  assertion_lifetime:
    description:
      - Seconds from C(iat) to C(exp) of the client assertion. A new assertion with a new C(jti) is signed
        for every request, so a short lifetime costs nothing and limits replay.
      - At most V(3600) (PingOne refuses a later C(exp)).
      - Falls back to the E(JWTAUTH_OIDC_ASSERTION_LIFETIME) environment variable.
    type: int
    default: 60
  audience:
    description:
      - The C(aud) claim of the client assertion, sent as it is at every endpoint (token, revocation, introspection,
        device authorization), for an OP that wants a value O(assertion_audience) does not give.
      - When set, O(assertion_audience) is not used.
      - Falls back to the E(JWTAUTH_OIDC_AUDIENCE) environment variable.
    type: str
  assertion_audience:
    description:
      - Which C(aud) the client assertion of O(auth_method=client_secret_jwt) or O(auth_method=private_key_jwt)
        names, endpoint by endpoint. O(audience), when set, wins.
      - V(endpoint) names the URL of the endpoint the request goes to, so the token endpoint URL in token requests,
        and the revocation, introspection or device authorization endpoint URL in those. idpyoidc and Glewlwyd accept
        nothing else at revocation, introspection and device authorization, Okta documents it, and PingOne and
        oidc-provider accept it.
      - V(token_endpoint) names the token endpoint URL at every endpoint, as RFC 7523 suggests. OPs that want the
        endpoint's own URL refuse it outside the token endpoint.
      - V(issuer) names the OP's issuer identifier, as one string, at every endpoint. The update of RFC 7523
        (draft-ietf-oauth-rfc7523bis) makes it the audience every authorization server must accept. OPs written
        before it, idpyoidc and Glewlwyd among them, refuse it. It needs the issuer, from O(issuer), O(environment_id) or
        O(auth_base_url); with only O(token_endpoint) the task fails before any request. OPs that follow the update
        strictly also want O(assertion_typ=client-authentication+jwt).
      - Falls back to the E(JWTAUTH_OIDC_ASSERTION_AUDIENCE) environment variable.
    type: str
    default: endpoint
    choices: [endpoint, token_endpoint, issuer]
  assertion_typ:
    description:
      - The C(typ) header of the client assertion.
      - V(JWT) is the usual value, and every OP that accepts client assertions takes it.
      - V(client-authentication+jwt) is the explicit type that the update of RFC 7523 (draft-ietf-oauth-rfc7523bis)
        registers, so that a client assertion cannot pass for another kind of JWT. Set it for an OP that requires it.
        OPs whose JWT libraries expect V(JWT) may refuse it.
      - Falls back to the E(JWTAUTH_OIDC_ASSERTION_TYP) environment variable.
    type: str
    default: JWT
    choices: [JWT, client-authentication+jwt]
  validate_certs:
    description:
      - Verify the TLS certificates of the OP. Set to V(false) only for a throwaway test server.
      - Falls back to the E(JWTAUTH_OIDC_VALIDATE_CERTS) environment variable.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of CA certificates to verify the OP with, instead of the system store. Applied to every
        request, so it wins over E(REQUESTS_CA_BUNDLE).
      - Falls back to the E(JWTAUTH_OIDC_CA_PATH) environment variable.
    type: path
  timeout:
    description:
      - Seconds one request may take as a whole, from connecting to the last byte of the answer. A server that
        trickles its answer cannot stretch it. Retries each get this much again.
      - Answers larger than 16 MiB are refused.
      - Between 1 and 3600.
      - Falls back to the E(JWTAUTH_OIDC_TIMEOUT) environment variable.
    type: int
    default: 30
  http_agent:
    description:
      - User-Agent header sent with every request. Defaults to C(ansible-jwtauth.oidc).
      - Falls back to the E(JWTAUTH_OIDC_HTTP_AGENT) environment variable.
    type: str
  retries:
    description:
      - How many times a request is sent again after a transient failure.
      - Retried, with jittered exponential backoff and C(Retry-After) honoured up to O(retry_after_max) seconds, are
        connection failures before the request was sent, HTTP 429, and HTTP 503 with C(Retry-After).
      - Also retried, only for grants that spend nothing (V(client_credentials)) and for discovery, are
        timeouts, HTTP 408, 500, 502, 503 without C(Retry-After), and 504.
      - An authorization code or refresh token is never sent again after the OP may have acted on it;
        RFC 6749 section 4.1.2 has the OP revoke the tokens of a code used twice.
      - A result that needed retries says so in a warning, for example C(retried 2 times after HTTP 429).
      - A request that can never be sent is not retried; the task fails at once, naming the URL and the header or
        option at fault. Such are a line break or a character outside ISO-8859-1 in a header value (O(http_agent), a
        bearer token), a host that is not a host name, or a port that is not a number up to 65535.
      - Between 0 and 10.
      - Falls back to the E(JWTAUTH_OIDC_RETRIES) environment variable.
    type: int
    default: 3
  retry_after_max:
    description:
      - The longest C(Retry-After) (in seconds, or as an HTTP date) waited for before a request is sent again. An answer
        that asks for a longer wait is not retried; the task fails with the server's answer rather than look hung.
      - PingOne answers C(429 REQUEST_LIMITED) with C(Retry-After); Ping's own SDKs cap the wait at 30 seconds.
      - Between 0 and 3600.
      - Falls back to the E(JWTAUTH_OIDC_RETRY_AFTER_MAX) environment variable.
    type: int
    default: 30
  allow_plain_http:
    description:
      - Client secrets, assertions, codes and tokens are sent only over https. A token endpoint, issuer, discovery
        document entry or API URL with C(http://) is refused before anything is sent, with a message naming the URL
        and where it came from.
      - Set to V(true) to allow plain HTTP to a loopback address (C(127.0.0.0/8), C(::1), C(localhost)), for a
        development OP on the controller itself. Other hosts are refused whatever this says. Every result that used
        plain HTTP carries a warning.
      - Falls back to the E(JWTAUTH_OIDC_ALLOW_PLAIN_HTTP) environment variable.
    type: bool
    default: false
  http_trace:
    description:
      - Return C(http_trace), a trace of every HTTP exchange of the task for support ("what did it send?"), failed
        or not; the lookup shows it in the job output instead. One entry an attempt - method, URL, status (or the
        transport error), seconds taken, the answer's correlation ID (PingOne's C(Correlation-Id)), the attempt's
        number - and one for each wait before a retry, with its reason.
      - Never holds a secret - no header, no body; query values that carry credentials (C(code), C(state),
        C(token)...) are shown as C(***) - and the task masks it as it masks everything it shows.
      - Falls back to the E(JWTAUTH_OIDC_HTTP_TRACE) environment variable.
    type: bool
    default: false
  rate_limit:
    description:
      - The rate, in requests per second, that every task and process of this user on the controller shares when it
        names the same budget (O(rate_limit_name)). Plays, forks and AWX jobs on one node take their turns from one
        small file in the token store's directory, the one O(jwtauth.oidc.token#module:token_store_path) names, so that together
        they stay under it.
      - Set it to the share of the licence's rate this controller may use. PingOne limits the rate of a licence, each
        client IP to about a third of it, and answers over it with C(429 REQUEST_LIMITED) and C(Retry-After); a
        budget at or a little under that rate needs no 429 at all.
      - A 429 lowers the budget's rate for every process at once and pauses them all for its C(Retry-After); the rate
        grows back to this one over the next seconds.
      - Unset, each task learns the rate on its own from the 429 answers it gets; O(jwtauth.oidc.api_resource#module:parallel)
        says how. The guide "Rate limits" of the collection's docs says how to
        set a budget in AWX and past one controller.
      - Between 0.1 and 100000.
      - Falls back to the E(JWTAUTH_OIDC_RATE_LIMIT) environment variable.
    type: float
  rate_limit_burst:
    description:
      - How many requests of the budget (O(rate_limit)) may leave at once after a quiet time; then they leave at the
        rate. At most the licence's own burst, if it is known.
      - Between 1 and 10000.
      - Falls back to the E(JWTAUTH_OIDC_RATE_LIMIT_BURST) environment variable.
    type: int
    default: 1
  rate_limit_name:
    description:
      - The name of the rate budget (O(rate_limit)). Tasks and processes that give the same name share one budget;
        give tasks that talk to different licences (or services) different names.
      - Falls back to the E(JWTAUTH_OIDC_RATE_LIMIT_NAME) environment variable.
    type: str
    default: default
  credential:
    description:
      - Which injected credential the options above fall back to, for a job with two clients (AWX attaches at most one
        credential of a type to a job).
      - V(default) reads C(JWTAUTH_OIDC_<OPTION>), what a credential of the type "OpenID Connect client (jwtauth.oidc)"
        injects, usually a PingOne worker application.
      - V(application) reads the client (O(client_id), O(client_secret), O(private_key), O(private_key_passphrase),
        O(key_id), O(auth_method), O(signing_alg)) and the user (C(username), C(password) of the token module and lookup) only from
        C(JWTAUTH_OIDC_APP_<OPTION>), what a credential of the type "OpenID Connect application (jwtauth.oidc)"
        injects, usually the application your users sign on to. The location (O(issuer), O(token_endpoint),
        O(environment_id), O(auth_base_url), O(region), O(audience), O(assertion_audience), O(assertion_typ)) comes from it
        when it names one, else from the default credential (the same PingOne environment); O(ca_path) from it first.
        Everything else, such as the timeouts and the token store, comes from C(JWTAUTH_OIDC_<OPTION>).
      - An option given in the task still wins, group by group, as with the default credential.
      - Set it in the task (or C(module_defaults)); it has no environment variable.
    type: str
    default: default
    choices: [default, application]
notes:
  - Every option above also reads an environment variable named C(JWTAUTH_OIDC_<OPTION>), the names that
    the collection's AWX credential type injects; with O(credential=application), C(JWTAUTH_OIDC_APP_<OPTION>)
    for the application's client.
requirements:
  - requests
  - PyJWT with its crypto extra (cryptography)
"""

    # client_id is required by the token module and lookup, and not by api_resource
    # when it gets a bearer token: each plugin takes one of these two.
    CLIENT_ID = r"""
options:
  client_id:
    description:
      - The OAuth 2.0 client ID (PingOne calls it the application's Client ID).
      - Falls back to the E(JWTAUTH_OIDC_CLIENT_ID) environment variable.
    type: str
    required: true
"""

    CLIENT_ID_OPTIONAL = r"""
options:
  client_id:
    description:
      - The OAuth 2.0 client ID (PingOne calls it the application's Client ID).
      - Required unless O(bearer_token) is set.
      - Falls back to the E(JWTAUTH_OIDC_CLIENT_ID) environment variable.
    type: str
"""

    # For the lookup: Ansible's config would refuse a client_id marked required
    # before the lookup reads it from the environment; the lookup checks it itself.
    CLIENT_ID_LOOKUP = r"""
options:
  client_id:
    description:
      - The OAuth 2.0 client ID (PingOne calls it the application's Client ID).
      - Required, as a keyword, a variable or the E(JWTAUTH_OIDC_CLIENT_ID) environment variable.
    type: str
"""

    # Where lookups read each option besides their keyword arguments; secrets come
    # from the environment or variables (vault), never from ansible.cfg.
    # The env: entries name the JWTAUTH_OIDC_* variables the argument spec falls back
    # to (they fill the docsite's environment variable index), but the lookup reads
    # them through the option layer (_argspec.sources.env_fallback_nonempty), as the modules
    # do; it reads the vars: and ini: entries itself and never asks Ansible's config for the
    # env: ones: an AWX credential injects its empty inputs as VAR="", which means unset,
    # where Ansible's config would refuse an option with choices, turn a bool false, a path
    # into the current directory, and hide the ini: value below it.
    # tests/unit/plugins/doc_fragments/test_env_vars.py holds the entries to the argument spec.
    PLUGINS = r"""
options:
  token_endpoint:
    env:
      - name: JWTAUTH_OIDC_TOKEN_ENDPOINT
    ini:
      - section: jwtauth_oidc
        key: token_endpoint
    vars:
      - name: jwtauth_oidc_token_endpoint
  issuer:
    env:
      - name: JWTAUTH_OIDC_ISSUER
    ini:
      - section: jwtauth_oidc
        key: issuer
    vars:
      - name: jwtauth_oidc_issuer
  environment_id:
    env:
      - name: JWTAUTH_OIDC_ENVIRONMENT_ID
    ini:
      - section: jwtauth_oidc
        key: environment_id
    vars:
      - name: jwtauth_oidc_environment_id
  region:
    env:
      - name: JWTAUTH_OIDC_REGION
    ini:
      - section: jwtauth_oidc
        key: region
    vars:
      - name: jwtauth_oidc_region
  auth_base_url:
    env:
      - name: JWTAUTH_OIDC_AUTH_BASE_URL
    ini:
      - section: jwtauth_oidc
        key: auth_base_url
    vars:
      - name: jwtauth_oidc_auth_base_url
  client_id:
    env:
      - name: JWTAUTH_OIDC_CLIENT_ID
    ini:
      - section: jwtauth_oidc
        key: client_id
    vars:
      - name: jwtauth_oidc_client_id
  client_secret:
    env:
      - name: JWTAUTH_OIDC_CLIENT_SECRET
    vars:
      - name: jwtauth_oidc_client_secret
  private_key:
    env:
      - name: JWTAUTH_OIDC_PRIVATE_KEY
    vars:
      - name: jwtauth_oidc_private_key
  private_key_passphrase:
    env:
      - name: JWTAUTH_OIDC_PRIVATE_KEY_PASSPHRASE
    vars:
      - name: jwtauth_oidc_private_key_passphrase
  key_id:
    env:
      - name: JWTAUTH_OIDC_KEY_ID
    ini:
      - section: jwtauth_oidc
        key: key_id
    vars:
      - name: jwtauth_oidc_key_id
  auth_method:
    env:
      - name: JWTAUTH_OIDC_AUTH_METHOD
    ini:
      - section: jwtauth_oidc
        key: auth_method
    vars:
      - name: jwtauth_oidc_auth_method
  signing_alg:
    env:
      - name: JWTAUTH_OIDC_SIGNING_ALG
    ini:
      - section: jwtauth_oidc
        key: signing_alg
    vars:
      - name: jwtauth_oidc_signing_alg
  assertion_lifetime:
    env:
      - name: JWTAUTH_OIDC_ASSERTION_LIFETIME
    ini:
      - section: jwtauth_oidc
        key: assertion_lifetime
    vars:
      - name: jwtauth_oidc_assertion_lifetime
  audience:
    env:
      - name: JWTAUTH_OIDC_AUDIENCE
    ini:
      - section: jwtauth_oidc
        key: audience
    vars:
      - name: jwtauth_oidc_audience
  assertion_audience:
    env:
      - name: JWTAUTH_OIDC_ASSERTION_AUDIENCE
    ini:
      - section: jwtauth_oidc
        key: assertion_audience
    vars:
      - name: jwtauth_oidc_assertion_audience
  assertion_typ:
    env:
      - name: JWTAUTH_OIDC_ASSERTION_TYP
    ini:
      - section: jwtauth_oidc
        key: assertion_typ
    vars:
      - name: jwtauth_oidc_assertion_typ
  validate_certs:
    env:
      - name: JWTAUTH_OIDC_VALIDATE_CERTS
    ini:
      - section: jwtauth_oidc
        key: validate_certs
    vars:
      - name: jwtauth_oidc_validate_certs
  ca_path:
    env:
      - name: JWTAUTH_OIDC_CA_PATH
    ini:
      - section: jwtauth_oidc
        key: ca_path
    vars:
      - name: jwtauth_oidc_ca_path
  timeout:
    env:
      - name: JWTAUTH_OIDC_TIMEOUT
    ini:
      - section: jwtauth_oidc
        key: timeout
    vars:
      - name: jwtauth_oidc_timeout
  http_agent:
    env:
      - name: JWTAUTH_OIDC_HTTP_AGENT
    ini:
      - section: jwtauth_oidc
        key: http_agent
    vars:
      - name: jwtauth_oidc_http_agent
  retries:
    env:
      - name: JWTAUTH_OIDC_RETRIES
    ini:
      - section: jwtauth_oidc
        key: retries
    vars:
      - name: jwtauth_oidc_retries
  retry_after_max:
    env:
      - name: JWTAUTH_OIDC_RETRY_AFTER_MAX
    ini:
      - section: jwtauth_oidc
        key: retry_after_max
    vars:
      - name: jwtauth_oidc_retry_after_max
  allow_plain_http:
    env:
      - name: JWTAUTH_OIDC_ALLOW_PLAIN_HTTP
    ini:
      - section: jwtauth_oidc
        key: allow_plain_http
    vars:
      - name: jwtauth_oidc_allow_plain_http
  http_trace:
    env:
      - name: JWTAUTH_OIDC_HTTP_TRACE
    ini:
      - section: jwtauth_oidc
        key: http_trace
    vars:
      - name: jwtauth_oidc_http_trace
  rate_limit:
    env:
      - name: JWTAUTH_OIDC_RATE_LIMIT
    ini:
      - section: jwtauth_oidc
        key: rate_limit
    vars:
      - name: jwtauth_oidc_rate_limit
  rate_limit_burst:
    env:
      - name: JWTAUTH_OIDC_RATE_LIMIT_BURST
    ini:
      - section: jwtauth_oidc
        key: rate_limit_burst
    vars:
      - name: jwtauth_oidc_rate_limit_burst
  rate_limit_name:
    env:
      - name: JWTAUTH_OIDC_RATE_LIMIT_NAME
    ini:
      - section: jwtauth_oidc
        key: rate_limit_name
    vars:
      - name: jwtauth_oidc_rate_limit_name
"""
