"""One router module per page area; create_app() includes them all."""
