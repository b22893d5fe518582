"""API plumbing shared by every app, one module per concern; no business rules here.

- ``errors``: the one error shape and DRF's exception handler that writes it
- ``pagination``: cursor pages, the helpers list views call, the schema of a page
- ``query``: single-valued query parameters (filters, query serializers)
- ``renderers``: orjson's JSON, downloads' bytes, content negotiation
- ``strict``: serializers that refuse unknown fields and values of the wrong type
- ``files``: downloads and multipart bodies with several files
- ``schema``: the OpenAPI document (error responses, links between operations)

Import each name from its module: this package re-exports nothing.
"""
