"""Plain helpers that tests import; the fixtures themselves live in tests/conftest.py.

- `events`: `interview_event` (the docs/events.md example, changed) and `DELETE`.
- `signing`: the test webhook secret, `sign_headers`, `SignedPost`.
- `smtp`: `SmtpRecorder` (what the `smtp` fixture's server received), `text_part`,
  `html_part`.
- `ports`: `free_port`.
- `settings`: the env-style settings and policy every test app starts from.
- `database`: `TEST_DATABASE_URL`, `empty_tables`.
- `workers`: `run_queued_jobs` (what the `run_jobs` fixture does).
- `forms`: `csrf_token`.
- `candidate`: acting as the candidate (`first_email`, `link_path`, `THANK_YOU_DUE`).
- `recruiter`: acting as a recruiter (`sign_in`, `login_link`).
"""
