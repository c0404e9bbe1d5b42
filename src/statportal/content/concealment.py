"""Content a type hides from the public. An object, or one it is inside, whose
``__concealed__()`` returns True answers 404 rather than 403 to whoever is not staff, as
if it did not exist (a material before its publication: the embargo must not leak that
a release is coming). The core's forbidden views ask this; the types say when."""

from pyramid.location import lineage


def concealed(context):
    """Whether ``context`` or one of its parents conceals itself now."""
    for obj in lineage(context):
        conceals = getattr(obj, "__concealed__", None)
        if conceals is not None and conceals():
            return True
    return False
