"""E-mail subscriptions (issue 21): an address subscribes to sections (with their
sub-sections), categories, Taldau indicators or the release calendar, in kk, ru or en,
immediately or as a daily digest, confirmed by a link (double opt-in) and left with one
click.

``resources`` (the store and its indexes), ``tokens`` (signed links), ``addresses``
(what an address may be), ``schemas`` (one schema for the form and the JSON), ``choices``
(the sections, categories and indicators one may choose), ``limits`` (per client address
and per e-mail), ``messages`` (the confirmation mail), ``api`` and ``views`` (thin).
"""


def includeme(config):
    pass
