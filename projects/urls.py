from django.urls import path

from projects import apis, apis_milestones, apis_reports, apis_reviews

urlpatterns = [
    path("categories/", apis.CategoryListApi.as_view(), name="category-list"),
    path("reports/", apis_reports.ReportsApi.as_view(), name="report-list"),
    path("skills/", apis.SkillListApi.as_view(), name="skill-list"),
    path("gigs/", apis.GigListCreateApi.as_view(), name="gig-list"),
    path("gigs/<int:gig_id>/", apis.GigDetailApi.as_view(), name="gig-detail"),
    path("gigs/<int:gig_id>/submit/", apis.GigSubmitApi.as_view(), name="gig-submit"),
    path("gigs/<int:gig_id>/cancel/", apis.GigCancelApi.as_view(), name="gig-cancel"),
    path("gigs/<int:gig_id>/bids/", apis.GigBidsApi.as_view(), name="gig-bids"),
    path(
        "gigs/<int:gig_id>/invitations/", apis.GigInvitationsApi.as_view(), name="gig-invitations"
    ),
    path(
        "gigs/<int:gig_id>/attachments/", apis.GigAttachmentsApi.as_view(), name="gig-attachments"
    ),
    path(
        "gigs/<int:gig_id>/attachments/<int:attachment_id>/",
        apis.GigAttachmentDetailApi.as_view(),
        name="gig-attachment",
    ),
    path("bids/<int:bid_id>/", apis.BidDetailApi.as_view(), name="bid-detail"),
    path("bids/<int:bid_id>/withdraw/", apis.BidWithdrawApi.as_view(), name="bid-withdraw"),
    path("bids/<int:bid_id>/shortlist/", apis.BidShortlistApi.as_view(), name="bid-shortlist"),
    path("bids/<int:bid_id>/reject/", apis.BidRejectApi.as_view(), name="bid-reject"),
    path("bids/<int:bid_id>/accept/", apis.BidAcceptApi.as_view(), name="bid-accept"),
    path("contracts/", apis.ContractListApi.as_view(), name="contract-list"),
    path(
        "contracts/<int:contract_id>/reviews/",
        apis_reviews.ContractReviewsApi.as_view(),
        name="contract-reviews",
    ),
    path(
        "contracts/<int:contract_id>/portfolio-permission/",
        apis_reviews.ContractPortfolioPermissionApi.as_view(),
        name="contract-portfolio-permission",
    ),
    path(
        "contracts/<int:contract_id>/portfolio/",
        apis_reviews.ContractPortfolioApi.as_view(),
        name="contract-portfolio",
    ),
    path(
        "reviews/<int:review_id>/reply/", apis_reviews.ReviewReplyApi.as_view(), name="review-reply"
    ),
    path(
        "freelancers/<str:username>/reviews/",
        apis_reviews.FreelancerReviewsApi.as_view(),
        name="freelancer-reviews",
    ),
    path(
        "clients/<str:username>/reviews/",
        apis_reviews.ClientReviewsApi.as_view(),
        name="client-reviews",
    ),
    path("contracts/<int:contract_id>/", apis.ContractDetailApi.as_view(), name="contract-detail"),
    path(
        "contracts/<int:contract_id>/milestones/",
        apis.ContractMilestonesApi.as_view(),
        name="contract-milestones",
    ),
    path(
        "contracts/<int:contract_id>/messages/",
        apis.ContractMessagesApi.as_view(),
        name="contract-messages",
    ),
    path(
        "contracts/<int:contract_id>/messages/attachments/<int:attachment_id>/",
        apis.MessageAttachmentApi.as_view(),
        name="message-attachment",
    ),
    path(
        "contracts/<int:contract_id>/deliveries/",
        apis.ContractDeliveriesApi.as_view(),
        name="contract-deliveries",
    ),
    path(
        "contracts/<int:contract_id>/deliveries/files/<int:file_id>/",
        apis.DeliveryFileApi.as_view(),
        name="delivery-file",
    ),
    path(
        "milestones/<int:milestone_id>/fund/",
        apis_milestones.MilestoneFundApi.as_view(),
        name="milestone-fund",
    ),
    path(
        "milestones/<int:milestone_id>/submit/",
        apis_milestones.MilestoneSubmitApi.as_view(),
        name="milestone-submit",
    ),
    path(
        "milestones/<int:milestone_id>/request-revision/",
        apis_milestones.MilestoneRequestRevisionApi.as_view(),
        name="milestone-request-revision",
    ),
    path(
        "milestones/<int:milestone_id>/approve/",
        apis_milestones.MilestoneApproveApi.as_view(),
        name="milestone-approve",
    ),
    path(
        "milestones/<int:milestone_id>/cancel/",
        apis_milestones.MilestoneCancelApi.as_view(),
        name="milestone-cancel",
    ),
    path(
        "milestones/<int:milestone_id>/dispute/",
        apis_milestones.MilestoneDisputeApi.as_view(),
        name="milestone-dispute",
    ),
    path(
        "milestones/<int:milestone_id>/resolve/",
        apis_milestones.MilestoneResolveApi.as_view(),
        name="milestone-resolve",
    ),
]
