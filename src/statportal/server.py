"""The ``egg:statportal#waitress`` server runner for pserve.

PasteDeploy interpolates ``%(http_port)s`` in a server section with the ini
file's ``[DEFAULT]`` first, so ``pserve etc/development.ini http_port=7000``
would still listen on the default port. This runner takes ``listen`` with
its ``%%(…)s`` variables left for it and fills them from the global
configuration, where the variables given to pserve win over ``[DEFAULT]``.
"""

import waitress


def listen_address(template, global_conf):
    try:
        return template % global_conf
    except KeyError as exc:
        raise ValueError(f"listen = {template!r}: no value for {exc.args[0]!r}") from None


def serve(app, global_conf, listen="127.0.0.1:%(http_port)s", **settings):
    waitress.serve(app, listen=listen_address(listen, global_conf), **settings)
