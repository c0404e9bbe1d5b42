"""Events of the workflow engine: subscribers send mail, reindex, write the audit log."""


class _TransitionEvent:
    def __init__(self, obj, workflow, transition, request, comment, entry=None):
        self.object = obj
        self.workflow = workflow
        self.transition = transition
        self.request = request
        self.comment = comment
        self.entry = entry


class BeforeTransition(_TransitionEvent):
    """A transition is about to change the state; raising here refuses it."""


class AfterTransition(_TransitionEvent):
    """The state has changed; ``entry`` is the history entry just written."""
