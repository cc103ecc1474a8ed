"""``unkg serve``: a read-only SPARQL 1.1 endpoint with linked-data pages and a query editor.

``create_app()`` is the ASGI application (Starlette); ``unkg serve`` runs it
in uvicorn server processes under its own supervisor (``supervisor.py``), and
any ASGI server can run it with several workers::

    UNKG_STORE=/srv/unkg/store uvicorn --factory unkg.serve:create_app --workers 4

A server process whose query runs past the timeout exits to stop it (see
``pool.py``), so run the app under a supervisor that restarts processes.

Limits are named settings (``unkg.serve.settings.Settings``).
"""

from unkg.serve.app import create_app, error_body
from unkg.serve.settings import Settings

__all__ = ["Settings", "create_app", "error_body"]
