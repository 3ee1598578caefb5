"""The Commerce API client: pure Python (requests), no Qt.

The UI layer imports only models and errors from here; the worker runs the client.
"""
