from components.safe_text import plotly_text, safe_url


def test_plotly_text_escapes_markup():
    assert plotly_text('<b>x</b> & <script>') == "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;"
    assert plotly_text("Capita") == "Capita"


def test_safe_url_allows_only_web_and_mail_links():
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("mailto:x@example.org") == "mailto:x@example.org"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "", None, 5, "vbscript:x"):
        assert safe_url(bad) is None
