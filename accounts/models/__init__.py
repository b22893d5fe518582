from accounts.models.audit import ModeratorAction
from accounts.models.phone_notices import NoticeDelivery, PushSubscription, WhatsAppContact
from accounts.models.portfolio import PortfolioImage, PortfolioItem
from accounts.models.profiles import (
    Availability,
    ClientProfile,
    FreelancerProfile,
    Language,
    ReputationChange,
    ReputationPass,
)
from accounts.models.regions import Province
from accounts.models.signins import SignIn
from accounts.models.taxonomy import Category, Skill
from accounts.models.users import (
    USERNAME_PATTERN,
    AuthToken,
    Notification,
    Suspension,
    User,
    UserManager,
    username_validator,
)

__all__ = [
    "USERNAME_PATTERN",
    "AuthToken",
    "Availability",
    "Category",
    "ClientProfile",
    "FreelancerProfile",
    "Language",
    "ModeratorAction",
    "NoticeDelivery",
    "Notification",
    "PortfolioImage",
    "PortfolioItem",
    "Province",
    "PushSubscription",
    "ReputationChange",
    "ReputationPass",
    "SignIn",
    "Skill",
    "Suspension",
    "User",
    "UserManager",
    "WhatsAppContact",
    "username_validator",
]
