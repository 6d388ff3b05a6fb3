"""A Python client for the export REST API (Scroll Word/PDF Exporter compatible).

from pressroom.client import ExportClient

with ExportClient("http://localhost:8090", auth=("writer", "secret")) as client:
    job_id = client.start_export("557060", "com.k15t.scroll.office.default-template-1")
    path = client.download(client.wait(job_id), "exports/")
"""

from pressroom.client.errors import ExportError, ExportFailed, ExportTimeout
from pressroom.client.exporter import ExportClient
from pressroom.client.status import ExportStatus, Template

__all__ = [
    "ExportClient",
    "ExportError",
    "ExportFailed",
    "ExportStatus",
    "ExportTimeout",
    "Template",
]
