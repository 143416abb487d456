"""Background jobs: they take ids, run in an app context, and are safe to re-run."""
