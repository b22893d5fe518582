from django.urls import path

from projects.api import (
    attachments,
    bids,
    contracts,
    deliveries,
    invitations,
    messages,
    milestones,
    payments,
    portfolio,
    reports,
    reviews,
    taxonomy,
)
from projects.api.gigs import views as gigs
from projects.api.services import views as services

urlpatterns = [
    path("categories/", taxonomy.CategoryListApi.as_view(), name="category-list"),
    path("reports/", reports.ReportsApi.as_view(), name="report-list"),
    path("skills/", taxonomy.SkillListApi.as_view(), name="skill-list"),
    path("gigs/", gigs.GigListCreateApi.as_view(), name="gig-list"),
    path("gigs/<int:gig_id>/", gigs.GigDetailApi.as_view(), name="gig-detail"),
    path("gigs/<int:gig_id>/submit/", gigs.GigSubmitApi.as_view(), name="gig-submit"),
    path("gigs/<int:gig_id>/cancel/", gigs.GigCancelApi.as_view(), name="gig-cancel"),
    path("gigs/<int:gig_id>/bids/", bids.GigBidsApi.as_view(), name="gig-bids"),
    path(
        "gigs/<int:gig_id>/invitations/",
        invitations.GigInvitationsApi.as_view(),
        name="gig-invitations",
    ),
    path(
        "gigs/<int:gig_id>/attachments/",
        attachments.GigAttachmentsApi.as_view(),
        name="gig-attachments",
    ),
    path(
        "gigs/<int:gig_id>/attachments/<int:attachment_id>/",
        attachments.GigAttachmentDetailApi.as_view(),
        name="gig-attachment",
    ),
    path("services/", services.ServiceListCreateApi.as_view(), name="service-list"),
    path("services/<int:service_id>/", services.ServiceDetailApi.as_view(), name="service-detail"),
    path(
        "services/<int:service_id>/submit/",
        services.ServiceSubmitApi.as_view(),
        name="service-submit",
    ),
    path(
        "services/<int:service_id>/pause/", services.ServicePauseApi.as_view(), name="service-pause"
    ),
    path(
        "services/<int:service_id>/resume/",
        services.ServiceResumeApi.as_view(),
        name="service-resume",
    ),
    path(
        "services/<int:service_id>/archive/",
        services.ServiceArchiveApi.as_view(),
        name="service-archive",
    ),
    path("bids/<int:bid_id>/", bids.BidDetailApi.as_view(), name="bid-detail"),
    path("bids/<int:bid_id>/withdraw/", bids.BidWithdrawApi.as_view(), name="bid-withdraw"),
    path("bids/<int:bid_id>/shortlist/", bids.BidShortlistApi.as_view(), name="bid-shortlist"),
    path("bids/<int:bid_id>/reject/", bids.BidRejectApi.as_view(), name="bid-reject"),
    path("bids/<int:bid_id>/accept/", bids.BidAcceptApi.as_view(), name="bid-accept"),
    path("contracts/", contracts.ContractListApi.as_view(), name="contract-list"),
    path(
        "contracts/<int:contract_id>/reviews/",
        reviews.ContractReviewsApi.as_view(),
        name="contract-reviews",
    ),
    path(
        "contracts/<int:contract_id>/portfolio-permission/",
        portfolio.ContractPortfolioPermissionApi.as_view(),
        name="contract-portfolio-permission",
    ),
    path(
        "contracts/<int:contract_id>/portfolio/",
        portfolio.ContractPortfolioApi.as_view(),
        name="contract-portfolio",
    ),
    path("reviews/<int:review_id>/reply/", reviews.ReviewReplyApi.as_view(), name="review-reply"),
    path(
        "freelancers/<str:username>/reviews/",
        reviews.FreelancerReviewsApi.as_view(),
        name="freelancer-reviews",
    ),
    path(
        "clients/<str:username>/reviews/",
        reviews.ClientReviewsApi.as_view(),
        name="client-reviews",
    ),
    path(
        "contracts/<int:contract_id>/",
        contracts.ContractDetailApi.as_view(),
        name="contract-detail",
    ),
    path(
        "contracts/<int:contract_id>/milestones/",
        contracts.ContractMilestonesApi.as_view(),
        name="contract-milestones",
    ),
    path(
        "contracts/<int:contract_id>/messages/",
        messages.ContractMessagesApi.as_view(),
        name="contract-messages",
    ),
    path(
        "contracts/<int:contract_id>/messages/attachments/<int:attachment_id>/",
        messages.MessageAttachmentApi.as_view(),
        name="message-attachment",
    ),
    path(
        "contracts/<int:contract_id>/deliveries/",
        deliveries.ContractDeliveriesApi.as_view(),
        name="contract-deliveries",
    ),
    path(
        "contracts/<int:contract_id>/deliveries/files/<int:file_id>/",
        deliveries.DeliveryFileApi.as_view(),
        name="delivery-file",
    ),
    path(
        "milestones/<int:milestone_id>/fund/",
        milestones.MilestoneFundApi.as_view(),
        name="milestone-fund",
    ),
    path(
        "milestones/<int:milestone_id>/pay/",
        payments.MilestonePayApi.as_view(),
        name="milestone-pay",
    ),
    path(
        "milestones/<int:milestone_id>/submit/",
        milestones.MilestoneSubmitApi.as_view(),
        name="milestone-submit",
    ),
    path(
        "milestones/<int:milestone_id>/request-revision/",
        milestones.MilestoneRequestRevisionApi.as_view(),
        name="milestone-request-revision",
    ),
    path(
        "milestones/<int:milestone_id>/approve/",
        milestones.MilestoneApproveApi.as_view(),
        name="milestone-approve",
    ),
    path(
        "milestones/<int:milestone_id>/cancel/",
        milestones.MilestoneCancelApi.as_view(),
        name="milestone-cancel",
    ),
    path(
        "milestones/<int:milestone_id>/dispute/",
        milestones.MilestoneDisputeApi.as_view(),
        name="milestone-dispute",
    ),
    path(
        "milestones/<int:milestone_id>/resolve/",
        milestones.MilestoneResolveApi.as_view(),
        name="milestone-resolve",
    ),
]
