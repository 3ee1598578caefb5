"""The official JS SDK (@elasticpath/js-sdk) authenticates against the sandbox.

The SDK is the reference for what "form-encoded in, flat JSON out" means. Node and the SDK are
not project dependencies, so this runs only where ``EP_JS_SDK_DIR`` names a directory holding
``node_modules/@elasticpath/js-sdk`` (``npm install @elasticpath/js-sdk`` there).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop_app.sandbox import RunningSandbox

SCRIPT = """
const { gateway, MemoryStorageFactory } = require('@elasticpath/js-sdk');
const [host, secret] = [process.argv[2], process.argv[3]];
const options = { client_id: 'demo-client-id', host, protocol: 'http',
                  storage: new MemoryStorageFactory() };
if (secret) options.client_secret = secret;
const ep = gateway(options);
ep.Authenticate()
  .then(auth => ep.request.send('settings/account-authentication', 'GET')
    .then(settings => console.log(JSON.stringify({ auth, settings }))))
  .catch(error => { console.error(error); process.exit(1); });
"""

SDK_DIR = os.environ.get("EP_JS_SDK_DIR", "")
pytestmark = pytest.mark.skipif(
    not (
        SDK_DIR
        and shutil.which("node")
        and (Path(SDK_DIR) / "node_modules/@elasticpath/js-sdk").is_dir()
    ),
    reason="set EP_JS_SDK_DIR to a directory with node_modules/@elasticpath/js-sdk",
)


@pytest.mark.parametrize(
    "secret", [None, "demo-client-secret"], ids=["implicit", "client_credentials"]
)
def test_js_sdk_authenticates_and_calls(sandbox: RunningSandbox, secret: str | None) -> None:
    script = Path(SDK_DIR) / "sandbox_sdk_check.cjs"
    script.write_text(SCRIPT, encoding="utf-8")
    host = sandbox.url.removeprefix("http://")
    result = subprocess.run(
        ["node", str(script), host, *([secret] if secret else [])],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=SDK_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["auth"]["identifier"] == ("client_credentials" if secret else "implicit")
    realm = reply["settings"]["data"]["relationships"]["authentication_realm"]["data"]["id"]
    assert realm == sandbox.seed.realm_id
