"""The env-style settings and firm policy every test app starts from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.signing import WEBHOOK_SECRET

POLICY_TOML = """
[firm]
name = "Northwind Staffing"
postal_address = "12 Harbour Road, Portland, ME 04101"
timezone = "America/New_York"
"""


def base_settings(database_url: str, data_dir: Path) -> dict[str, Any]:
    """Settings for an app on `database_url`, its policy file written in `data_dir`."""
    policy = data_dir / "policy.toml"
    policy.write_text(POLICY_TOML, encoding="utf-8")
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "SECRET_KEY": "test-secret-key",
        "MAIL_FROM": "Northwind Coach <coach@northwind.example>",
        "BASE_URL": "http://localhost",
        "POLICY_FILE": str(policy),
        "STANDARD_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "TICK_INTERVAL": "0",
    }
