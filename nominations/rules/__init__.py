"""Pure domain rules for award nominations: no database, no HTTP (see DESIGN.md)."""
