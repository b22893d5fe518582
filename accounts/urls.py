from django.urls import path

from accounts.api import (
    account,
    auth,
    clients,
    freelancers,
    notifications,
    phone_notices,
    photos,
    portfolio,
)

urlpatterns = [
    path("auth/register/", auth.RegisterApi.as_view(), name="auth-register"),
    path("auth/token/", auth.TokenApi.as_view(), name="auth-token"),
    path("auth/logout/", auth.LogoutApi.as_view(), name="auth-logout"),
    path("auth/logout-all/", auth.LogoutAllApi.as_view(), name="auth-logout-all"),
    path("auth/verify-email/", auth.EmailVerifyApi.as_view(), name="auth-verify-email"),
    path("me/", account.MeApi.as_view(), name="me"),
    path("me/photo/", photos.MyPhotoApi.as_view(), name="me-photo"),
    # Any name: one that is not a stored photo's is a 404 like a removed one.
    path("photos/<str:name>/", photos.PhotoApi.as_view(), name="user-photo"),
    path("me/verify-email/", account.EmailVerificationSendApi.as_view(), name="me-verify-email"),
    path(
        "me/freelancer-profile/",
        freelancers.MyFreelancerProfileApi.as_view(),
        name="me-freelancer-profile",
    ),
    path("me/client-profile/", clients.MyClientProfileApi.as_view(), name="me-client-profile"),
    path(
        "me/reputation-changes/",
        freelancers.MyReputationChangesApi.as_view(),
        name="me-reputation-changes",
    ),
    path(
        "me/notification-preferences/",
        notifications.NotificationPreferencesApi.as_view(),
        name="notification-preferences",
    ),
    path(
        "me/push-subscriptions/",
        phone_notices.PushSubscriptionListApi.as_view(),
        name="push-subscription-list",
    ),
    path(
        "me/push-subscriptions/unsubscribe/",
        phone_notices.PushUnsubscribeApi.as_view(),
        name="push-unsubscribe",
    ),
    path(
        "me/push-subscriptions/<int:subscription_id>/",
        phone_notices.PushSubscriptionDetailApi.as_view(),
        name="push-subscription-detail",
    ),
    path(
        "me/push-preferences/",
        phone_notices.PushPreferencesApi.as_view(),
        name="push-preferences",
    ),
    path("me/whatsapp/", phone_notices.WhatsAppApi.as_view(), name="whatsapp"),
    path("freelancers/", freelancers.FreelancerListApi.as_view(), name="freelancer-list"),
    path(
        "freelancers/<str:username>/",
        freelancers.FreelancerDetailApi.as_view(),
        name="freelancer-detail",
    ),
    path("clients/<str:username>/", clients.ClientRecordApi.as_view(), name="client-record"),
    path("portfolio-items/", portfolio.PortfolioListApi.as_view(), name="portfolio-list"),
    path(
        "portfolio-items/<int:item_id>/",
        portfolio.PortfolioDetailApi.as_view(),
        name="portfolio-detail",
    ),
    path(
        "portfolio-items/<int:item_id>/images/",
        portfolio.PortfolioImagesApi.as_view(),
        name="portfolio-images",
    ),
    path(
        "portfolio-items/<int:item_id>/images/<int:image_id>/",
        portfolio.PortfolioImageDetailApi.as_view(),
        name="portfolio-image-detail",
    ),
    path("notifications/", notifications.NotificationListApi.as_view(), name="notification-list"),
    path(
        "notifications/unread-count/",
        notifications.NotificationUnreadCountApi.as_view(),
        name="notification-unread-count",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        notifications.NotificationReadApi.as_view(),
        name="notification-read",
    ),
]
