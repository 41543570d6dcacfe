"""Who may pass the guards of each expert-pool route. Society users reach none of them, so no
page or API response open to them can name an expert."""

from tests.access_roles import ADMINS, EXPERT

EXPERTS = frozenset({EXPERT})

POLICY = {
    ("GET", "/admin/experts"): ADMINS,
    ("POST", "/admin/experts"): ADMINS,
    ("GET", "/admin/experts.xlsx"): ADMINS,
    ("GET", "/admin/experts/template.xlsx"): ADMINS,
    ("POST", "/admin/experts/import"): ADMINS,
    ("POST", "/admin/unit-aliases"): ADMINS,
    ("GET", "/admin/experts/{expert_id:int}"): ADMINS,
    ("POST", "/admin/experts/{expert_id:int}"): ADMINS,
    ("GET", "/admin/conflicts"): ADMINS,
    ("POST", "/admin/conflicts"): ADMINS,
    ("POST", "/admin/conflicts/decide"): ADMINS,
    ("GET", "/admin/review-batches"): ADMINS,
    ("POST", "/admin/review-batches"): ADMINS,
    ("GET", "/admin/review-batches/{batch_id:int}"): ADMINS,
    ("POST", "/admin/review-batches/{batch_id:int}/items"): ADMINS,
    ("POST", "/admin/review-batches/{batch_id:int}/run"): ADMINS,
    ("POST", "/admin/review-batches/{batch_id:int}/reminders"): ADMINS,
    ("GET", "/admin/review-batches/{batch_id:int}/results"): ADMINS,
    ("GET", "/admin/review-batches/{batch_id:int}/results.xlsx"): ADMINS,
    ("GET", "/expert/assignments"): EXPERTS,
    ("GET", "/expert/assignments/{assignment_id:int}"): EXPERTS,
    ("POST", "/expert/assignments/{assignment_id:int}/respond"): EXPERTS,
    ("POST", "/expert/assignments/{assignment_id:int}/review"): EXPERTS,
    ("GET", "/expert/profile"): EXPERTS,
    ("POST", "/expert/profile"): EXPERTS,
    ("POST", "/expert/relations"): EXPERTS,
    ("GET", "/api/experts"): ADMINS,
    ("POST", "/api/experts"): ADMINS,
    ("GET", "/api/experts/{expert_id:int}"): ADMINS,
    ("PUT", "/api/experts/{expert_id:int}"): ADMINS,
    ("GET", "/api/conflicts"): ADMINS,
    ("POST", "/api/conflicts/decisions"): ADMINS,
    ("GET", "/api/review-batches"): ADMINS,
    ("POST", "/api/review-batches"): ADMINS,
    ("GET", "/api/review-batches/{batch_id:int}"): ADMINS,
    ("POST", "/api/review-batches/{batch_id:int}/items"): ADMINS,
    ("GET", "/api/review-batches/{batch_id:int}/check"): ADMINS,
    ("POST", "/api/review-batches/{batch_id:int}/run"): ADMINS,
    ("GET", "/api/review-batches/{batch_id:int}/results"): ADMINS,
    ("POST", "/api/review-batches/{batch_id:int}/reminders"): ADMINS,
    ("GET", "/api/expert/assignments"): EXPERTS,
    ("POST", "/api/expert/assignments/{assignment_id:int}/respond"): EXPERTS,
    ("PUT", "/api/expert/assignments/{assignment_id:int}/review"): EXPERTS,
    ("GET", "/api/expert/profile"): EXPERTS,
    ("PUT", "/api/expert/profile"): EXPERTS,
    ("POST", "/api/expert/relations"): EXPERTS,
}
POLICY.update(
    {
        ("POST", "/admin/review-batches/{batch_id:int}/panels"): ADMINS,
        ("GET", "/admin/panels/{meeting_id:int}"): ADMINS,
        ("POST", "/admin/panels/{meeting_id:int}/roll"): ADMINS,
        ("POST", "/admin/panels/{meeting_id:int}/close"): ADMINS,
        ("GET", "/expert/panels"): EXPERTS,
        ("POST", "/expert/panels/{meeting_id:int}/ballots"): EXPERTS,
    }
)
