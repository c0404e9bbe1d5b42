"""What the OpenAPI document says of the questions' JSON endpoints."""

from statportal.api.openapi import OBJECT, body, query, response


def includeme(config):
    if not hasattr(config, "add_openapi_operation"):  # included without statportal.api
        return
    add = config.add_openapi_operation
    add("/questions", "post",
        summary="Ask a question (anyone): @type Question, name, email, organisation, "
                "international, topic, text, may_publish, language, attachment; the answer "
                "has @status, the asker's link. 429 with Retry-After past the limits",
        requestBody=body({"type": "object",
                          "required": ["@type", "name", "email", "topic", "text"]}),
        responses={"201": response("The question.", OBJECT),
                   "413": {"description": "Larger than a question can be: refused unread, "
                                          "naming attachment."},
                   "429": {"description": "Too many questions."}})
    add("/questions/@published", "get",
        summary="Published questions and answers (q, topic, language)",
        parameters=[query("q"), query("topic"), query("language", ["kk", "ru", "en"])],
        responses={"200": response("Answers.", OBJECT)})
    add("/questions/@dashboard", "get",
        summary="New and open questions by due date, overdue marked; per unit: count, "
                "median answer time, share on time",
        responses={"200": response("Figures.", OBJECT)})
    add("/{path}/@status", "get", at="/questions/{id}/@status",
        summary="The asker's view of a question (t: the secret of the link)",
        parameters=[query("t")], responses={"200": response("Status.", OBJECT)})
