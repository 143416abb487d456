"""`followup demo`: the whole path on a throwaway folder, printed."""

from __future__ import annotations

from plugin.cli import main


def test_demo_prints_the_thank_you_the_candidate_got(tmp_path):
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["demo", "--keep", str(tmp_path / "demo")])

    assert result.exit_code == 0, result.output
    assert "(first delivery): 202 accepted" in result.output
    assert "(the ATS retries): 200 duplicate" in result.output
    assert "The candidate's first, as text" in result.output
    for subject in (
        "thank-you notes to send",
        "a handwritten note for Acme Logistics",
        "A short check-in with Acme Logistics",
        "You've done your part with Acme Logistics",
    ):
        assert subject in result.output
    assert "Dear Lee," in result.output and "Hi Amara," in result.output
    assert result.output.count("to the candidate") == 4
    assert "to the recruiter  Your follow-up digest" in result.output
