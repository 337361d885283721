"""Pages for grants: one module per part of the site (set-up, public, applying, screening)."""
