"""METRICS_TOKEN and PROMETHEUS_MULTIPROC_DIR, read at start."""

from __future__ import annotations

import pytest

from plugin.config import ConfigError, load_config


def test_a_counts_folder_that_does_not_exist_stops_the_start(tmp_path):
    with pytest.raises(ConfigError, match="PROMETHEUS_MULTIPROC_DIR"):
        load_config(
            {"DATA_DIR": str(tmp_path), "PROMETHEUS_MULTIPROC_DIR": "/no/such/dir"}
        )


def test_metrics_are_open_until_a_token_is_set(tmp_path):
    open_config = load_config({"DATA_DIR": str(tmp_path)})
    closed = load_config({"DATA_DIR": str(tmp_path), "METRICS_TOKEN": "t0ken"})

    assert open_config["METRICS_TOKEN"] is None
    assert closed["METRICS_TOKEN"] == "t0ken"
