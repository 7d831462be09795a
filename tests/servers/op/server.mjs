// Copyright: Contributors to the jwtauth.oidc collection
// GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Local OpenID Provider for the jwtauth.oidc tests.
//
// One HTTPS server on 127.0.0.1 serving:
//   /...                    provider "root"    issuer https://127.0.0.1:<port>
//   /<env_id>/as/...        provider "pingone" issuer https://127.0.0.1:<port>/<env_id>/as
//                           (PingOne's URL layout: /as/token, /as/authorize, /as/jwks, ...)
//   /endpoint-aud/...       provider "endpoint_aud" issuer https://127.0.0.1:<port>/endpoint-aud
//   /issuer-aud/...         provider "issuer_aud"   issuer https://127.0.0.1:<port>/issuer-aud
//                           oidc-provider's routes, with client assertion audiences as strict as other OPs' (see
//                           AUDIENCE_RULES below)
//   /faults/...             canned misbehaviour for negative tests (see handleFault below)
//   /<env_id>/as/authorize?response_mode=pi.flow, /<env_id>/flows/<id>, /<env_id>/as/resume
//                           PingOne's headless sign-on, emulated over the pingone provider (see handlePiFlow)
//   /<env_id>/as/reg[/<id>] the pingone provider's client registration (RFC 7591, RFC 7592), for the PingOne-shaped
//                           Management API test server only (see pingoneRegistration); PingOne has no such route
//   /<env_id>/as/reg/<id>/secret[/previous]
//                           the rotation of a registered client's secret with an overlap, for the same server only
//                           (see handleSecretRotation): the previous secret authenticates the client until it ends
//
// Every provider is panva/oidc-provider 9 (an OpenID Certified implementation).
// Usage: node server.mjs <config.json>   (the config is written by harness.py)
//
// Secrets never go to the log: no bodies, no query strings, no Authorization
// headers, no tokens. Only paths, statuses and the provider's error details.

import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash, createHmac, generateKeyPair, randomBytes, randomUUID, sign, timingSafeEqual } from 'node:crypto';
import https from 'node:https';
import { promisify } from 'node:util';

// The RSA key is generated on libuv's thread pool while the main thread loads
// oidc-provider (dynamic import below): roughly 0.2 s off the start-up time.
const keyPair = promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
const { default: Provider, errors } = await import('oidc-provider');
// The provider's own in-memory adapter, over a store of ours (see UnboundedStore).
const { default: MemoryAdapter } = await import('oidc-provider/lib/adapters/memory_adapter.js');

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const host = config.host || '127.0.0.1';
const envPrefix = `/${config.env_id}/as`;

// ---------------------------------------------------------------- logging

function log(record) {
  // Synchronous on purpose: a line is on disk before the response leaves, so a
  // test that reads the log right after its request sees it.
  appendFileSync(config.log_path, `${JSON.stringify({ ts: Date.now() / 1000, ...record })}\n`);
}

function pathOnly(url) {
  const i = url.indexOf('?');
  return i === -1 ? url : url.slice(0, i);
}

// Log every request once, with its final status. writeHead is wrapped (Node calls
// it implicitly for every response) so the line is written before any byte goes out.
function logRequests(req, res, provider) {
  // The User-Agent tells apart the cases of one ansible-playbook run that sets http_agent per case.
  const record = { type: 'request', method: req.method, path: pathOnly(req.url), provider, agent: req.headers['user-agent'] };
  let done = false;
  const origWriteHead = res.writeHead;
  res.writeHead = function writeHead(statusCode, ...rest) {
    if (!done) {
      done = true;
      log({ ...record, status: statusCode });
    }
    return origWriteHead.call(this, statusCode, ...rest);
  };
  res.on('close', () => {
    if (!done) {
      done = true;
      log({ ...record, status: null, aborted: true });
    }
  });
}

// ---------------------------------------------------------------- keys

// One RSA signing key for both providers (ID tokens are RS256 by default). Kept in
// memory because the /faults/audience route re-signs ID tokens with it.
const { privateKey } = await keyPair;
const signingJwk = {
  ...privateKey.export({ format: 'jwk' }),
  use: 'sig',
  alg: 'RS256',
};
signingJwk.kid = createHash('sha256').update(signingJwk.n).digest('base64url').slice(0, 16);

// ---------------------------------------------------------------- strict client assertion audiences
//
// oidc-provider accepts, at every endpoint, the issuer, the token endpoint or the URL of the endpoint called as the aud of
// a client assertion (OIDCContext.clientJwtAuthExpectedAudience, lib/helpers/oidc_context.js). Two mounts accept less,
// through the configuration hook assertJwtClientAuthClaimsAndHeader, which lib/shared/jwt_client_auth.js calls after its
// own checks and the signature: what it throws is the answer (401 invalid_client, "client authentication failed"), and
// its reason (error_detail) goes to the route's error event in the log, as every other client authentication failure's.
//   /endpoint-aud  only the URL of the endpoint called: the token endpoint at the token endpoint, the revocation,
//                  introspection or device authorization endpoint at those. idpyoidc accepts that and nothing else
//                  (Endpoint.allowed_targets = [its own name], src/idpyoidc/server/endpoint.py), and so does Glewlwyd
//                  (validate_jwt_assertion_request compares aud with <plugin URL>/<endpoint>, src/plugin/protocol_oidc.c).
//   /issuer-aud    only the issuer identifier, as one string, and the typ client-authentication+jwt: an authorization
//                  server that follows draft-ietf-oauth-rfc7523bis strictly (its -00 text: the issuer "as its sole value",
//                  "a JSON string, and not a single-valued JSON array"; JWTs without the explicit type rejected).
const CLIENT_AUTHENTICATION_TYP = 'client-authentication+jwt';
const AUDIENCE_RULES = {
  endpoint(ctx, claims) {
    const expected = ctx.oidc.urlFor(ctx.oidc.route);
    if (![].concat(claims.aud).includes(expected)) {
      throw new errors.InvalidClientAuth(`audience (aud) must be the URL of the endpoint called, ${expected}, not ${JSON.stringify(claims.aud)}`);
    }
  },
  issuer(ctx, claims, header) {
    if (claims.aud !== ctx.oidc.issuer) {
      throw new errors.InvalidClientAuth(`audience (aud) must be the issuer identifier ${ctx.oidc.issuer} as a single string, not ${JSON.stringify(claims.aud)}`);
    }
    if (header.typ !== CLIENT_AUTHENTICATION_TYP) {
      throw new errors.InvalidClientAuth(`typ must be ${CLIENT_AUTHENTICATION_TYP}, not ${JSON.stringify(header.typ)}`);
    }
  },
};
// Mount path -> [provider name, audience rule].
const STRICT_MOUNTS = { '/endpoint-aud': ['endpoint_aud', 'endpoint'], '/issuer-aud': ['issuer_aud', 'issuer'] };

