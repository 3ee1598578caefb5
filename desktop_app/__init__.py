"""Shopper Login Desk: log in as an Elastic Path Commerce shopper and manage password logins."""

from desktop_app._version import __version__

APP_NAME = "Shopper Login Desk"
ORGANIZATION = "Shopper Login Desk"
DIST_NAME = "shopper-login-desk"

__all__ = ["APP_NAME", "DIST_NAME", "ORGANIZATION", "__version__"]
