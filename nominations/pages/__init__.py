"""Pages (HTML) for award nominations and talent recommendations, one module per area:

- `nomination_drafts`, `nomination_submission`, `nomination_attachments`: the society's
  nominations, the form with its live rule check, submission and the answers to objections, and
  the nomination's attachments (upload, removal, opening).
- `documents`: the printable 提名书 (PDF) of a submitted nomination, from its snapshot.
- `cycles`, `formal_review`, `results`, `remote_review`, `adjustment`, `notices`: the
  association's award cycles and quotas, formal review and sanctions, later stages and winners,
  remote review, the eligibility adjustment, and notices with their objections.
- `official_results`: the provincial official results of a cycle, their template, preview and import.
- `other_channels`: the other channels' candidate lists of an academician programme, their
  template, preview and import.
- `adjustment_figures`: an adjustment run's pass and award rates as a chart and a workbook.
- `adjustment_objections`: a society's own row of the published adjustment, its objection,
  and the association's answer.
- `public`: notices and the objection form, and the published quotas, for anyone.
- `talent_recommendations`: the society's talent recommendations; `talent_programmes`,
  `talent_review`, `talent_ballots`, `talent_notices`: the association's programmes and quotas,
  formal review, the committee's ballot, the notice and the final list.
- `_shared` (guards, small shared forms and limits) and `_vocabulary` (the one place pages get
  the label of any code they show).

The frame mounts `ROUTES`.
"""

from nominations.pages import (
    adjustment,
    adjustment_figures,
    adjustment_objections,
    cycles,
    documents,
    formal_review,
    nomination_attachments,
    nomination_drafts,
    nomination_submission,
    notices,
    official_results,
    other_channels,
    public,
    remote_review,
    results,
    talent_ballots,
    talent_notices,
    talent_programmes,
    talent_recommendations,
    talent_review,
)

ROUTES = [
    *nomination_drafts.ROUTES,
    *nomination_submission.ROUTES,
    *documents.ROUTES,
    *nomination_attachments.ROUTES,
    *cycles.ROUTES,
    *results.ROUTES,
    *remote_review.ROUTES,
    *formal_review.ROUTES,
    *adjustment.ROUTES,
    *adjustment_figures.ROUTES,
    *adjustment_objections.ROUTES,
    *official_results.ROUTES,
    *notices.ROUTES,
    *public.ROUTES,
    *talent_recommendations.ROUTES,
    *talent_programmes.ROUTES,
    *talent_ballots.ROUTES,
    *talent_notices.ROUTES,
    *talent_review.ROUTES,
    *other_channels.ROUTES,
]