// ---------------------------------------------------------------- providers

const TTL_DEFAULTS = {
  AccessToken: 3600,
  // PingOne codes live 10 minutes; so do ours, so that a test that redeems a code after a playbook run or two
  // does not depend on how loaded the machine is (test_expired_code sets its own 1-second TTL).
  AuthorizationCode: 600,
  ClientCredentials: 600,
  IdToken: 3600,
  RefreshToken: 86400,
  // Not token lifetimes, but set so oidc-provider does not print a NOTICE for each.
  Interaction: 600,
  Session: 86400,
  Grant: 86400,
};

function account(sub) {
  return {
    accountId: sub,
    // docs/README.md "Accounts": claims() returns the claims for the granted scopes;
    // oidc-provider filters them by the `claims` configuration below.
    async claims() {
      return {
        sub,
        email: `${sub}@example.test`,
        email_verified: true,
        name: `Test User ${sub}`,
      };
    },
  };
}

// ---------------------------------------------------------------- client registration (pingone provider only)

// In PingOne an OIDC application is a client of the environment's authorization server: its id is the client_id,
// its secret the client secret, and its tokenEndpointAuthMethod, redirectUris, grantTypes, responseTypes and
// pkceEnforcement are the client's metadata. The PingOne-shaped Management API test server (tests/servers/pingone_api)
// registers each OIDC application it creates here, updates it and deletes it (RFC 7591, RFC 7592), with the
// initial access token harness.py wrote into config.registration_token (never logged; without it, no registration).
// Client ids are UUIDs, as PingOne's application ids are ("Applications", id: "A string that specifies the
// application ID", a UUID in every example; https://developer.pingidentity.com/pingone-api/platform/applications/applications-1.html).
// Secrets come from oidc-provider's default secretFactory: 64 random octets, base64url, 86 characters (PingOne's
// are at least 64, Read Application Secret).
// The application's pkceEnforcement travels as the private client metadata below (RFC 7591 section 2: extensions
// may define other metadata).
const PKCE_METADATA = 'pingone_pkce_enforcement';
const PKCE_OPTIONS = new Set(['OPTIONAL', 'REQUIRED', 'S256_REQUIRED']);
const PKCE_REQUIRED = new Set(['REQUIRED', 'S256_REQUIRED']);

function pingoneRegistration() {
  if (!config.registration_token) return [{}, {}];
  const features = {
    registration: {
      enabled: true,
      // A string: the one initial access token the registration endpoint accepts (RFC 7591 section 3).
      initialAccessToken: config.registration_token,
      idFactory: () => randomUUID(),
    },
    // RFC 7592 read, update (PUT) and delete with the registration access token; the token rotates on each update.
    registrationManagement: { enabled: true, rotateRegistrationAccessToken: true },
  };
  const extra = {
    extraClientMetadata: {
      properties: [PKCE_METADATA],
      validator(ctx, key, value) {
        if (key === PKCE_METADATA && value !== undefined && !PKCE_OPTIONS.has(value)) {
          throw new errors.InvalidClientMetadata(`${PKCE_METADATA} must be one of ${[...PKCE_OPTIONS].join(', ')}`);
        }
      },
    },
  };
  return [extra, features];
}

// ---------------------------------------------------------------- storage

// oidc-provider's development adapter keeps at most 1000 entries (an LRU, lib/helpers/lru.js, createStorage in
// lib/adapters/memory_adapter.js): past that it forgets the oldest, whatever they are. One test of 1,000 token requests
// (each an access token and a replay-detection entry) made it forget the registration access tokens of the clients the
// PingOne API test server registered, and a client not used for a while would go the same way. The same adapter over
// this store keeps every entry until it expires; the OP lives for one test session.
const CLOCK_TOLERANCE = 15;

class UnboundedStore {
  #entries = new Map();

  #sets = 0;

