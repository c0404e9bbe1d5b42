"""Pages and answers refuse framing, also under a policy a view set."""



# -- (c) framing -----------------------------------------------------------------------------
def test_pages_and_answers_refuse_framing(testapp, demo):
    for url, headers in (("/", {"Accept": "text/html"}), ("/login", {}),
                         ("/++api++/official-statistics", {}),
                         ("/no-such-page", {"Accept": "text/html"})):
        response = testapp.get(url, headers=headers, status="*")
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Frame-Options"] == "DENY", url


def test_framing_is_added_to_a_policy_a_view_set():
    from types import SimpleNamespace

    from webob import Response

    from statportal.security.edge import framing_headers

    response = Response()
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    framing_headers(SimpleNamespace(response=response))
    assert response.headers["Content-Security-Policy"] == \
        "sandbox; default-src 'none'; frame-ancestors 'none'"
