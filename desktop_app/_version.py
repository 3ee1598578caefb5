"""The version, in the one place packaging and the app both read it from.

A plain constant because looking it up in package metadata costs ~20 ms at every start."""

__version__ = "0.1.0"
