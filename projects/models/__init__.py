from projects.models.bids import Bid
from projects.models.contracts import Contract, ContractMessage, MessageAttachment, Milestone
from projects.models.deliveries import Delivery, DeliveryFile, Dispute, RevisionRequest
from projects.models.gigs import Gig, GigAttachment, GigInvitation
from projects.models.moderation import ContactHit, Report
from projects.models.reviews import ReputationEvent, Review
from projects.models.services import Service, ServiceExtra, ServicePackage, ServiceRequirement
from projects.models.trust import TrustCheck

__all__ = [
    "Bid",
    "ContactHit",
    "Contract",
    "ContractMessage",
    "Delivery",
    "DeliveryFile",
    "Dispute",
    "Gig",
    "GigAttachment",
    "GigInvitation",
    "MessageAttachment",
    "Milestone",
    "Report",
    "ReputationEvent",
    "Review",
    "RevisionRequest",
    "Service",
    "ServiceExtra",
    "ServicePackage",
    "ServiceRequirement",
    "TrustCheck",
]
