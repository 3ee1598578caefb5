"""Shopper Login Desk: log in as an Elastic Path Commerce shopper and manage password logins."""

from importlib import metadata

APP_NAME = "Shopper Login Desk"
ORGANIZATION = "Shopper Login Desk"
DIST_NAME = "shopper-login-desk"

try:
    __version__ = metadata.version(DIST_NAME)
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
