"""Offline media: a self-contained static copy of a section for a disc or a zip.

``statportal bundle CONFIG SECTION_PATH --out DIR|FILE.zip|FILE.iso`` (``cli``) and the
Moderator's job in the CMS (``job``) both call ``site.build_bundle``: ``collect`` picks the
section's public materials, ``site`` renders the static pages (relative links, from
``file://``), ``search`` the offline search index, ``writers`` writes a directory, a zip or
(``iso``) a disc image, each with ``SHA256SUMS`` and ``README.txt``.
"""


def includeme(config):
    # the Moderator's job in the CMS (the command needs no registration: an entry point)
    config.include("statportal.bundle.job_views")