  get(key) {
    const entry = this.#entries.get(key);
    if (entry && entry.expiry !== undefined && entry.expiry <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry?.value;
  }

  set(key, value, { maxAge } = {}) {
    const expiry = typeof maxAge === 'number' && Number.isFinite(maxAge) ? Date.now() + maxAge : undefined;
    this.#entries.set(key, { value, expiry });
    this.#sets += 1;
    if (this.#sets % 10000 === 0) {
      const now = Date.now();
      for (const [old, entry] of this.#entries) if (entry.expiry !== undefined && entry.expiry <= now) this.#entries.delete(old);
    }
    return this;
  }

  has(key) {
    return this.get(key) !== undefined;
  }

  delete(key) {
    return this.#entries.delete(key);
  }

  clear() {
    this.#entries.clear();
  }

  get size() {
    return this.#entries.size;
  }
}

function providerConfiguration(name, extra = {}, extraFeatures = {}) {
  const store = new UnboundedStore();
  return {
    adapter: (model) => new MemoryAdapter(model, store, CLOCK_TOLERANCE),
    clients: structuredClone(config.clients),
    jwks: { keys: [signingJwk] },
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      // Both providers share one host; the session cookie has path=/, so give
      // each provider its own cookie names or a shared browser would mix them.
      names: {
        session: `_${name}_session`,
        interaction: `_${name}_interaction`,
        resume: `_${name}_interaction_resume`,
      },
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read', 'api:write'],
    findAccount: async (ctx, sub) => account(sub),
    features: {
      // Built-in login and consent pages (any login and password); dev only.
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // RFC 8628. The device authorization response gets an interval below (deviceInterval).
      deviceFlow: { enabled: true },
      ...extraFeatures,
    },
    enabledJWA: {
      // Default is HS256 RS256 PS256 ES256 Ed25519 EdDSA: HS384/HS512 must be added
      // explicitly (docs/README.md "enabledJWA.clientAuthSigningAlgValues").
      clientAuthSigningAlgValues: [
        'HS256', 'HS384', 'HS512',
        'RS256', 'RS384', 'RS512',
        'PS256', 'PS384', 'PS512',
        'ES256', 'ES384', 'ES512',
        'Ed25519', 'EdDSA',
      ],
    },
    // PKCE is mandatory for public clients only, and for the clients the PingOne API test server registered for an
    // application whose pkceEnforcement is REQUIRED or S256_REQUIRED (pingoneRegistration below; oidc-provider takes
    // S256 only, so both mean S256 here). A confidential client may omit it otherwise, but once a code_challenge was
    // sent the code_verifier is checked.
    pkce: {
      required: (ctx, client) => client.clientAuthMethod === 'none'
        || PKCE_REQUIRED.has(client[PKCE_METADATA]),
    },
    // Default policy (written out): a refresh token needs the refresh_token grant
    // and a granted offline_access scope. offline_access is only kept in the
    // grant when the authorization request had prompt=consent (OIDC Core 11).
    issueRefreshToken: async (ctx, client, code) => client.grantTypeAllowed('refresh_token')
      && code.scopes.has('offline_access'),
    clockTolerance: CLOCK_TOLERANCE,
    ttl: { ...TTL_DEFAULTS, ...(config.ttl || {}) },
    ...extra,
  };
}

// The server must listen before the providers exist: with port 0 the issuer
// (which contains the port) is only known once listening.
let root;
let pingone;
let rootHandler;
let pingoneHandler;
// Mount path -> the handler of its strict provider.
const strictHandlers = {};

function strictMount(path) {
  return Object.keys(STRICT_MOUNTS).find((mount) => path === mount || path.startsWith(`${mount}/`));
}

// "Mounting oidc-provider" (docs/README.md): the docs mount provider.callback() under a prefix with express's
// app.use(prefix, ...), which strips the prefix from req.url and keeps the full URL in req.originalUrl. Do the same by
// hand: oidc-provider derives its mount path from req.originalUrl minus req.url (lib/helpers/oidc_context.js urlFor), so
// discovery, form actions, redirects and cookie paths all carry the prefix.
function mounted(req, prefix, handler, res) {
  req.originalUrl = req.url;
  const rest = req.url.slice(prefix.length);
  req.url = rest.startsWith('/') ? rest : `/${rest}`;
  handler(req, res);
}

const server = https.createServer({
  cert: readFileSync(config.tls_cert),
  key: readFileSync(config.tls_key),
}, (req, res) => {
  if (!root) {
    res.writeHead(503).end();
    return;
  }
  const path = pathOnly(req.url);
  if (path.startsWith('/faults/')) {
    logRequests(req, res, 'faults');
    handleFault(req, res, path).catch((err) => {
      log({ type: 'server_error', provider: 'faults', error: String(err?.message || err) });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  } else if (SECRET_ROUTE.test(path.slice(envPrefix.length)) && path.startsWith(`${envPrefix}/`)) {
    logRequests(req, res, 'pingone');
    handleSecretRotation(req, res, path.slice(envPrefix.length)).catch((err) => {
      log({ type: 'server_error', provider: 'pingone', error: String(err?.message || err) });
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
      else res.end();
    });
  } else if (isPiFlowRoute(req, path)) {
    logRequests(req, res, 'pingone');
    handlePiFlow(req, res, path).catch((err) => {
      log({ type: 'server_error', provider: 'pingone', error: String(err?.message || err) });
      if (!res.headersSent) sendJson(res, 500, platformError('UNEXPECTED_ERROR', 'An unexpected error occurred.'));
      else res.end();
    });
  } else if (path === envPrefix || path.startsWith(`${envPrefix}/`)) {
    logRequests(req, res, 'pingone');
    mounted(req, envPrefix, pingoneHandler, res);
  } else if (strictMount(path)) {
    const mount = strictMount(path);
    logRequests(req, res, STRICT_MOUNTS[mount][0]);
    mounted(req, mount, strictHandlers[mount], res);
  } else {
    logRequests(req, res, 'root');
    req.originalUrl = req.url;
    rootHandler(req, res);
  }
});

function attachEvents(provider, name) {
  function clientId(ctx) {
    try {
      return ctx?.oidc?.client?.clientId ?? ctx?.oidc?.params?.client_id ?? undefined;
    } catch {
      return undefined;
    }
  }
  function grantType(ctx) {
    try {
      return ctx?.oidc?.params?.grant_type ?? undefined;
    } catch {
      return undefined;
    }
  }
  function errorRecord(type, ctx, err) {
    return {
      type,
      provider: name,
      agent: ctx?.get?.('user-agent'),
      client_id: clientId(ctx),
      grant_type: type === 'grant.error' ? grantType(ctx) : undefined,
      error: err?.error ?? err?.name,
      error_description: err?.error_description,
      // The reason (alg mismatch, wrong aud, expired, replayed jti, bad
      // signature...) is only here; the HTTP answer is a generic invalid_client.
      error_detail: err?.error_detail ?? (err?.message !== err?.error ? err?.message : undefined),
      cause: err?.cause?.message,
    };
  }
  provider.on('grant.success', (ctx) => {
    log({ type: 'grant.success', provider: name, client_id: clientId(ctx), grant_type: grantType(ctx), agent: ctx?.get?.('user-agent') });
  });
  // Client registrations (pingone provider): which client, never the tokens or the secret.
  for (const type of ['registration_create.success', 'registration_update.success', 'registration_delete.success']) {
    provider.on(type, (ctx, client) => log({ type, provider: name, client_id: client?.clientId }));
  }
  // A deleted client's previous secret goes with it (a new client never gets its id: ids are UUIDs).
  provider.on('registration_delete.success', (ctx, client) => previousSecrets.delete(client?.clientId));
  for (const type of ['grant.error', 'authorization.error', 'introspection.error', 'revocation.error', 'userinfo.error',
    'device_authorization.error', 'pushed_authorization_request.error',
    'registration_create.error', 'registration_update.error', 'registration_delete.error']) {
    provider.on(type, (ctx, err) => log(errorRecord(type, ctx, err)));
  }
  provider.on('server_error', (ctx, err) => {
    log(errorRecord('server_error', ctx, err));
    process.stderr.write(`server_error (${name}): ${err?.stack || err}\n`);
  });
}

// ---------------------------------------------------------------- client secret rotation (pingone provider only)
//
// PingOne rotates an application's secret with an overlap: "POST .../applications/{id}/secret" with
// {"previous": {"expiresAt"}} issues a new secret and keeps the old one usable until then (1 minute to 30 days);
// "DELETE" the same path ends it at once; "previous.lastUsed" says when the old one was last used (ApplicationSecret,
// pingone-management.yml of PingOne's Go SDK, lines 1715-1745). RFC 7592 has no such operation (its section 2.2:
// "The client MUST NOT be allowed to overwrite its existing client secret with its own chosen value", and
// oidc-provider keeps a client's secret across updates), so the PingOne-shaped Management API test server
// (tests/servers/pingone_api/op_clients.py) asks this OP through the routes below, authorized by the registration
// endpoint's initial access token that only it holds:
//   POST   <envPrefix>/reg/<id>/secret             {"previous_expires_at": epoch seconds | null}: the OP issues a new
//                                                  secret (answered once, as {"client_secret"}); the old one
//                                                  authenticates the client until previous_expires_at (null: never)
//   GET    <envPrefix>/reg/<id>/secret/previous    {"expires_at", "last_used"} (epoch seconds; last_used null until
//                                                  the previous secret authenticates a request), 404 when none
//   DELETE <envPrefix>/reg/<id>/secret/previous    ends it: 204, 404 when none
// While a previous secret lives, the client found for a request holds the keys of both secrets (client_secret_jwt,
// RFC 7523 section 3: HMAC keyed by the secret's octets) and compares a client_secret_basic/post secret with both;
// a request whose assertion only the previous secret verifies sets last_used. Secrets never go to the log.
const SECRET_ROUTE = /^\/reg\/([0-9A-Za-z_-]+)\/secret(\/previous)?$/;
// client_id -> { secret, expiresAt (ms), lastUsed (ms) | null }
const previousSecrets = new Map();
const HMAC_HASHES = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function livePrevious(clientId) {
  const previous = previousSecrets.get(clientId);
  if (previous && previous.expiresAt <= Date.now()) {
    previousSecrets.delete(clientId);
    log({ type: 'secret_rotation.previous_expired', provider: 'pingone', client_id: clientId });
    return undefined;
  }
  return previous;
}

function sameSecret(a, b) {
  const left = Buffer.from(String(a));
  const right = Buffer.from(String(b));
  return left.length === right.length && timingSafeEqual(left, right);
}

// The client of a request while its previous secret lives: a Client of its own (never the provider's cached one, which
// outlives the overlap) whose symmetric keys are those of both secrets.
async function withPreviousSecret(client, previous) {
  const both = new pingone.Client(await pingone.Client.adapter.find(client.clientId));
  const algs = client.clientAuthSigningAlg ? [client.clientAuthSigningAlg] : Object.keys(HMAC_HASHES);
  for (const alg of algs.filter((name) => name in HMAC_HASHES)) {
    both.symmetricKeyStore.add({ alg, use: 'sig', kty: 'oct', k: Buffer.from(previous.secret).toString('base64url') });
  }
  both.compareClientSecret = async (actual) => {
    if (await client.compareClientSecret(actual)) return true;
    if (!sameSecret(actual, previous.secret)) return false;
    previous.lastUsed = Date.now();
    return true;
  };
  return both;
}

// Called by oidc-provider after a client assertion's signature verified (assertJwtClientAuthClaimsAndHeader): which
// secret verified it is not said, so the signature is computed again with the current secret.
function notePreviousSecretUse(ctx, header, client) {
  const previous = livePrevious(client.clientId);
  const hash = HMAC_HASHES[header.alg];
  if (!previous || !hash || client.clientAuthMethod !== 'client_secret_jwt') return;
  const [h, p, signature] = String(ctx.oidc.params.client_assertion).split('.');
  const current = createHmac(hash, Buffer.from(client.clientSecret)).update(`${h}.${p}`).digest('base64url');
  if (!sameSecret(current, signature)) previous.lastUsed = Date.now();
}

function installSecretRotation(provider) {
  const find = provider.Client.find.bind(provider.Client);
  provider.Client.find = async function findWithPrevious(id) {
    const client = await find(id);
    const previous = client && livePrevious(client.clientId);
    return previous ? withPreviousSecret(client, previous) : client;
  };
}

async function handleSecretRotation(req, res, rest) {
  const raw = await readBody(req);
  const [, clientId, previousPart] = SECRET_ROUTE.exec(rest);
  const [scheme, token] = (req.headers.authorization || '').split(' ');
  if (!config.registration_token || scheme?.toLowerCase() !== 'bearer' || !sameSecret(token || '', config.registration_token)) {
    return sendJson(res, 401, { error: 'invalid_token' });
  }
  const properties = await pingone.Client.adapter.find(clientId);
  if (!properties) return sendJson(res, 404, { error: 'invalid_client', error_description: 'no such client' });
  if (previousPart) {
    const previous = livePrevious(clientId);
    if (req.method === 'GET' && previous) {
      return sendJson(res, 200, { expires_at: previous.expiresAt / 1000, last_used: previous.lastUsed === null ? null : previous.lastUsed / 1000 });
    }
    if (req.method === 'DELETE' && previous) {
      previousSecrets.delete(clientId);
      log({ type: 'secret_rotation.previous_deleted', provider: 'pingone', client_id: clientId });
      res.writeHead(204, { 'cache-control': 'no-store' });
      return res.end();
    }
    if (req.method !== 'GET' && req.method !== 'DELETE') return sendJson(res, 405, { error: 'method_not_allowed' });
    return sendJson(res, 404, { error: 'not_found', error_description: 'the client has no previous secret' });
  }
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' });
  let body;
  try {
    body = JSON.parse(raw.toString('utf8') || '{}');
  } catch {
    body = null;
  }
  const until = body?.previous_expires_at;
  if (!body || (until !== null && until !== undefined && !(typeof until === 'number' && until * 1000 > Date.now()))) {
    return sendJson(res, 400, { error: 'invalid_request', error_description: 'previous_expires_at must be null or a time to come (epoch seconds)' });
  }
  if (!properties.client_secret) return sendJson(res, 400, { error: 'invalid_request', error_description: 'the client has no secret' });
  // oidc-provider's own secretFactory: 64 random octets, base64url (86 characters).
  const secret = randomBytes(64).toString('base64url');
  await pingone.Client.adapter.upsert(clientId, { ...properties, client_secret: secret });
  if (until) previousSecrets.set(clientId, { secret: properties.client_secret, expiresAt: until * 1000, lastUsed: null });
  else previousSecrets.delete(clientId);
  log({ type: 'secret_rotation.rotated', provider: 'pingone', client_id: clientId, previous_expires_at: until || null });
  return sendJson(res, 200, { client_id: clientId, client_secret: secret });
}

// ---------------------------------------------------------------- device flow (RFC 8628)

// oidc-provider names no interval in its device authorization response and never answers slow_down. This OP
// does both, as RFC 8628 sections 3.2 and 3.5 describe: the interval is config.device_interval (1 s by default,
// so tests run fast), and a poll that comes sooner than that after the previous one of the same device code
// answers slow_down. The device codes issued are appended to config.device_codes_path (not the log) for the
// tests' scan of ansible-playbook's output.
const deviceInterval = config.device_interval ?? 1;
const lastPoll = new Map();
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

function deviceFlowMiddleware() {
  return async (ctx, next) => {
    const isPoll = ctx.method === 'POST' && ctx.path === '/token' && ctx.is('application/x-www-form-urlencoded');
    let key;
    if (isPoll) {
      const form = new URLSearchParams(await readBodyOnce(ctx.req));
      if (form.get('grant_type') === DEVICE_GRANT && form.get('device_code')) {
        key = createHash('sha256').update(form.get('device_code')).digest('hex');
        const now = Date.now() / 1000;
        const previous = lastPoll.get(key);
        lastPoll.set(key, now);
        if (previous !== undefined && now - previous < deviceInterval) {
          log({ type: 'device.slow_down', provider: ctx.req.providerName, since_previous: now - previous });
          ctx.status = 400;
          ctx.set('cache-control', 'no-store');
          ctx.body = { error: 'slow_down', error_description: 'polled sooner than the interval' };
          return;
        }
      }
    }
    await next();
    if (ctx.oidc?.route === 'device_authorization' && ctx.status === 200 && ctx.body && ctx.body.device_code) {
      ctx.body = { ...ctx.body, interval: deviceInterval };
      if (config.device_codes_path) appendFileSync(config.device_codes_path, `${ctx.body.device_code}\n`, { mode: 0o600 });
    }
    if (key && ctx.body && ctx.body.access_token) lastPoll.delete(key);
  };
}

// Reads a form body ahead of oidc-provider, which then parses req.body instead of the spent stream
// (lib/shared/selective_body.js: "already parsed request body detected", its documented fallback).
async function readBodyOnce(req) {
  if (typeof req.body !== 'string') req.body = (await readBody(req)).toString('utf8');
  return req.body;
}

// ---------------------------------------------------------------- token exchange (RFC 8693)

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
// The audiences (RFC 8693 audience) this OP issues exchanged tokens for; anything else is invalid_target.
const EXCHANGE_AUDIENCES = new Set(config.exchange_audiences || ['https://api.example.test', 'reports-api']);

function exchangeError(error, description) {
  return new errors.CustomOIDCProviderError(error, description);
}

// oidc-provider has no RFC 8693 grant; this one exchanges an access token this provider issued, still valid, for a
// new access token of the same account, for the calling client, with a subset of its scope and the audience asked for.
function registerTokenExchange(provider) {
  provider.registerGrantType(TOKEN_EXCHANGE, async (ctx) => {
    const { params, client } = ctx.oidc;
    // RFC 8693 section 2.1: subject_token and subject_token_type are REQUIRED; actor_token_type goes with actor_token only.
    if (!params.subject_token || !params.subject_token_type) {
      throw exchangeError('invalid_request', 'subject_token and subject_token_type are required');
    }
    if (Boolean(params.actor_token) !== Boolean(params.actor_token_type)) {
      throw exchangeError('invalid_request', 'actor_token and actor_token_type go together');
    }
    // Section 2.2.2: a token that is invalid for any reason or unacceptable by policy is invalid_request.
    if (params.subject_token_type !== ACCESS_TOKEN_TYPE) {
      throw exchangeError('invalid_request', 'this OP exchanges access tokens only (subject_token_type)');
    }
    if (params.actor_token) {
      throw exchangeError('invalid_request', 'this OP does not accept actor tokens');
    }
    if (params.requested_token_type && params.requested_token_type !== ACCESS_TOKEN_TYPE) {
      throw exchangeError('invalid_request', 'this OP issues access tokens only (requested_token_type)');
    }
    const subject = await provider.AccessToken.find(params.subject_token);
    if (!subject || !subject.isValid || !subject.accountId) {
      throw exchangeError('invalid_request', 'subject_token is not a valid access token of this OP');
    }
    const resources = [].concat(params.resource || []);
    const audiences = [].concat(params.audience || []);
    for (const resource of resources) {
      // RFC 8707 section 2: an absolute URI without a fragment.
      let url;
      try { url = new URL(resource); } catch { url = undefined; }
      if (!url || url.hash || resource.includes('#')) throw exchangeError('invalid_target', 'resource must be an absolute URI without a fragment');
    }
    const unknown = audiences.filter((audience) => !EXCHANGE_AUDIENCES.has(audience));
    if (unknown.length) throw exchangeError('invalid_target', `no token is issued for audience ${unknown.join(', ')}`);
    const had = new Set((subject.scope || '').split(' ').filter(Boolean));
    const asked = params.scope ? params.scope.split(' ').filter(Boolean) : [...had];
    const notHeld = asked.filter((scope) => !had.has(scope));
    if (notHeld.length) throw exchangeError('invalid_scope', `the subject token does not hold ${notHeld.join(' ')}`);
    const token = new provider.AccessToken({
      accountId: subject.accountId,
      client,
      // The grant of the subject token when it was issued to this client, so that introspection finds it.
      grantId: subject.clientId === client.clientId ? subject.grantId : undefined,
      gty: 'token_exchange',
      scope: asked.join(' ') || undefined,
    });
    const aud = [...resources, ...audiences];
    if (aud.length) token.aud = aud.length === 1 ? aud[0] : aud;
    const value = await token.save();
    ctx.body = {
      access_token: value,
      // Section 2.2.1: REQUIRED.
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: token.expiration,
      scope: token.scope,
    };
  }, ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'resource',
    'audience', 'scope'], ['resource', 'audience']);
}

// ---------------------------------------------------------------- faults

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res, status, body, headers = {}) {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(data);
}

function b64json(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

// Rewrites the id_token of a successful forwarded token response (see the
// root provider middleware below).
const idTokenRewriters = {
  // Change a payload claim, keep the original signature: verification must fail.
  tamper(idToken) {
    const [h, p, s] = idToken.split('.');
    const payload = b64json(p);
    payload.sub = `tampered-${payload.sub}`;
    return [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
  },
  // Valid RS256 signature by the provider's real key (same kid), wrong audience.
  audience(idToken) {
    const [h, p] = idToken.split('.');
    const header = b64json(h);
    if (header.alg !== 'RS256') throw new Error(`unexpected id_token alg ${header.alg}`);
    const payload = { ...b64json(p), aud: 'someone-else' };
    const input = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  },
};

const rateCounters = new Map();
// /faults/<kind>/token, or /faults/<kind>/<label>/token: a label gives a test case a path of its own, whose
// requests it can count when one ansible-playbook run serves many cases (and ratelimit its own counter).
const FAULT_TOKEN = /^\/faults\/(html500|notjson|noaccess|unavailable|slow|tamper|audience|ratelimit)(\/[A-Za-z0-9_-]+)?\/token$/;

async function handleFault(req, res, path) {
  const base = `https://${host}:${server.address().port}`;
  if (path === '/faults/nodiscovery/.well-known/openid-configuration') {
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'method_not_allowed' });
    return sendJson(res, 200, {
      issuer: `${base}/faults/nodiscovery`,
      authorization_endpoint: `${base}/auth`,
      jwks_uri: `${base}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  }
  const m = FAULT_TOKEN.exec(path);
  if (!m) return sendJson(res, 404, { error: 'not_found' });
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' });
  const kind = m[1];

  if (kind === 'tamper' || kind === 'audience') {
    // Forward to the root provider in-process, body stream untouched. With
    // req.url=/token and req.originalUrl=/faults/<kind>/token, oidc-provider
    // sees a mount path of /faults/<kind>, so a client assertion whose aud is
    // the URL actually called (/faults/<kind>/token), the root issuer, or the
    // root token endpoint is accepted (lib/shared/jwt_client_auth.js
    // clientJwtAuthExpectedAudience), and the root token endpoint is added
    // below. Works with every client auth method.
    req.faultMode = kind;
    req.originalUrl = req.url;
    req.url = '/token';
    return rootHandler(req, res);
  }

  await readBody(req);
  const noStore = { 'cache-control': 'no-store' };
  switch (kind) {
    case 'html500':
      res.writeHead(500, { 'content-type': 'text/html; charset=utf-8', ...noStore });
      return res.end('<html><body>Internal Server Error</body></html>');
    case 'notjson':
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', ...noStore });
      return res.end('OK');
    case 'noaccess':
      return sendJson(res, 200, { token_type: 'Bearer', expires_in: 300 });
    case 'unavailable':
      return sendJson(res, 503, { error: 'temporarily_unavailable' }, { 'retry-after': '1' });
    case 'ratelimit': {
      // Alternates per distinct path: odd calls 429, even calls 200.
      const n = (rateCounters.get(path) || 0) + 1;
      rateCounters.set(path, n);
      if (n % 2 === 1) return sendJson(res, 429, { error: 'rate_limited' }, { 'retry-after': '1' });
      return sendJson(res, 200, { access_token: `faultaccess-${randomBytes(12).toString('hex')}`, token_type: 'Bearer', expires_in: 300 });
    }
    case 'slow':
      await new Promise((r) => { setTimeout(r, 5000); });
      if (res.destroyed) return undefined;
      return sendJson(res, 200, { access_token: `slowaccess-${randomBytes(12).toString('hex')}`, token_type: 'Bearer', expires_in: 300 });
    default:
      return sendJson(res, 404, { error: 'not_found' });
  }
}

// ---------------------------------------------------------------- PingOne headless sign-on (pi.flow)
//
// PingOne's redirectless sign-on, as its docs describe it, in front of the pingone provider:
// - GET /<env>/as/authorize?response_mode=pi.flow answers 200 with a flow object instead of a redirect
//   ("Authorize (Non-redirect and MFA Only Flows)",
//   https://developer.pingidentity.com/pingone-api/auth/openid-connect-oauth-2/authorize-browserless-and-mfa-only-flows.html);
// - POST /<env>/flows/<id> with Content-Type application/vnd.pingidentity.usernamePassword.check+json and
//   {"username","password"} checks the password ("Check Username/Password",
//   https://developer.pingidentity.com/pingone-api/auth/flows/flows-1/check-username-password.html) and sets the
//   session token cookie ST, Path=/<env> ("Step 5: Submit login credentials" of the simple SSO workflow,
//   https://developer.pingidentity.com/pingone-api/getting-started/simple-sso-workflow/step-6-submit-login-credentials.html);
// - GET /<env>/as/resume?flowId=<id> with the ST cookie answers the completed flow with authorizeResponse.code
//   ("Step 3: Resume to get authorization code", client secret JWT workflow,
//   https://developer.pingidentity.com/pingone-api/workflow-library/platform-sso-and-authorization/openid-connect-oidc/client-authentication-methods/test-the-workflow/client-secret-jwt/step-9-call-the-resume-endpoint.html).
// The code is the provider's own: resume drives the provider's authorization endpoint and its devInteractions
// login and consent forms over HTTPS to this server, with the flow's parameters (PKCE challenge, nonce, state,
// redirect_uri, scope), so the token endpoint redeems it as any other code.
//
// Accounts (config.flow_accounts, written by harness.py): username -> { password, status }, the flow status
// PingOne answers after a good password: COMPLETED, or what the sign-on policy or the account still needs
// ("PingOne Flows", flow status values: https://developer.pingidentity.com/pingone-api/auth/flows.html):
// OTP_REQUIRED for a user with MFA, PASSWORD_EXPIRED for an expired password.
// Errors are PingOne's platform error body {id, code, message, details} ("Error codes",
// https://developer.pingidentity.com/pingone-api/platform/reference/error-codes.html).

const CHECK_MEDIA_TYPE = 'application/vnd.pingidentity.usernamePassword.check+json';
// Failed password checks of an account, across flows: username -> { failures, until }.
const lockouts = new Map();
const LOCKOUT_FAILURES = 5;
const LOCKOUT_SECONDS = 900;

// The ST cookies and codes the emulation hands out go to a file of their own (never to the event log), so that
// the tests can check that no output shows them (harness.py OP.issued_secrets).
function witness(kind, value) {
  if (config.issued_secrets_path) appendFileSync(config.issued_secrets_path, `${JSON.stringify({ kind, value })}\n`);
}
// "PingOne Flows": flows expire after 15 minutes of inactivity; using one later answers 404.
const FLOW_IDLE_MS = 15 * 60 * 1000;
const piFlows = new Map();
const flowPrefix = `/${config.env_id}/flows/`;

function isPiFlowRoute(req, path) {
  if (path.startsWith(flowPrefix) || path === `${envPrefix}/resume`) return true;
  if (path !== `${envPrefix}/authorize`) return false;
  return new URL(req.url, 'https://x').searchParams.get('response_mode') === 'pi.flow';
}

function platformError(code, message, details) {
  return { id: randomUUID(), code, message, ...(details ? { details } : {}) };
}

function baseUrl() {
  return `https://${host}:${server.address().port}`;
}

function flowObject(flow) {
  const self = `${baseUrl()}${flowPrefix}${flow.id}`;
  const resume = `${baseUrl()}${envPrefix}/resume?flowId=${flow.id}`;
  const links = { self: { href: self } };
  if (flow.status === 'USERNAME_PASSWORD_REQUIRED') links['usernamePassword.check'] = { href: self };
  if (flow.status === 'COMPLETED') links.resume = { href: resume };
  return {
    _links: links,
    id: flow.id,
    environment: { id: config.env_id },
    resumeUrl: resume,
    status: flow.status,
    createdAt: new Date(flow.createdAt).toISOString(),
    expiresAt: new Date(flow.touchedAt + FLOW_IDLE_MS).toISOString(),
    ...(flow.extra || {}),
  };
}

function liveFlow(id) {
  const flow = piFlows.get(id);
  if (!flow) return undefined;
  if (Date.now() - flow.touchedAt > FLOW_IDLE_MS) {
    piFlows.delete(id);
    return undefined;
  }
  flow.touchedAt = Date.now();
  return flow;
}

function notFound(res) {
  return sendJson(res, 404, platformError('NOT_FOUND', 'The requested resource was not found.'));
}

function cookiesOf(req) {
  const found = {};
  for (const part of (req.headers.cookie || '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) found[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return found;
}

async function handlePiFlow(req, res, path) {
  const url = new URL(req.url, baseUrl());
  if (path === `${envPrefix}/authorize`) return startFlow(req, res, url);
  if (path === `${envPrefix}/resume`) return resumeFlow(req, res, url);
  return checkPassword(req, res, path.slice(flowPrefix.length));
}

async function startFlow(req, res, url) {
  if (req.method !== 'GET' && req.method !== 'POST') return sendJson(res, 405, platformError('METHOD_NOT_ALLOWED', 'Method not allowed.'));
  const params = Object.fromEntries(url.searchParams);
  delete params.response_mode;
  const client = params.client_id ? await pingone.Client.find(params.client_id) : undefined;
  const problems = [];
  if (!client) problems.push({ code: 'INVALID_VALUE', target: 'client_id', message: 'Unknown client_id.' });
  if (params.response_type !== 'code') problems.push({ code: 'INVALID_VALUE', target: 'response_type', message: 'This emulation issues codes only.' });
  if (client && !client.redirectUris.includes(params.redirect_uri)) {
    problems.push({ code: 'INVALID_VALUE', target: 'redirect_uri', message: 'Redirect URI mismatch.' });
  }
  if (problems.length) {
    return sendJson(res, 400, platformError('INVALID_DATA', 'The request could not be completed. One or more validation errors were in the request.', problems));
  }
  const now = Date.now();
  const flow = { id: randomUUID(), status: 'USERNAME_PASSWORD_REQUIRED', params, createdAt: now, touchedAt: now };
  piFlows.set(flow.id, flow);
  return sendJson(res, 200, flowObject(flow));
}

async function checkPassword(req, res, id) {
  const raw = await readBody(req);
  const flow = /^[0-9a-f-]{36}$/.test(id) ? liveFlow(id) : undefined;
  if (!flow) return notFound(res);
  if (req.method !== 'POST') return sendJson(res, 405, platformError('METHOD_NOT_ALLOWED', 'Method not allowed.'));
  // The flow action is chosen by the custom media type ("Flows", flow API actions).
  const mediaType = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  if (mediaType !== CHECK_MEDIA_TYPE.toLowerCase()) {
    return sendJson(res, 400, platformError('INVALID_REQUEST', `Unsupported flow action media type ${mediaType || '(none)'}.`));
  }
  if (flow.status !== 'USERNAME_PASSWORD_REQUIRED') {
    return sendJson(res, 400, platformError('INVALID_REQUEST', `The usernamePassword.check action is not allowed in flow status ${flow.status}.`));
  }
  let body;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    body = null;
  }
  const missing = ['username', 'password'].filter((name) => typeof body?.[name] !== 'string' || !body[name]);
  if (missing.length) {
    return sendJson(res, 400, platformError('INVALID_DATA', 'The request could not be completed. One or more validation errors were in the request.',
      missing.map((target) => ({ code: 'REQUIRED_VALUE', target, message: `${target} is required.` }))));
  }
  const account = (config.flow_accounts || {})[body.username];
  const lock = lockouts.get(body.username);
  if (lock && lock.until > Date.now()) {
    // A locked account: its first detail is PASSWORD_LOCKED_OUT with the seconds until it unlocks, as PingOne's sign-on
    // sample reads it (pingone-sample-custom-signon, react/src/components/userLogin.jsx:76-94).
    return sendJson(res, 400, platformError('INVALID_DATA', 'The request could not be completed. One or more validation errors were in the request.', [
      { code: 'PASSWORD_LOCKED_OUT', target: 'password', message: 'The user is locked out.', innerError: { secondsUntilUnlock: Math.ceil((lock.until - Date.now()) / 1000) } },
    ]));
  }
  if (!account || account.password !== body.password) {
    // A wrong password (or an unknown user, which PingOne does not tell apart) is a 400 whose first detail is
    // INVALID_CREDENTIALS (the sample's userLogin.jsx:70-75); LOCKOUT_FAILURES of them in a row lock the account for
    // LOCKOUT_SECONDS, as a PingOne password policy's lockout does (its numbers: UNCONFIRMED defaults).
    const failures = (lock && lock.until && lock.until <= Date.now() ? 0 : (lock?.failures || 0)) + 1;  // an ended lockout starts again
    lockouts.set(body.username, { failures, until: failures >= LOCKOUT_FAILURES ? Date.now() + LOCKOUT_SECONDS * 1000 : 0 });
    return sendJson(res, 400, platformError('INVALID_DATA', 'The request could not be completed. One or more validation errors were in the request.', [
      { code: 'INVALID_CREDENTIALS', target: 'password', message: 'The provided password did not match provisioned password', innerError: { failuresRemaining: Math.max(0, LOCKOUT_FAILURES - failures) } },
    ]));
  }
  lockouts.delete(body.username);
  flow.username = body.username;
  flow.status = account.status || 'COMPLETED';
  const headers = {};
  if (flow.status === 'COMPLETED') {
    flow.st = randomUUID();
    witness('ST', flow.st);
    headers['set-cookie'] = `ST=${flow.st}; Path=/${config.env_id}; Secure; HttpOnly; SameSite=None`;
  }
  flow.extra = { _embedded: { user: { username: flow.username } } };
  return sendJson(res, 200, flowObject(flow), headers);
}

async function resumeFlow(req, res, url) {
  if (req.method !== 'GET') return sendJson(res, 405, platformError('METHOD_NOT_ALLOWED', 'Method not allowed.'));
  const id = url.searchParams.get('flowId') || '';
  const flow = /^[0-9a-f-]{36}$/.test(id) ? liveFlow(id) : undefined;
  if (!flow) return notFound(res);
  if (flow.status !== 'COMPLETED') {
    return sendJson(res, 400, platformError('REQUEST_FAILED', `The flow is ${flow.status}, not COMPLETED.`));
  }
  if (!flow.st || cookiesOf(req).ST !== flow.st) {
    // The session token cookie set by the password check is what ties the resume to the signed-on user.
    return sendJson(res, 401, platformError('UNAUTHORIZED', 'The session token (ST cookie) of the flow is missing or invalid.'));
  }
  piFlows.delete(flow.id); // one code per flow
  const code = await issueCode(flow.params, flow.username);
  witness('code', code);
  flow.extra = { authorizeResponse: { code, ...(flow.params.state !== undefined ? { state: flow.params.state } : {}) } };
  return sendJson(res, 200, flowObject(flow));
}

// One HTTPS request to this server (the provider's own pages), with a cookie jar of this drive only.
function selfRequest(method, target, body, jar) {
  return new Promise((resolve, reject) => {
    const headers = { 'user-agent': 'jwtauth-tests pi.flow emulation', cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (body !== null) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    // The server's certificate is from the harness's throwaway CA; this request never leaves 127.0.0.1.
    const request = https.request(target, { method, headers, rejectUnauthorized: false }, (response) => {
      const chunks = [];
      response.on('data', (c) => chunks.push(c));
      response.on('end', () => {
        for (const line of response.headers['set-cookie'] || []) {
          const pair = line.split(';')[0];
          const i = pair.indexOf('=');
          if (i > 0) jar.set(pair.slice(0, i), pair.slice(i + 1));
        }
        resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    request.on('error', reject);
    request.end(body === null ? undefined : body);
  });
}

function formOf(page) {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(page);
  if (!form) return null;
  const attrs = (text) => Object.fromEntries([...text.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)].map((m) => [m[1].toLowerCase(), m[2]]));
  const fields = {};
  for (const input of form[2].matchAll(/<input\b([^>]*)>/gi)) {
    const a = attrs(input[1]);
    if (a.name) fields[a.name] = a.value || '';
  }
  return { action: attrs(form[1]).action, fields };
}

async function issueCode(params, login) {
  // prompt=consent: oidc-provider keeps offline_access only then (OIDC Core 11); PingOne grants what the application allows.
  let target = `${baseUrl()}${envPrefix}/authorize?${new URLSearchParams({ ...params, prompt: 'consent' })}`;
  let method = 'GET';
  let body = null;
  const jar = new Map();
  for (let hop = 0; hop < 12; hop += 1) {
    const answer = await selfRequest(method, target, body, jar);
    if (answer.status >= 300 && answer.status < 400) {
      const location = new URL(answer.headers.location, target);
      if (`${location.origin}${location.pathname}` === params.redirect_uri) {
        const error = location.searchParams.get('error');
        if (error) throw new Error(`authorization failed: ${error}`);
        return location.searchParams.get('code');
      }
      target = location.href;
      method = 'GET';
      body = null;
    } else {
      const form = answer.status === 200 ? formOf(answer.body) : null;
      if (!form || !form.action) throw new Error(`pi.flow emulation: no form at ${new URL(target).pathname} (HTTP ${answer.status})`);
      if (form.fields.prompt === 'login') Object.assign(form.fields, { login, password: 'checked-by-the-flow' });
      target = new URL(form.action, target).href;
      method = 'POST';
      body = new URLSearchParams(form.fields).toString();
    }
  }
  throw new Error('pi.flow emulation: no code after 12 hops');
}

// ---------------------------------------------------------------- start

server.listen(config.port || 0, host, () => {
  const { port } = server.address();
  const base = `https://${host}:${port}`;

  root = new Provider(base, providerConfiguration('root'));
  const [registrationExtra, registrationFeatures] = pingoneRegistration();
  pingone = new Provider(`${base}${envPrefix}`, providerConfiguration('pingone', {
    ...registrationExtra,
    // Which secret of a rotated client verified its assertion (handleSecretRotation).
    assertJwtClientAuthClaimsAndHeader: async (ctx, claims, header, client) => notePreviousSecretUse(ctx, header, client),
    // PingOne endpoint names under /<envID>/as (REFERENCE.md, PingOne section).
    routes: {
      authorization: '/authorize',
      introspection: '/introspect',
      revocation: '/revoke',
      userinfo: '/userinfo',
      end_session: '/signoff',
      pushed_authorization_request: '/par',
      device_authorization: '/device_authorization',
    },
  }, registrationFeatures));

  const strict = Object.entries(STRICT_MOUNTS).map(([mount, [name, rule]]) => {
    const provider = new Provider(`${base}${mount}`, providerConfiguration(name, {
      assertJwtClientAuthClaimsAndHeader: async (ctx, claims, header) => AUDIENCE_RULES[rule](ctx, claims, header),
    }));
    return [provider, name, mount];
  });

  for (const [provider, name] of [[root, 'root'], [pingone, 'pingone'], ...strict]) {
    provider.use(async (ctx, next) => { ctx.req.providerName = name; await next(); });
    provider.use(deviceFlowMiddleware());
    registerTokenExchange(provider);
  }
  for (const [provider, name, mount] of strict) {
    attachEvents(provider, name);
    strictHandlers[mount] = provider.callback(); // after use(): Koa composes the middleware here
  }

  // provider.use() middleware runs before oidc-provider's own routing
  // (docs/README.md "Pre- and post-middlewares"); after next() the token
  // response body is still a plain object we can rewrite.
  root.use(async (ctx, next) => {
    await next();
    const mode = ctx.req.faultMode;
    if (mode && ctx.status === 200 && ctx.body && typeof ctx.body.id_token === 'string') {
      ctx.body = { ...ctx.body, id_token: idTokenRewriters[mode](ctx.body.id_token) };
    }
  });

  // For the forwarded fault routes, also accept the root token endpoint itself
  // as client assertion aud (oidc-provider would otherwise compute it from the
  // /faults/<kind> mount path). Together with the issuer and the called URL,
  // that is the set PingOne accepts. Only requests marked by handleFault.
  const expectedAud = root.OIDCContext.prototype.clientJwtAuthExpectedAudience;
  root.OIDCContext.prototype.clientJwtAuthExpectedAudience = function clientJwtAuthExpectedAudience() {
    const accepted = expectedAud.call(this);
    if (this.ctx.req.faultMode) accepted.add(root.urlFor('token'));
    return accepted;
  };

  // We terminate TLS ourselves, so the apps see ctx.secure === true directly.
  attachEvents(root, 'root');
  attachEvents(pingone, 'pingone');
  installSecretRotation(pingone);
  rootHandler = root.callback();
  pingoneHandler = pingone.callback();

  const tmp = `${config.ready_path}.tmp`;
  writeFileSync(tmp, JSON.stringify({ port, pid: process.pid, issuer: base, pingone_issuer: `${base}${envPrefix}` }));
  renameSync(tmp, config.ready_path); // atomic: the harness never reads half a file
  process.stderr.write(`oidc-op listening on ${base} (pid ${process.pid}, ready after ${Math.round(performance.now())} ms)\n`);
});

function shutdown(signal) {
  process.stderr.write(`oidc-op: ${signal}, shutting down\n`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
if (config.exit_with_parent) {
  // harness.py holds our stdin open: EOF means it died (even by SIGKILL), so
  // do not linger as an orphan holding a port.
  process.stdin.on('end', () => shutdown('stdin closed'));
  process.stdin.resume();
}
