"""Many threads at once: the sandbox must answer like a real API, never a 5xx of its own."""

from __future__ import annotations

import threading
from collections import Counter

import requests

from desktop_app.sandbox import RunningSandbox
from desktop_app.sandbox.seed import BOB_ID, DEMO_EMAIL_PROFILE_ID, DEMO_SHOPPER_PROFILE_ID
from tests.sandbox.client import SandboxClient, login_body

THREADS = 8
REQUESTS_PER_THREAD = 50


def test_eight_threads_of_mixed_requests(own_sandbox: RunningSandbox) -> None:
    admin = SandboxClient(own_sandbox).token()
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def worker(index: int) -> None:
        api = SandboxClient(own_sandbox)
        shopper = api.token("implicit")
        for n in range(REQUESTS_PER_THREAD):
            kind = n % 5
            if kind == 0:
                reply = api.get("/v2/settings/account-authentication", shopper)
            elif kind == 1:
                reply = api.login("ron@swanson.com", "pawnee-parks-1", token=shopper)
            elif kind == 2:
                reply = api.login(
                    "leslie@knope.com",
                    "waffles-250",
                    DEMO_EMAIL_PROFILE_ID,
                    shopper,
                    f"?page[limit]=100&page[offset]={100 * (n % 3)}",
                )
            elif kind == 3:
                email = f"user{index}-{n}@example.com"
                body = {
                    "data": {"type": "user_authentication_info", "name": f"U{n}", "email": email}
                }
                reply = api.post(api.users_path(), admin, body)
            else:
                reply = api.post(
                    api.logins_path(BOB_ID),
                    admin,
                    login_body(DEMO_SHOPPER_PROFILE_ID, "bob", "burgers-1"),
                )
            with lock:
                statuses[reply.status_code] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(statuses.values()) == THREADS * REQUESTS_PER_THREAD
    assert not [s for s in statuses if s >= 500]
    assert statuses[409] == THREADS * REQUESTS_PER_THREAD // 5 - 1
    users = SandboxClient(own_sandbox).get(
        SandboxClient(own_sandbox).users_path(), admin, params={"filter": "like(email,user*)"}
    )
    assert users.json()["meta"]["results"]["total"] == THREADS * REQUESTS_PER_THREAD // 5


def test_session_per_thread_is_not_required(sandbox: RunningSandbox) -> None:
    """requests without a Session (a fresh connection each) work just as well."""
    reply = requests.post(
        f"{sandbox.url}/oauth/access_token",
        data={"grant_type": "implicit", "client_id": "demo-client-id"},
        timeout=10,
    )
    assert reply.status_code == 200
