'use strict';
// Drives the official @elasticpath/js-sdk against the sandbox, for tests/sandbox/test_js_sdk.py.
//
//   node sdk_login.cjs SDK_DIR HOST CLIENT_ID CLIENT_SECRET PASSWORD_PROFILE_ID USERNAME PASSWORD
//
// SDK_DIR holds node_modules/@elasticpath/js-sdk; HOST is "127.0.0.1:PORT"; an empty
// CLIENT_SECRET means the implicit grant. Only the SDK's own API is used: gateway(),
// Authenticate() and AccountMembers.GenerateAccountToken() (POST /v2/account-members/tokens).
//
// Prints one JSON object as the last line of stdout:
//   { ok, stage, auth, stored, login, error, requests, sdk_log }
// Exit status: 0 when both steps succeeded, 3 when the SDK rejected a step (`error` holds what
// it rejected with: the API's error body), 1 on a crash of this script.

const path = require('node:path');
const { createRequire } = require('node:module');

const [sdkDir, host, clientId, clientSecret, profileId, username, password] =
  process.argv.slice(2);
if (!sdkDir || !host || !clientId || !profileId || !username || password === undefined) {
  console.error(
    'usage: node sdk_login.cjs SDK_DIR HOST CLIENT_ID CLIENT_SECRET PROFILE_ID USERNAME PASSWORD',
  );
  process.exit(2);
}

const { gateway, MemoryStorageFactory } = createRequire(path.join(sdkDir, 'package.json'))(
  '@elasticpath/js-sdk',
);

// The SDK logs token-status notes ("Token status: credentials expired") with console.info,
// which would mix with our JSON on stdout: keep them and report them instead.
const sdkLog = [];
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = (...args) => sdkLog.push(`${level}: ${args.map(String).join(' ')}`);
}

// Record every request the SDK makes (it resolves the global fetch when gateway() builds its
// config), so the test can check what went over the wire and that it stayed on the sandbox.
const requests = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (url, init = {}) => {
  requests.push(`${(init.method || 'GET').toUpperCase()} ${url}`);
  return realFetch(url, init);
};

const storage = new MemoryStorageFactory();
const options = {
  client_id: clientId,
  host,
  protocol: 'http',
  storage,
  // The SDK re-authenticates and retries a 401 up to 4 times, waiting 1 s, 2 s, 3 s (+ up to
  // 0.5 s jitter) in between; keep its behaviour but not the waiting.
  retryDelay: 1,
  retryJitter: 1,
};
if (clientSecret) options.client_secret = clientSecret;
const ep = gateway(options);

function plain(value) {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, cause: String(value.cause ?? '') };
  }
  return value;
}

function finish(result, status) {
  result.requests = requests;
  result.sdk_log = sdkLog;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exitCode = status;
}

async function main() {
  const result = { ok: false, stage: 'authenticate', auth: null, stored: null, login: null };
  try {
    result.auth = await ep.Authenticate();
    // What the SDK kept: it decides from `expires` (epoch seconds) whether to re-authenticate.
    result.stored = JSON.parse(storage.get('epCredentials'));
    result.stage = 'login';
    result.login = await ep.AccountMembers.GenerateAccountToken({
      type: 'account_management_authentication_token',
      authentication_mechanism: 'password',
      password_profile_id: profileId,
      username,
      password,
    });
  } catch (error) {
    result.error = plain(error);
    finish(result, 3);
    return;
  }
  result.ok = true;
  result.stage = null;
  finish(result, 0);
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 1;
});
