"""The browser harness can fail: it records bodies, and it reports console errors, page errors and
unexpected statuses (the console tests rely on it for "no console errors" and the no-leak scan)."""

from __future__ import annotations

from .browser import Console, console  # noqa: F401 (the fixture)


def test_the_recorder_keeps_bodies_and_reports_what_went_wrong(console: Console) -> None:  # noqa: F811
    session = console.new_session()
    try:
        session.recorder.expect(404, "/favicon.ico")  # a JSON page has no icon link, so Chromium asks
        page = session.goto("/healthz")
        assert session.recorder.problems() == []
        assert any(r.url.endswith("/healthz") and r.status == 200 and r.body for r in session.recorder.responses)
        assert session.recorder.problems() == []

        page.evaluate("fetch('/api/v1/no-such-route').then(r => r.text())")
        page.evaluate("console.error('something broke')")
        page.evaluate("setTimeout(() => { throw new Error('uncaught') }, 0)")
        page.wait_for_timeout(200)  # let the timer fire; not a timed assertion
        problems = "\n".join(session.recorder.problems())
        assert "HTTP 401" in problems and "/api/v1/no-such-route" in problems
        assert "console error: something broke" in problems
        assert "page error: " in problems and "uncaught" in problems

        session.recorder.reset()
        session.recorder.expect(401, "/api/v1/no-such-route")
        page.evaluate("fetch('/api/v1/no-such-route').then(r => r.text())")
        page.wait_for_load_state("networkidle")
        assert [p for p in session.recorder.problems() if "no-such-route" in p] == []
    finally:
        session.close()
