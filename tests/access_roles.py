"""The roles of the access matrix and the usual groups of them (shared by every package's policy).

Two users of the same kind are in the matrix twice (`society`/`other_society`,
`expert`/`other_expert`): the second one is the peer whose objects the first must never reach."""

ANON, ADMIN, SOCIETY, OTHER, EXPERT, OTHER_EXPERT, EXAM, CANDIDATE = (
    "anonymous",
    "admin",
    "society",
    "other_society",
    "expert",
    "other_expert",
    "exam_admin",
    "candidate",
)
EVERYONE = frozenset({ANON, ADMIN, SOCIETY, OTHER, EXPERT, OTHER_EXPERT, EXAM, CANDIDATE})
SIGNED = EVERYONE - {ANON}
ADMINS = frozenset({ADMIN})
STAFF = frozenset({ADMIN, SOCIETY, OTHER, EXAM})
SOCIETY_ROLES = frozenset({SOCIETY, OTHER, EXAM})
EXPERTS = frozenset({EXPERT, OTHER_EXPERT})
