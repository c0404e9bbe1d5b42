"""An add-on with a workflow: a Note goes draft -> submitted -> published."""

from statportal.content.base import Content
from statportal.content.schemas import ContentSchema
from statportal.workflow import Finding, State, Transition, Workflow

EDIT = "statportal.edit"
SUBMIT, PUBLISH, RETURN = "note.submit", "note.publish", "note.return"
EVENTS = []


def needs_english_title(obj, request, transition):
    if not obj.title.get("en"):
        return [Finding("An English title is required before publishing.", field="title.en",
                        code="missing_translation")]
    return []


NOTE_WORKFLOW = Workflow(
    name="note",
    initial_state="draft",
    states=(
        State("draft", {"en": "Draft"}, {"view": ("Executor", "Moderator"),
                                         EDIT: ("Executor",), SUBMIT: ("Executor",)},
              inherit=False),
        State("submitted", {"en": "Submitted"}, {"view": ("Executor", "Moderator"),
                                                 PUBLISH: ("Moderator",),
                                                 RETURN: ("Moderator",)}, inherit=False),
        State("published", {"en": "Published"}, {"view": ("Anonymous",)}),
    ),
    transitions=(
        Transition("submit", ("draft",), "submitted", SUBMIT, {"en": "Submit"}),
        Transition("publish", ("submitted",), "published", PUBLISH, {"en": "Publish"},
                   guards=(needs_english_title,)),
        Transition("return", ("submitted",), "draft", RETURN, {"en": "Return"},
                   requires_comment=True),
    ),
)


class Note(Content):
    pass


def mail_on_return(event):
    """Tell the note's creator why it came back (in Kazakh, with a long body)."""
    from statportal.content.resources import get_portal
    from statportal.mail import make_message, queue_mail

    EVENTS.append((event.transition.name, event.comment))
    if event.transition.name != "return":
        return
    request = event.request
    creator = get_portal(request)["principals"]["users"][event.object.creator]
    body = f"Жазба қайтарылды: {event.comment}\n" + "Ұзын жол " * 200
    queue_mail(request, make_message(
        request.registry.settings["mail.default_sender"], creator.email,
        "Жазба қайтарылды", body,
        attachments=[("note.txt", "text/plain", "Жазба".encode())]))


def includeme(config):
    from statportal.workflow.events import AfterTransition

    config.add_content_type("Note", Note, ContentSchema, addable_to=("Section",))
    config.add_workflow(NOTE_WORKFLOW, content_types=("Note",))
    config.add_subscriber(mail_on_return, AfterTransition)
