"""The roles of the access matrix and the usual groups of them (shared by every package's policy)."""

ANON, ADMIN, SOCIETY, OTHER, EXPERT, EXAM, CANDIDATE = (
    "anonymous",
    "admin",
    "society",
    "other_society",
    "expert",
    "exam_admin",
    "candidate",
)
EVERYONE = frozenset({ANON, ADMIN, SOCIETY, OTHER, EXPERT, EXAM, CANDIDATE})
SIGNED = EVERYONE - {ANON}
ADMINS = frozenset({ADMIN})
STAFF = frozenset({ADMIN, SOCIETY, OTHER, EXAM})
SOCIETY_ROLES = frozenset({SOCIETY, OTHER, EXAM})
