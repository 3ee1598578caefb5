"""The typed errors of the API layer, each carrying a sentence a support agent can act on.

The UI shows ``str(error)`` (the plain-words message) and may show ``detail`` and
``request_id`` below it; it never needs to know HTTP to explain a failure.
"""

from __future__ import annotations


class ApiError(Exception):
    """Base of every failure the client reports; ``message`` is written for people."""

    default_message = "The request to the store failed."

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        detail: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.status = status
        self.detail = detail
        self.request_id = request_id
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, status={self.status!r}, "
            f"detail={self.detail!r}, request_id={self.request_id!r})"
        )

    def explain(self) -> str:
        """Message plus whatever the server added, for a label or a dialog."""
        parts = [self.message]
        if self.detail and self.detail.lower() not in self.message.lower():
            parts.append(f"The store said: {self.detail}")
        request = f"request {self.request_id}" if self.request_id else ""
        if self.status is not None and f"HTTP {self.status}" not in self.message:
            parts.append(f"(HTTP {self.status}{', ' + request if request else ''})")
        elif request:
            parts.append(f"({request})")
        return " ".join(parts)


class ConfigurationError(ApiError):
    """The connection is unusable (bad URL, plain http to a remote host); nothing was sent."""

    default_message = "The connection settings are not usable."


class ClientAuthenticationError(ApiError):
    default_message = (
        "The store did not accept this connection's client ID or client secret. "
        "Check them in the connection settings."
    )


class ShopperAuthenticationError(ApiError):
    default_message = "Username or password not accepted for this password profile."


class PermissionDenied(ApiError):
    default_message = (
        "This API key is not allowed to do that. A Support-role key cannot manage "
        "authentication realms; use a key with an Admin role."
    )


class NotFound(ApiError):
    default_message = "The store could not find what was asked for."


class ConflictError(ApiError):
    default_message = "That already exists in the store."


class ValidationError(ApiError):
    default_message = "The store rejected the request as invalid."


class RateLimited(ApiError):
    default_message = "The store is receiving too many requests. Wait a moment and try again."


class ServerError(ApiError):
    default_message = "The store had a problem answering. Try again in a moment."


class NetworkError(ApiError):
    default_message = "Could not reach the store. Check the network connection and the store URL."

    def explain(self) -> str:
        """The store said nothing: ``detail`` is the network library's text, kept for the log."""
        return self.message


class ConnectionLost(NetworkError):
    """The request may have reached the store before the connection broke."""

    default_message = "The connection to the store was lost before it answered. Try again."


class RequestTimeout(NetworkError):
    default_message = "The store did not answer in time. Try again in a moment."


class BadResponse(ApiError):
    default_message = "The store sent a reply this app could not read."


class OperationCancelled(Exception):
    """Raised between pages when the user pressed Cancel; not a failure to explain."""
