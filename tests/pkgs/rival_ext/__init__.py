"""Another add-on that registers a type named Report: conflicts with sample_ext."""

from statportal.content.folder import Folder
from statportal.content.schemas import ContentSchema


def includeme(config):
    config.add_content_type("Report", Folder, ContentSchema, addable_to=("Section",))
