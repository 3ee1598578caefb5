"""Icons and the stylesheet, shipped inside the package as ``desktop_app.resources``."""
