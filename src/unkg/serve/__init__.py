"""``unkg serve``: a read-only SPARQL 1.1 endpoint with linked-data pages and a query editor.

``create_app()`` is the ASGI application (Starlette); ``unkg serve`` runs it
with uvicorn, and any ASGI server can run it with several workers::

    UNKG_STORE=/srv/unkg/store uvicorn --factory unkg.serve:create_app --workers 4

Limits are named settings (``unkg.serve.settings.Settings``).
"""

from unkg.serve.app import create_app, error_body
from unkg.serve.settings import Settings

__all__ = ["Settings", "create_app", "error_body"]
