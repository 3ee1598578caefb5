"""A local stand-in for the Elastic Path Commerce API, like stripe-mock is for Stripe.

New users try the app against it, staff train on it, and every test talks to it over real
loopback HTTP. It shares nothing with the app's API client except the documented wire format
(docs/commerce-api.md), so a misunderstanding of the API cannot hide in shared code.
"""

from desktop_app.sandbox.seed import Seed, SeedError, demo_seed, load_seed
from desktop_app.sandbox.server import RunningSandbox, start_sandbox

__all__ = ["RunningSandbox", "Seed", "SeedError", "demo_seed", "load_seed", "start_sandbox"]
