"""All Qt code lives here; the core (`analyst_app`) never imports it."""
