"""Django REST Framework and the OpenAPI document (drf-spectacular)."""

from .environment import BASE_DIR
from .security import NUM_PROXIES

# --- Django REST Framework ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header turns a missing login into 401, not 403.
        "accounts.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["marketplace.api.renderers.JSONRenderer"],
    # JSON only; an upload endpoint adds MultiPartParser itself, so a form body sent anywhere
    # else is a clear 415 instead of an empty request that "succeeds".
    "DEFAULT_PARSER_CLASSES": ["marketplace.request_guard.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.api.pagination.CursorPagination",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "marketplace.api.renderers.ContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["marketplace.api.query.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "marketplace.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "marketplace.api.errors.exception_handler",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
    # DRF's own reading of X-Forwarded-For, kept equal to ours (marketplace.ratelimit).
    "NUM_PROXIES": NUM_PROXIES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Garap API",
    "DESCRIPTION": (
        "The marketplace for micro-projects. Amounts are whole rupiah (IDR) integers. "
        "Errors share one JSON shape: `code`, `message` and per-field `fields`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The reputation formulas, published where API users look (docs/reputation.md).
    "TAGS": [
        {
            "name": "profiles",
            "description": (BASE_DIR / "docs" / "reputation.md").read_text(encoding="utf-8"),
        }
    ],
    "ENUM_NAME_OVERRIDES": {
        "ServiceStatusEnum": "marketplace.views.SERVICE_STATUS_CHOICES",
        "ProcessStatusEnum": "marketplace.views.PROCESS_STATUS_CHOICES",
        "HealthPartEnum": "marketplace.views.PARTS",
        "GigStatusEnum": "projects.models.Gig.Status",
        "BidStatusEnum": "projects.models.Bid.Status",
        "ContractStatusEnum": "projects.models.Contract.Status",
        "MilestoneStatusEnum": "projects.models.Milestone.Status",
        # A jasa's status: "ServiceStatusEnum" names the health check's parts already.
        "JasaStatusEnum": "projects.models.Service.Status",
        "ServiceExtraKindEnum": "projects.models.ServiceExtra.Kind",
        "DepositStatusEnum": "payments.models.Deposit.Status",
        "WithdrawalStatusEnum": "payments.models.Withdrawal.Status",
        "PayoutKindEnum": "payments.models.PayoutDestination.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "marketplace.api.schema.forbid_unknown_request_fields",
        # The flows as OpenAPI links, which the fuzzer's stateful phase follows.
        "marketplace.api.schema.add_links",
    ],
}
