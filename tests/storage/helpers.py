"""What the storage tests share beyond fixtures: an ini file for the commands and pserve."""

from statportal.testing import TEST_SECRET


def write_ini(path, uri, **settings):
    """A ``pserve``/``statportal`` CONFIG at ``path`` whose portal is on ``uri``."""
    lines = "".join(f"{name} = {value}\n" for name, value in {
        "zodbconn.uri": uri, "statportal.secret": TEST_SECRET,
        "statportal.argon2_profile": "CHEAPEST", **settings}.items())
    path.write_text("[app:main]\nuse = egg:statportal\n" + lines
                    + "\n[server:main]\nuse = egg:statportal#waitress\nlisten = 127.0.0.1:0\n")
    return str(path)
