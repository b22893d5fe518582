from django.urls import path

from accounts import apis, apis_notices

urlpatterns = [
    path("auth/register/", apis.RegisterApi.as_view(), name="auth-register"),
    path("auth/token/", apis.TokenApi.as_view(), name="auth-token"),
    path("auth/logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("auth/logout-all/", apis.LogoutAllApi.as_view(), name="auth-logout-all"),
    path("auth/verify-email/", apis.EmailVerifyApi.as_view(), name="auth-verify-email"),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("me/verify-email/", apis.EmailVerificationSendApi.as_view(), name="me-verify-email"),
    path(
        "me/freelancer-profile/",
        apis.MyFreelancerProfileApi.as_view(),
        name="me-freelancer-profile",
    ),
    path("me/client-profile/", apis.MyClientProfileApi.as_view(), name="me-client-profile"),
    path(
        "me/reputation-changes/",
        apis.MyReputationChangesApi.as_view(),
        name="me-reputation-changes",
    ),
    path(
        "me/notification-preferences/",
        apis_notices.NotificationPreferencesApi.as_view(),
        name="notification-preferences",
    ),
    path("freelancers/", apis.FreelancerListApi.as_view(), name="freelancer-list"),
    path(
        "freelancers/<str:username>/",
        apis.FreelancerDetailApi.as_view(),
        name="freelancer-detail",
    ),
    path("clients/<str:username>/", apis.ClientRecordApi.as_view(), name="client-record"),
    path("portfolio-items/", apis.PortfolioListApi.as_view(), name="portfolio-list"),
    path(
        "portfolio-items/<int:item_id>/",
        apis.PortfolioDetailApi.as_view(),
        name="portfolio-detail",
    ),
    path(
        "portfolio-items/<int:item_id>/images/",
        apis.PortfolioImagesApi.as_view(),
        name="portfolio-images",
    ),
    path(
        "portfolio-items/<int:item_id>/images/<int:image_id>/",
        apis.PortfolioImageDetailApi.as_view(),
        name="portfolio-image-detail",
    ),
    path("notifications/", apis.NotificationListApi.as_view(), name="notification-list"),
    path(
        "notifications/unread-count/",
        apis.NotificationUnreadCountApi.as_view(),
        name="notification-unread-count",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        apis.NotificationReadApi.as_view(),
        name="notification-read",
    ),
]
